package proctest

import (
	"fmt"
	"io"
	"strings"
)

// Report is what one fault run tried and which of its checks held.
type Report struct {
	Name   string
	Tried  []string
	Checks []Check
}

// Triedf notes what the run did.
func (r *Report) Triedf(format string, args ...any) {
	r.Tried = append(r.Tried, fmt.Sprintf(format, args...))
}

// Add records checks.
func (r *Report) Add(cs ...Check) { r.Checks = append(r.Checks, cs...) }

// Expect records a check from a condition.
func (r *Report) Expect(ok bool, what, detail string, args ...any) {
	r.Checks = append(r.Checks, Check{What: what, OK: ok, Detail: fmt.Sprintf(detail, args...)})
}

// Held reports whether every check held (and there was at least one).
func (r *Report) Held() bool {
	if len(r.Checks) == 0 {
		return false
	}
	for _, c := range r.Checks {
		if !c.OK {
			return false
		}
	}
	return true
}

// Failed are the checks that did not hold.
func (r *Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if !c.OK {
			out = append(out, c)
		}
	}
	return out
}

// Print writes the report in the format of docs/FAULTS.md.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "FAULT %s\n", r.Name)
	for _, t := range r.Tried {
		fmt.Fprintf(w, "  tried: %s\n", t)
	}
	for _, c := range r.Checks {
		mark := "held  "
		if !c.OK {
			mark = "BROKEN"
		}
		line := fmt.Sprintf("  %s %s", mark, c.What)
		if c.Detail != "" {
			line += " — " + strings.ReplaceAll(c.Detail, "\n", " ")
		}
		fmt.Fprintln(w, line)
	}
	verdict := "HELD"
	if !r.Held() {
		verdict = "NOT HELD"
	}
	fmt.Fprintf(w, "  => %s\n\n", verdict)
}
