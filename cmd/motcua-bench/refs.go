package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/internal/rules/password"
)

// rawJSONBody is what the reference server answers: the shape of S1's
// answer, fixed.
const rawJSONBody = `{"data":{"viewer":{"account":{"id":"AC01JBENCHREFERENCE0000000000"}}}}`

// rawJSON serves the S1 reference: a plain net/http handler that reads the
// request and writes a fixed JSON answer (no token lookup, no GraphQL).
func rawJSON(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("motcua-bench rawjson", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("POST /graphql", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, rawJSONBody)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ceiling is the argon2id throughput of the server's CPUs.
type ceiling struct {
	CPUs       int     `json:"cpus"`
	Hashes     int     `json:"hashes"`
	Seconds    float64 `json:"seconds"`
	PerSec     float64 `json:"perSec"`
	CPUSeconds float64 `json:"cpuSeconds"` // CPU time the hashing took
	PerCPUSec  float64 `json:"perCpuSec"`  // hashes per CPU-second: unaffected by other programs
}

// argon2Ceiling hashes with the product's Hasher (argon2id m=19 MiB, t=2,
// p=1; one hash per CPU at a time) on as many goroutines as CPUs for a
// while, and prints the rate as JSON: the physical ceiling of anything that
// hashes a password once.
func argon2Ceiling(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("motcua-bench argon2", flag.ContinueOnError)
	d := fs.Duration("for", 10*time.Second, "how long to hash")
	if err := fs.Parse(args); err != nil {
		return err
	}
	h := password.NewHasher(0)
	cpus := runtime.NumCPU()
	var n atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(*d)
	var firstErr error
	var once sync.Once
	for range cpus {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				if _, err := h.Hash(ctx, "bench password 2026"); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	secs := time.Since(start).Seconds()
	c := ceiling{CPUs: cpus, Hashes: int(n.Load()), Seconds: secs, PerSec: float64(n.Load()) / secs}
	if cpu, err := cpuSeconds(os.Getpid(), false); err == nil && cpu > 0 {
		c.CPUSeconds = cpu
		c.PerCPUSec = float64(c.Hashes) / cpu
	}
	return json.NewEncoder(os.Stdout).Encode(c)
}

// measureCeiling runs `motcua-bench argon2` pinned to cpus.
func (b *bench) measureCeiling(ctx context.Context, cpus string, d time.Duration) (ceiling, error) {
	argv := pinned(cpus, b.cfg.self, "argon2", "--for", d.String())
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).Output()
	if err != nil {
		return ceiling{}, fmt.Errorf("argon2 ceiling: %w", err)
	}
	var c ceiling
	if err := json.Unmarshal(out, &c); err != nil {
		return ceiling{}, fmt.Errorf("argon2 ceiling: %w (%s)", err, out)
	}
	return c, nil
}

// startRawJSON runs the reference server pinned like the server under test.
func (b *bench) startRawJSON(ctx context.Context) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	argv := pinned(b.cfg.serverCPUs, b.cfg.self, "rawjson", "--addr", fmt.Sprintf("127.0.0.1:%d", port))
	p, err := startProcess("rawjson", b.cfg.work, filepath.Join(b.cfg.work, "rawjson.log"), nil, argv)
	if err != nil {
		return nil, err
	}
	s := &server{process: p, url: fmt.Sprintf("http://127.0.0.1:%d", port)}
	if err := waitHTTP(ctx, p, s.url+"/healthz", 30*time.Second); err != nil {
		p.stop(time.Second)
		return nil, err
	}
	b.cleanup = append(b.cleanup, func() { s.stop(5 * time.Second) })
	return s, nil
}
