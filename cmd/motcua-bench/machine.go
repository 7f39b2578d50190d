package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes where and with what the run happened.
type machine struct {
	Date                   time.Time
	CPUs                   int
	CPUModel               string
	MemoryGiB              float64
	Kernel                 string
	Go, Node, PostGraphile string
	Postgres               string
	SQLite                 string
	Commit                 string
	ServerCPUs, LoadCPUs   string
	Pinned                 bool
	OpenFiles              string
	OtherLoad              string // load average at the start: other work on the machine
	Boosted                bool   // autogroup priority raised
}

func describeMachine(cfg *config) machine {
	m := machine{Date: time.Now(), CPUs: machineCPUs(), ServerCPUs: cfg.serverCPUs, LoadCPUs: cfg.loadCPUs}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				kb, _ := strconv.ParseFloat(strings.Fields(rest)[0], 64)
				m.MemoryGiB = kb / (1 << 20)
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.OtherLoad = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	m.Go = runtime.Version()
	if out, err := exec.Command("go", "version", cfg.bin).Output(); err == nil {
		if f := strings.Fields(string(out)); len(f) >= 2 {
			m.Go = f[len(f)-1]
		}
	}
	if out, err := exec.Command("node", "--version").Output(); err == nil {
		m.Node = strings.TrimSpace(string(out))
	}
	if cfg.postgraphile != "" {
		m.PostGraphile = "4.14.1"
		if out, err := exec.Command("node", cfg.postgraphile, "--version").Output(); err == nil {
			m.PostGraphile = strings.TrimSpace(string(out))
		}
	}
	m.SQLite = "modernc.org/sqlite (pure Go), WAL"
	if out, err := exec.Command("git", "-C", cfg.repo, "rev-parse", "--short=12", "HEAD").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
		if st, err := exec.Command("git", "-C", cfg.repo, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
			m.Commit += " (with uncommitted changes)"
		}
	}
	_, err := exec.LookPath("taskset")
	m.Pinned = err == nil && m.CPUs >= 2
	if out, err := exec.Command("sh", "-c", "ulimit -n").Output(); err == nil {
		m.OpenFiles = strings.TrimSpace(string(out))
	}
	return m
}

// machineCPUs is the number of CPUs of the machine (not of our affinity mask).
func machineCPUs() int {
	if n, err := exec.Command("nproc", "--all").Output(); err == nil {
		if v, err := strconv.Atoi(strings.TrimSpace(string(n))); err == nil {
			return v
		}
	}
	return runtime.NumCPU()
}

func (m machine) summary() string {
	return fmt.Sprintf("%d CPUs (%s), %.1f GiB, Linux %s, %s, load average %s", m.CPUs, m.CPUModel, m.MemoryGiB, m.Kernel, m.Go, m.OtherLoad)
}
