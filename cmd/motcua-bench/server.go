package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/testkit/gqlclient"
)

// server is a running `motcua serve`.
type server struct {
	*process
	url string
}

// serverOptions say how to run one server.
type serverOptions struct {
	name     string
	database string
	cpus     string
	env      []string
	extra    []string
}

// The demo sign-ins (seed/demo.go) the scenarios use.
const (
	superAdminLogin = "001078900001"
	superAdminPass  = "SieuQuanTri@2026"
	registrarLogin  = "020090900003"
	registrarPass   = "CanBoMotCua@2026"
)

// benchSecret is the master key of every server of a run (replicas must share it).
const benchSecret = "bW90Y3VhLWJlbmNoLW1hc3Rlci1rZXktbm90LWEtc2VjcmV0IQ=="

// startServer runs the real binary in dev mode (demo data and sign-ins, the
// console SMS provider and its inbox) on a free loopback port, pinned to
// the server CPUs, logging at the production default level (info: one JSON
// line per request) to a file.
func (b *bench) startServer(ctx context.Context, o serverOptions) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	args := []string{b.cfg.bin, "serve", "--dev",
		"--addr", fmt.Sprintf("127.0.0.1:%d", port),
		"--database", o.database,
		"--secret-key", benchSecret,
		"--scans-bucket", "file://" + filepath.Join(b.cfg.work, "scans") + "?create_dir=1&no_tmp_dir=1",
		"--sms-console-delay", "500ms",
		// The load comes from one address; X-Forwarded-For gives each
		// simulated client its own, as behind a load balancer.
		"--trust-proxy-headers",
		"--log-level", "info",
		// The bench migrated once when it made the database. (A migration
		// drops and rebuilds the trigram indexes: minutes at 10M rows.)
		"--migrate=false",
	}
	args = append(args, o.extra...)
	cpus := o.cpus
	if cpus == "" {
		cpus = b.cfg.serverCPUs
	}
	p, err := startProcess(o.name, b.cfg.work, filepath.Join(b.cfg.work, o.name+".log"), o.env, pinned(cpus, args...))
	if err != nil {
		return nil, err
	}
	s := &server{process: p, url: fmt.Sprintf("http://127.0.0.1:%d", port)}
	// A first start on a big database may build indexes: be patient.
	if err := waitHTTP(ctx, p, s.url+"/readyz", 10*time.Minute); err != nil {
		p.stop(5 * time.Second)
		return nil, err
	}
	b.cleanup = append(b.cleanup, func() { s.stop(10 * time.Second) })
	return s, nil
}

// client is an anonymous GraphQL client of s.
func (s *server) client() *gqlclient.Client {
	return &gqlclient.Client{BaseURL: s.url, HTTP: httpClient}
}

// httpClient is shared by the set-up calls (not the measured load).
var httpClient = &http.Client{
	Timeout:   2 * time.Minute,
	Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 256},
}

// signIn returns a client signed in as login.
func (s *server) signIn(ctx context.Context, login, password string) (*gqlclient.Client, error) {
	c := s.client()
	r, err := c.Do(ctx, `mutation($l:String!,$p:String!){ signIn(input:{login:$l,password:$p}){ token } }`,
		map[string]any{"l": login, "p": password})
	if err != nil {
		return nil, err
	}
	if len(r.Errors) > 0 {
		return nil, fmt.Errorf("sign in %s: %s", login, r.Errors[0].Message)
	}
	var out struct{ SignIn struct{ Token string } }
	if err := r.Decode(&out); err != nil {
		return nil, err
	}
	c.Token = out.SignIn.Token
	return c, nil
}

// do runs a query and decodes its data, failing on GraphQL errors.
func do(ctx context.Context, c *gqlclient.Client, q string, vars map[string]any, out any) error {
	r, err := c.Do(ctx, q, vars)
	if err != nil {
		return err
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("%s: %s (%s)", firstLine(q), r.Errors[0].Message, r.Errors[0].Code())
	}
	if out != nil {
		return r.Decode(out)
	}
	return nil
}

// serverMetrics are a few of the server's Prometheus metrics.
type serverMetrics struct {
	Goroutines, HeapInuse, StackInuse, RSS float64
}

func (s *server) metrics(ctx context.Context) (serverMetrics, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"/metrics", nil)
	resp, err := httpClient.Do(req)
	if err != nil {
		return serverMetrics{}, err
	}
	defer resp.Body.Close()
	var m serverMetrics
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		name, value, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			continue
		}
		switch name {
		case "go_goroutines":
			m.Goroutines = v
		case "go_memstats_heap_inuse_bytes":
			m.HeapInuse = v
		case "go_memstats_stack_inuse_bytes":
			m.StackInuse = v
		case "process_resident_memory_bytes":
			m.RSS = v
		}
	}
	return m, sc.Err()
}
