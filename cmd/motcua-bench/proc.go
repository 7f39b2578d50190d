package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// process is a child process the bench started (a server under test, the
// reference server, PostGraphile). It dies with the bench (Pdeathsig).
type process struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

// pinned returns the command line that runs argv on cpus (taskset -c) when
// cpus is set and taskset exists; the CPU affinity is inherited by children.
func pinned(cpus string, argv ...string) []string {
	if cpus == "" {
		return argv
	}
	if _, err := exec.LookPath("taskset"); err != nil {
		return argv
	}
	return append([]string{"taskset", "-c", cpus}, argv...)
}

// startProcess starts argv with its output in logPath.
// boost raises the scheduling priority of pid's autogroup (Linux groups a
// session's processes and shares the CPU fairly between groups, whatever
// their nice values): on a machine shared with other work, the bench's
// processes then get the CPU first. Root only; without it nothing changes.
func boost(pid int) bool {
	return os.WriteFile(filepath.Join("/proc", strconv.Itoa(pid), "autogroup"), []byte("-10"), 0) == nil
}

// repin moves a running process (all its threads) to cpus; its future
// children inherit the new affinity.
func repin(pid int, cpus string) error {
	if cpus == "" {
		return nil
	}
	if _, err := exec.LookPath("taskset"); err != nil {
		return nil
	}
	out, err := exec.Command("taskset", "-a", "-p", "-c", cpus, strconv.Itoa(pid)).CombinedOutput()
	if err != nil {
		return fmt.Errorf("taskset %d: %w: %s", pid, err, out)
	}
	return nil
}

// repinTree moves pid and its live children to cpus.
func repinTree(pid int, cpus string) error {
	if err := repin(pid, cpus); err != nil {
		return err
	}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err == nil && ppid(child) == pid {
			_ = repin(child, cpus) // a backend may have exited meanwhile
		}
	}
	return nil
}

func startProcess(name, dir, logPath string, env []string, argv []string) (*process, error) {
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	return p, nil
}

// pid is the process id (taskset execs its command, so it is the server's).
func (p *process) pid() int { return p.cmd.Process.Pid }

// stop sends SIGTERM to the process group, then SIGKILL after grace.
func (p *process) stop(grace time.Duration) {
	if p == nil {
		return
	}
	select {
	case <-p.done:
		return
	default:
	}
	_ = syscall.Kill(-p.pid(), syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = syscall.Kill(-p.pid(), syscall.SIGKILL)
		<-p.done
	}
}

// alive reports whether the process still runs.
func (p *process) alive() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// tail is the end of the process's log, for error messages.
func (p *process) tail() string { return tailFile(p.log, 3000) }

func tailFile(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.TrimSpace(string(b))
}

// waitHTTP polls url until it answers 200, the process dies or timeout passes.
func waitHTTP(ctx context.Context, p *process, url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for time.Now().Before(deadline) {
		if p != nil && !p.alive() {
			return fmt.Errorf("%s exited: %v\n%s", p.name, p.err, p.tail())
		}
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	name := "server"
	if p != nil {
		name = p.name
	}
	return fmt.Errorf("%s did not answer %s within %s", name, url, timeout)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times (100 on Linux).
const clockTicks = 100

// cpuSeconds is the CPU time of pid (user+system) and, with children, of
// its waited-for children.
func cpuSeconds(pid int, children bool) (float64, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, errors.New("malformed stat")
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state); utime is field 14, stime 15, cutime 16, cstime 17.
	get := func(field int) float64 {
		v, _ := strconv.ParseFloat(f[field-3], 64)
		return v
	}
	t := get(14) + get(15)
	if children {
		t += get(16) + get(17)
	}
	return t / clockTicks, nil
}

// ppid is the parent of pid.
func ppid(pid int) int {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return -1
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(s[i+1:])
	v, _ := strconv.Atoi(f[1])
	return v
}

// treeCPU is the CPU time of pid, its live children and its waited-for
// children (PostgreSQL: the postmaster and its backends).
func treeCPU(pid int) float64 {
	total, _ := cpuSeconds(pid, true)
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil || child == pid {
			continue
		}
		if ppid(child) == pid {
			t, _ := cpuSeconds(child, false)
			total += t
		}
	}
	return total
}

// rssBytes is the resident set size of pid.
func rssBytes(pid int) int64 {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// cpuMeter measures the CPU share of some processes over a window.
type cpuMeter struct {
	names    []string
	read     []func() float64
	start    []float64
	machine0 float64
	began    time.Time
	result   map[string]float64
}

func newCPUMeter() *cpuMeter { return &cpuMeter{} }

// add measures a process (tree: with its children, for PostgreSQL).
func (m *cpuMeter) add(name string, pid int, tree bool) *cpuMeter {
	if pid <= 0 {
		return m
	}
	m.names = append(m.names, name)
	if tree {
		m.read = append(m.read, func() float64 { return treeCPU(pid) })
	} else {
		m.read = append(m.read, func() float64 { t, _ := cpuSeconds(pid, false); return t })
	}
	return m
}

func (m *cpuMeter) begin() {
	m.start = make([]float64, len(m.read))
	for i, r := range m.read {
		m.start[i] = r()
	}
	m.machine0 = machineBusy()
	m.began = time.Now()
}

// machineBusy is the CPU time all processes of the machine spent (/proc/stat:
// user, nice, system, irq, softirq, steal), in seconds.
func machineBusy() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0
	}
	var busy float64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		v, _ := strconv.ParseFloat(f[i], 64)
		busy += v
	}
	return busy / clockTicks
}

// end returns each process's CPU use as a share of one CPU (1.0 = one core busy).
func (m *cpuMeter) end() map[string]float64 {
	wall := time.Since(m.began).Seconds()
	out := map[string]float64{}
	ours := 0.0
	for i, r := range m.read {
		if wall > 0 {
			out[m.names[i]] = (r() - m.start[i]) / wall
			ours += out[m.names[i]]
		}
	}
	// What the rest of the machine used meanwhile (other programs on a
	// shared machine, and our processes not listed).
	if wall > 0 && m.machine0 > 0 {
		out["others"] = max((machineBusy()-m.machine0)/wall-ours, 0)
	}
	m.result = out
	return out
}
