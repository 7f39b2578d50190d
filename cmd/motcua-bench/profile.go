package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// profile is a CPU profile of a server process taken with perf while a
// scenario's load ran: the functions with the most samples of their own
// (self) and those on the most stacks (inclusive).
type profile struct {
	Target    string
	Self      []profLine
	Inclusive []profLine
	Err       string
	done      chan struct{}
}

type profLine struct {
	Pct    float64
	Symbol string
}

// perfAvailable says whether perf can record here.
func perfAvailable() bool {
	_, err := exec.LookPath("perf")
	return err == nil
}

// startProfile samples pid at 199 Hz with call stacks for d (perf record).
// The overhead at this rate is well under 1 % of a CPU.
func (b *bench) startProfile(name string, pid int, target string, d time.Duration) *profile {
	p := &profile{Target: target, done: make(chan struct{})}
	b.profiles[name] = p
	if !perfAvailable() {
		p.Err = "perf is not installed"
		close(p.done)
		return p
	}
	go func() {
		defer close(p.done)
		file := filepath.Join(b.cfg.work, "perf-"+name+".data")
		rec := exec.Command("perf", "record", "-F", "199", "-g", "-p", strconv.Itoa(pid), "-o", file,
			"--", "sleep", fmt.Sprintf("%.1f", d.Seconds()))
		if out, err := rec.CombinedOutput(); err != nil {
			p.Err = fmt.Sprintf("perf record: %v: %s", err, firstLine(string(out)))
			return
		}
		p.Self = perfReport(file, false, 1.0, 15)
		p.Inclusive = perfReport(file, true, 4.0, 25)
	}()
	return p
}

// wait waits for the profile to be written.
func (p *profile) wait() {
	if p != nil {
		<-p.done
	}
}

// perfReport reads the top symbols of a perf.data file.
func perfReport(file string, children bool, limit float64, n int) []profLine {
	args := []string{"report", "-i", file, "--stdio", "--sort", "symbol", "-g", "none",
		"--percent-limit", fmt.Sprint(limit)}
	if children {
		args = append(args, "--children")
	} else {
		args = append(args, "--no-children")
	}
	out, err := exec.Command("perf", args...).Output()
	if err != nil {
		return nil
	}
	return parsePerf(string(out), n)
}

// parsePerf reads perf report --stdio lines "  12.34%  [.] symbol" or, with
// --children, "  50.00%   1.00%  [.] symbol" (the first figure is kept).
func parsePerf(out string, n int) []profLine {
	var lines []profLine
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		pctText, rest, ok := strings.Cut(line, "%")
		if !ok {
			continue
		}
		pct, err := strconv.ParseFloat(strings.TrimSpace(pctText), 64)
		if err != nil {
			continue
		}
		i := strings.Index(rest, "] ")
		if i < 0 {
			continue
		}
		sym := strings.TrimSpace(rest[i+2:])
		if sym == "" || boringSymbol(sym) {
			continue
		}
		lines = append(lines, profLine{Pct: pct, Symbol: sym})
		if len(lines) == n {
			break
		}
	}
	return lines
}

// boringSymbol: entry points on every stack that explain nothing.
func boringSymbol(s string) bool {
	switch s {
	case "runtime.goexit.abi0", "runtime.goexit", "runtime.main", "main.main", "runtime.mstart",
		"runtime.mstart0", "runtime.mstart1", "runtime.systemstack.abi0", "runtime.mcall",
		"net/http.(*conn).serve", "entry_SYSCALL_64_after_hwframe", "do_syscall_64":
		return true
	}
	return false
}

// text renders the profile for PERFORMANCE.md.
func (p *profile) text() string {
	if p == nil {
		return "(no profile)\n"
	}
	if p.Err != "" {
		return "(no profile: " + p.Err + ")\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "perf record -F 199 -g on %s; top functions by own samples (self) and on-stack share (inclusive)\n\n", p.Target)
	b.WriteString("self                                            inclusive\n")
	for i := 0; i < max(len(p.Self), len(p.Inclusive)); i++ {
		left, right := "", ""
		if i < len(p.Self) {
			left = fmt.Sprintf("%5.1f%%  %s", p.Self[i].Pct, short(p.Self[i].Symbol, 38))
		}
		if i < len(p.Inclusive) {
			right = fmt.Sprintf("%5.1f%%  %s", p.Inclusive[i].Pct, short(p.Inclusive[i].Symbol, 70))
		}
		fmt.Fprintf(&b, "%-48s%s\n", left, right)
	}
	return b.String()
}

func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
