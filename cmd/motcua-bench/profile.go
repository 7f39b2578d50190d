package main

import (
	"cmp"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// profile is a CPU profile of a server process taken with perf while a
// scenario's load ran: the functions with the most samples of their own
// (self) and those on the most stacks (inclusive).
type profile struct {
	Target    string
	Samples   int // samples of the process: few means it mostly waited (on the database)
	Self      []profLine
	Packages  []profLine // self time summed by package
	Inclusive []profLine // motcua's own functions and notable library entry points
	Err       string
	done      chan struct{}
}

type profLine struct {
	Pct    float64
	Symbol string
	Kernel bool
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
		p.Samples = perfSamples(file)
		all := perfReport(file, false, 0, 1_000_000)
		p.Self = all[:min(len(all), 15)]
		p.Packages = byPackage(all, 12)
		p.Inclusive = notable(perfReport(file, true, 2.0, 1_000_000), 18)
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

// perfSamples reads "# Samples: 1K of event …" from a report header.
func perfSamples(file string) int {
	out, err := exec.Command("perf", "report", "-i", file, "--stdio", "--sort", "symbol", "-g", "none", "--percent-limit", "100").Output()
	if err != nil {
		return 0
	}
	return parseSamples(string(out))
}

func parseSamples(out string) int {
	for _, line := range strings.Split(out, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "# Samples: ")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			return 0
		}
		mult := 1.0
		num := f[0]
		switch {
		case strings.HasSuffix(num, "K"):
			mult, num = 1e3, strings.TrimSuffix(num, "K")
		case strings.HasSuffix(num, "M"):
			mult, num = 1e6, strings.TrimSuffix(num, "M")
		}
		v, _ := strconv.ParseFloat(num, 64)
		return int(v * mult)
	}
	return 0
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
		// perf pads the line with empty columns ("-") after the symbol.
		for strings.HasSuffix(sym, " -") {
			sym = strings.TrimSpace(strings.TrimSuffix(sym, "-"))
		}
		if sym == "" || boringSymbol(sym) {
			continue
		}
		lines = append(lines, profLine{Pct: pct, Symbol: sym, Kernel: strings.Contains(rest[:i+1], "[k]")})
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

// pkgOf is the Go package of a symbol ("kernel" for the kernel's).
func pkgOf(l profLine) string {
	if l.Kernel {
		return "kernel (network, scheduling, syscalls)"
	}
	s := l.Symbol
	slash := strings.LastIndexByte(s, '/')
	dot := strings.IndexByte(s[slash+1:], '.')
	if dot < 0 {
		return "runtime (assembly)"
	}
	return s[:slash+1+dot]
}

// byPackage sums self time by package.
func byPackage(lines []profLine, n int) []profLine {
	sum := map[string]float64{}
	for _, l := range lines {
		sum[pkgOf(l)] += l.Pct
	}
	var out []profLine
	for k, v := range sum {
		out = append(out, profLine{Pct: v, Symbol: k})
	}
	slices.SortFunc(out, func(a, b profLine) int { return cmp.Compare(b.Pct, a.Pct) })
	return out[:min(len(out), n)]
}

// notableEntry are library entry points worth seeing inclusively.
var notableEntry = []string{
	"github.com/vektah/gqlparser/v2/parser.ParseQuery", "github.com/vektah/gqlparser/v2/validator.Validate",
	"github.com/99designs/gqlgen/graphql/executor.(*Executor).CreateOperationContext",
	"entgo.io/ent/dialect/sql/sqlgraph.QueryNodes", "entgo.io/ent/dialect/sql/sqlgraph.CountNodes",
	"entgo.io/ent/privacy.", "github.com/casbin/casbin/v2.(*Enforcer).enforce", "github.com/lib/pq.(*conn).query",
	"github.com/lib/pq.(*conn).Exec", "github.com/lib/pq.(*conn).recv", "database/sql.(*DB).conn",
	"golang.org/x/crypto/argon2.", "encoding/json.", "log/slog.(*Logger).log", "runtime.gcBgMarkWorker",
	"runtime.mallocgc", "github.com/gorilla/websocket.(*Conn).WriteMessage", "github.com/gorilla/websocket.(*Conn).NextWriter",
	"modernc.org/sqlite.(*conn).query", "modernc.org/sqlite/lib.", "crypto/",
}

// notable keeps motcua's own functions (not the generated executor) and a
// few library entry points, from an inclusive report.
func notable(lines []profLine, n int) []profLine {
	var out []profLine
	for _, l := range lines {
		keep := strings.HasPrefix(l.Symbol, "github.com/motcua/motcua/") && !strings.Contains(l.Symbol, "/graph/generated") &&
			// middleware closures and generic wrappers hold everything below them
			!strings.Contains(l.Symbol, "server.New.") && !strings.Contains(l.Symbol, "withInterceptors") &&
			!strings.Contains(l.Symbol, "querierAll")
		for _, p := range notableEntry {
			keep = keep || strings.HasPrefix(l.Symbol, p)
		}
		if keep {
			out = append(out, l)
		}
		if len(out) == n {
			break
		}
	}
	return out
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
	fmt.Fprintf(&b, "perf record -F 199 -g, %s: %d samples; %% of the process's samples\n\n", p.Target, p.Samples)
	b.WriteString("self time by function                                 self time by package\n")
	for i := 0; i < max(len(p.Self), len(p.Packages)); i++ {
		left, right := "", ""
		if i < len(p.Self) {
			left = fmt.Sprintf("%5.1f%%  %s", p.Self[i].Pct, short(p.Self[i].Symbol, 44))
		}
		if i < len(p.Packages) {
			right = fmt.Sprintf("%5.1f%%  %s", p.Packages[i].Pct, short(p.Packages[i].Symbol, 50))
		}
		fmt.Fprintf(&b, "%-54s%s\n", left, right)
	}
	b.WriteString("\non the stack (inclusive): motcua's functions and notable library calls\n")
	for _, l := range p.Inclusive {
		fmt.Fprintf(&b, "%5.1f%%  %s\n", l.Pct, short(l.Symbol, 110))
	}
	return b.String()
}

func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "~"
}
