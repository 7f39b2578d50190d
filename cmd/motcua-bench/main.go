// Command motcua-bench is motcua's benchmark suite (`make bench`): it makes
// a PostgreSQL database of 10M generated accounts and a SQLite one of 1M,
// runs the real server (bin/motcua) pinned to one CPU with the load from
// this process on another, measures the scenarios S1–S7 of docs/PERFORMANCE.md next to
// their references (raw net/http JSON, PostGraphile, the argon2id ceiling),
// prints a table and writes docs/PERFORMANCE.md.
//
//	motcua-bench run [flags]        the suite (scripts/bench.sh passes the flags)
//	motcua-bench rawjson --addr A   the raw JSON reference server of S1
//	motcua-bench argon2 --for D     argon2id hashes/s of the CPUs it runs on
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	args := os.Args[1:]
	cmd := "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "run":
		err = runSuite(ctx, args)
	case "rawjson":
		err = rawJSON(ctx, args)
	case "argon2":
		err = argon2Ceiling(ctx, args)
	default:
		err = fmt.Errorf("unknown command %q (run, rawjson, argon2)", cmd)
	}
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "motcua-bench:", err)
		os.Exit(1)
	}
}

// config is the suite's flags.
type config struct {
	repo, bin, self, out       string
	dataDir, work              string
	keepData, keepWork         bool
	quick                      bool
	pgAccounts, sqliteAccounts int
	officers                   int
	duration                   time.Duration
	subscribers                int
	creations, verifications   int
	serverCPUs, loadCPUs       string
	allCPUs                    string // every CPU, for loading the data
	postgraphile               string // path of PostGraphile's cli.js ("" = skip the peer)
	scenarios                  map[string]bool
}

// parseConfig reads the flags of the benchmark. Long because it is one flag
// per line and the checks of their combinations.
func parseConfig(args []string) (*config, error) {
	cfg := &config{}
	fs := flag.NewFlagSet("motcua-bench run", flag.ContinueOnError)
	fs.StringVar(&cfg.bin, "bin", "bin/motcua", "the server binary under test")
	fs.StringVar(&cfg.out, "out", "docs/PERFORMANCE.md", "the report to write (\"\" = none)")
	fs.StringVar(&cfg.dataDir, "data-dir", "/var/tmp/motcua-bench", "where the PostgreSQL cluster, the SQLite files and the run's work folder live")
	fs.BoolVar(&cfg.keepData, "keep-data", false, "keep (and reuse) the generated databases between runs")
	fs.BoolVar(&cfg.keepWork, "keep-work", false, "keep the work folder (server logs, perf data)")
	fs.BoolVar(&cfg.quick, "quick", false, "a fast run: 200k accounts on PostgreSQL, 100k on SQLite, short windows")
	fs.IntVar(&cfg.pgAccounts, "pg-accounts", 10_000_000, "generated citizen accounts on PostgreSQL (S2, S3 and the others)")
	fs.IntVar(&cfg.sqliteAccounts, "sqlite-accounts", 1_000_000, "generated citizen accounts on SQLite (S3)")
	fs.IntVar(&cfg.officers, "officers", 200, "generated officers")
	fs.DurationVar(&cfg.duration, "duration", 15*time.Second, "length of each throughput window")
	fs.IntVar(&cfg.subscribers, "subscribers", 10_000, "WebSocket subscribers in S6")
	fs.IntVar(&cfg.creations, "creations", 600, "accounts created in S4")
	fs.IntVar(&cfg.verifications, "verifications", 400, "password-reset OTP verifications in S5")
	fs.StringVar(&cfg.serverCPUs, "server-cpus", "0", "CPUs of the servers under test and their peers (taskset -c)")
	fs.StringVar(&cfg.loadCPUs, "load-cpus", "1", "CPUs of the load generator (this process) and PostgreSQL once the data is loaded")
	fs.StringVar(&cfg.postgraphile, "postgraphile", "", "path of PostGraphile's cli.js (S2's peer; scripts/bench.sh installs it)")
	scen := fs.String("scenarios", "S0,S1,S2,S3,S4,S5,S6,S7", "scenarios to run")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if cfg.quick {
		def := func(name string, apply func()) {
			if !set[name] {
				apply()
			}
		}
		def("pg-accounts", func() { cfg.pgAccounts = 200_000 })
		def("sqlite-accounts", func() { cfg.sqliteAccounts = 100_000 })
		def("officers", func() { cfg.officers = 50 })
		def("duration", func() { cfg.duration = 5 * time.Second })
		def("creations", func() { cfg.creations = 150 })
		def("verifications", func() { cfg.verifications = 100 })
	}
	cfg.scenarios = map[string]bool{}
	for _, s := range strings.Split(*scen, ",") {
		if s = strings.TrimSpace(strings.ToUpper(s)); s != "" {
			cfg.scenarios[s] = true
		}
	}
	if n := machineCPUs(); n > 1 {
		cfg.allCPUs = fmt.Sprintf("0-%d", n-1)
	}
	var err error
	if cfg.repo, err = os.Getwd(); err != nil {
		return nil, err
	}
	if cfg.bin, err = filepath.Abs(cfg.bin); err != nil {
		return nil, err
	}
	if _, err := os.Stat(cfg.bin); err != nil {
		return nil, fmt.Errorf("%s: %w (make build-go)", cfg.bin, err)
	}
	if cfg.self, err = os.Executable(); err != nil {
		return nil, err
	}
	if cfg.out != "" {
		if cfg.out, err = filepath.Abs(cfg.out); err != nil {
			return nil, err
		}
	}
	return cfg, nil
}

// bench is one run of the suite.
type bench struct {
	cfg      *config
	pg       *pgCluster
	pgData   *dataset
	sqlData  *dataset
	results  *results
	profiles map[string]*profile
	cleanup  []func()
	// citizenSeq numbers the citizens registered at the desk (S4, S7).
	citizenSeq int
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// runSuite runs the scenarios the flags ask for and writes the report. Long
// because it is the suite's schedule: each scenario in turn with the data
// set it needs, the order being the point.
func runSuite(ctx context.Context, args []string) (err error) {
	cfg, err := parseConfig(args)
	if err != nil {
		return err
	}
	began := time.Now()
	if err := os.MkdirAll(cfg.dataDir, 0o755); err != nil {
		return err
	}
	if cfg.work, err = os.MkdirTemp(cfg.dataDir, "work-"); err != nil {
		return err
	}
	b := &bench{cfg: cfg, results: &results{Began: began, Quick: cfg.quick, Window: cfg.duration}, profiles: map[string]*profile{}}
	defer func() {
		for i := len(b.cleanup) - 1; i >= 0; i-- {
			b.cleanup[i]()
		}
		if b.pg != nil {
			if serr := b.pg.stop(!cfg.keepData); serr != nil {
				logf("stop PostgreSQL: %v", serr)
			}
		}
		if !cfg.keepData {
			_ = os.RemoveAll(filepath.Join(cfg.dataDir, "sqlite"))
		}
		if !cfg.keepWork {
			_ = os.RemoveAll(cfg.work)
		} else {
			logf("work folder kept: %s", cfg.work)
		}
	}()
	b.results.Machine = describeMachine(cfg)
	b.results.Machine.Boosted = boost(os.Getpid())
	logf("machine: %s", b.results.Machine.summary())

	need := func(s ...string) bool {
		for _, x := range s {
			if cfg.scenarios[x] {
				return true
			}
		}
		return false
	}
	if need("S0", "S1", "S2", "S3", "S4", "S5", "S6", "S7") {
		logf("PostgreSQL: starting a cluster in %s", filepath.Join(cfg.dataDir, "pg"))
		if b.pg, err = startPG(filepath.Join(cfg.dataDir, "pg"), cfg.allCPUs); err != nil {
			return err
		}
		b.results.Machine.Postgres = b.pg.version
		boost(b.pg.PostmasterPID()) // pg_ctl started it in a session of its own
		if b.pgData, err = preparePostgres(ctx, cfg, b.pg, cfg.pgAccounts); err != nil {
			return fmt.Errorf("PostgreSQL data: %w", err)
		}
		b.results.GenPG = b.pgData.stats
	}
	if need("S3") {
		if b.sqlData, err = prepareSQLite(ctx, cfg, cfg.sqliteAccounts); err != nil {
			return fmt.Errorf("SQLite data: %w", err)
		}
		b.results.GenSQLite = b.sqlData.stats
	}
	// Loading used every CPU; from here on the load generator and PostgreSQL
	// stay off the servers' CPUs.
	if err := repin(os.Getpid(), cfg.loadCPUs); err != nil {
		return err
	}
	if n := cpuCount(cfg.loadCPUs); n > 0 {
		runtime.GOMAXPROCS(n)
	}
	if b.pg != nil {
		if err := repinTree(b.pg.PostmasterPID(), cfg.loadCPUs); err != nil {
			return err
		}
		logf("PostgreSQL and the load generator pinned to CPU %s, servers to CPU %s", cfg.loadCPUs, cfg.serverCPUs)
	}
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"S0", b.s0}, {"S1", b.s1}, {"S2", b.s2}, {"S3", b.s3}, {"S4", b.s4}, {"S5", b.s5}, {"S6", b.s6}, {"S7", b.s7},
	}
	for _, s := range steps {
		if !cfg.scenarios[s.name] {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		logf("── %s ──", s.name)
		start := time.Now()
		if err := s.run(ctx); err != nil {
			logf("%s failed: %v", s.name, err)
			b.results.Failures = append(b.results.Failures, fmt.Sprintf("%s: %v", s.name, err))
		}
		b.results.ScenarioTime = append(b.results.ScenarioTime, namedDuration{s.name, time.Since(start)})
		b.stopServers()
	}
	for _, p := range b.profiles {
		p.wait()
	}
	b.results.Profiles = b.profiles
	b.results.Total = time.Since(began)
	table := b.results.table()
	fmt.Println()
	fmt.Print(table)
	if cfg.out != "" {
		if err := b.results.writeReport(cfg.out); err != nil {
			return err
		}
		logf("wrote %s", cfg.out)
	}
	return nil
}

// cpuCount is the number of CPUs in a taskset list ("1", "0-3", "0,2"); 0 if empty.
func cpuCount(list string) int {
	n := 0
	for _, part := range strings.Split(list, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || b < a {
			return 0
		}
		n += b - a + 1
	}
	return n
}

// stopServers stops the servers a scenario left running.
func (b *bench) stopServers() {
	for i := len(b.cleanup) - 1; i >= 0; i-- {
		b.cleanup[i]()
	}
	b.cleanup = nil
}
