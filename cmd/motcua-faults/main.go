// Command motcua-faults runs motcua's fault runs (`make faults`): it starts
// the built binary as real processes on loopback ports, with a throwaway
// PostgreSQL cluster and a fake SMS gateway, breaks something (kill -9,
// a database restart, a failing gateway, hostile requests) and prints what
// it tried and which of its checks held. The output format is described in
// docs/FAULTS.md. It exits 1 when any fault did not hold.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/motcua/motcua/internal/testkit/proctest"
)

// env is what the fault runs share.
type env struct {
	bin       string
	scan      []byte
	secretKey string
	seed      int64
	logDir    string
	workDir   string // servers' working folders live here
	cluster   *proctest.Cluster
	dev       *proctest.Server // the abuse runs' server
	series    int
}

// fault is one fault run.
type fault struct {
	name string
	run  func(ctx context.Context, e *env) (*proctest.Report, error)
}

var faults = []fault{
	{"kill9", killDuringCompletions},
	{"kill9-anytime", killAnytime},
	{"replicas-at-once", replicasAtOnce},
	{"pg-restart", postgresRestart},
	{"flaky-gateway", flakyGateway},
	{"otp-aliases", otpAliases},
	{"query-limits", queryLimits},
	{"cross-origin", crossOrigin},
	{"uploads", uploads},
}

func main() {
	bin := flag.String("bin", "bin/motcua", "the motcua binary")
	scan := flag.String("scan", "internal/testkit/fixtures/files/sample.docx", "a valid ID scan (.docx)")
	only := flag.String("run", "", "comma-separated faults to run (default all): "+names())
	seed := flag.Int64("seed", time.Now().UnixNano()%1_000_000, "random seed of the failing gateway")
	logDir := flag.String("logs", "", "folder for the servers' logs (default: a new temporary folder)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code, err := run(ctx, *bin, *scan, *only, *seed, *logDir, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "motcua-faults:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

func names() string {
	var n []string
	for _, f := range faults {
		n = append(n, f.name)
	}
	return strings.Join(n, ", ")
}

// run runs the fault scenarios (only: those named, comma-separated; all
// when empty), prints their reports and a summary to out, and returns the
// exit code: 1 when one did not hold.
func run(ctx context.Context, bin, scanPath, only string, seed int64, logDir string, out io.Writer) (int, error) {
	e, err := newEnv(bin, scanPath, seed, logDir)
	if err != nil {
		return 0, err
	}
	logDir = e.logDir
	defer os.RemoveAll(e.workDir)
	defer func() {
		if e.dev != nil {
			_ = e.dev.Stop()
		}
		if e.cluster != nil {
			_ = e.cluster.Stop()
		}
	}()

	selected := nameSet(only)
	fmt.Fprintf(out, "motcua fault runs — %s, binary %s, gateway seed %d, server logs in %s\n\n",
		time.Now().UTC().Format(time.RFC3339), bin, seed, logDir)
	var held, broken []string
	started := time.Now()
	for _, f := range faults {
		if len(selected) > 0 && !selected[f.name] {
			continue
		}
		e.series++
		t0 := time.Now()
		rctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		rep, err := f.run(rctx, e)
		cancel()
		if err != nil {
			rep = &proctest.Report{Name: f.name}
			rep.Expect(false, "the run itself", "%v", err)
		}
		if rep.Name == "" {
			rep.Name = f.name
		}
		rep.Name = fmt.Sprintf("%s: %s (%v)", f.name, rep.Name, time.Since(t0).Round(100*time.Millisecond))
		rep.Print(out)
		if rep.Held() {
			held = append(held, f.name)
		} else {
			broken = append(broken, f.name)
		}
		if ctx.Err() != nil {
			break
		}
	}
	fmt.Fprintf(out, "SUMMARY %d held, %d not held in %v\n", len(held), len(broken), time.Since(started).Round(time.Second))
	if len(held) > 0 {
		fmt.Fprintf(out, "  held: %s\n", strings.Join(held, ", "))
	}
	if len(broken) > 0 {
		fmt.Fprintf(out, "  NOT HELD: %s\n", strings.Join(broken, ", "))
		return 1, nil
	}
	return 0, nil
}

// nameSet is the set of the comma-separated names in list.
func nameSet(list string) map[string]bool {
	set := map[string]bool{}
	for _, n := range strings.Split(list, ",") {
		if n = strings.TrimSpace(n); n != "" {
			set[n] = true
		}
	}
	return set
}

// newEnv is the environment of a run: the motcua binary bin, the scan file
// at scanPath, a fresh secret key, the directory of the servers' logs
// (logDir, or a new one) and a new work directory, which the caller removes.
func newEnv(bin, scanPath string, seed int64, logDir string) (*env, error) {
	e := &env{seed: seed}
	var err error
	if e.bin, err = filepath.Abs(bin); err != nil {
		return nil, err
	}
	if _, err := os.Stat(e.bin); err != nil {
		return nil, fmt.Errorf("no motcua binary (make build-go): %w", err)
	}
	if e.scan, err = os.ReadFile(scanPath); err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	e.secretKey = base64.StdEncoding.EncodeToString(key)
	if logDir == "" {
		if logDir, err = os.MkdirTemp("", "motcua-faults-logs-"); err != nil {
			return nil, err
		}
	} else if err := os.MkdirAll(logDir, 0o755); err != nil {
		return nil, err
	}
	e.logDir = logDir
	if e.workDir, err = os.MkdirTemp("", "motcua-faults-"); err != nil {
		return nil, err
	}
	return e, nil
}

// postgres returns a new empty database on the run's cluster, starting the
// cluster on first use.
func (e *env) postgres(ctx context.Context) (string, error) {
	if e.cluster == nil {
		c, err := proctest.StartCluster()
		if err != nil {
			return "", err
		}
		e.cluster = c
	}
	return e.cluster.CreateDatabase(ctx)
}

// log opens a log file for a server of a fault.
func (e *env) log(name string) io.Writer {
	f, err := os.Create(filepath.Join(e.logDir, name+".log"))
	if err != nil {
		return nil
	}
	return f // closed when the program exits
}

// dir is a new working folder for a server.
func (e *env) dir() (string, error) { return os.MkdirTemp(e.workDir, "server-") }
