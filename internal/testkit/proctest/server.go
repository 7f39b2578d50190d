// Package proctest runs motcua as real processes for process-level tests
// and fault runs: the built binary started and killed (-9) on loopback
// ports, a fake SMS gateway that signs its delivery receipts, the desk's
// GraphQL flows, a PostgreSQL cluster that can be restarted, and checks
// of the database's invariants after a fault.
//
// The tests of this package (part of `make test`) and cmd/motcua-faults
// (`make faults`) share it.
package proctest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/motcua/motcua/internal/testkit/gqlclient"
)

// Build compiles ./cmd/motcua of the module in moduleDir into out.
func Build(ctx context.Context, moduleDir, out string) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", out, "./cmd/motcua")
	cmd.Dir = moduleDir
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("proctest: go build: %w\n%s", err, b)
	}
	return nil
}

// ServerConfig says how to run `motcua serve`.
type ServerConfig struct {
	Bin      string // the motcua binary
	Dir      string // working directory (its ./data is the dev default data folder)
	Database string // sqlite://PATH or postgres://…
	Dev      bool
	// SecretKey is the base64 master key; required without Dev. Replicas
	// of one database need the same key.
	SecretKey   string
	ScansBucket string // "" for the default
	// Gateway switches to the http SMS provider when not nil.
	Gateway *GatewayRef
	Workers int      // --sms-workers; 0 for the default
	Args    []string // more flags
	// Log receives the server's stderr (JSON logs); nil discards them.
	Log io.Writer
}

// GatewayRef configures the http SMS provider of one server.
type GatewayRef struct {
	URL           string
	ReceiptSecret string
	// Auth goes in the Authorization header of each send; a fake gateway
	// uses it to tell replicas apart.
	Auth    string
	Timeout time.Duration
}

// Server is one `motcua serve` process on a loopback port. Kill and Start
// again keep the port, so clients and receipt senders need no new address.
type Server struct {
	cfg  ServerConfig
	Addr string // 127.0.0.1:PORT
	URL  string // http://127.0.0.1:PORT

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	tail   *tailBuffer
	starts int
}

// StartServer starts a server on a free loopback port and waits until it
// serves.
func StartServer(ctx context.Context, cfg ServerConfig) (*Server, error) {
	var lastErr error
	// A free port may be taken before the server binds it: try a new one.
	for range 3 {
		port, err := FreePort()
		if err != nil {
			return nil, err
		}
		s := &Server{cfg: cfg, Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}
		s.URL = "http://" + s.Addr
		if lastErr = s.Start(ctx); lastErr == nil {
			return s, nil
		}
		if !strings.Contains(lastErr.Error(), "address already in use") {
			return nil, lastErr
		}
	}
	return nil, lastErr
}

// Args are the command-line arguments the server runs with.
func (s *Server) Args() []string {
	c := s.cfg
	args := []string{"serve", "--addr", s.Addr, "--database", c.Database, "--log-level", "info"}
	if c.Dev {
		args = append(args, "--dev")
	}
	if c.SecretKey != "" {
		args = append(args, "--secret-key", c.SecretKey)
	}
	if c.ScansBucket != "" {
		args = append(args, "--scans-bucket", c.ScansBucket)
	}
	if c.Workers > 0 {
		args = append(args, "--sms-workers", strconv.Itoa(c.Workers))
	}
	if g := c.Gateway; g != nil {
		args = append(args, "--sms", "http", "--sms-http-url", g.URL, "--sms-receipt-secret", g.ReceiptSecret)
		if g.Auth != "" {
			args = append(args, "--sms-http-auth-value", g.Auth)
		}
		if g.Timeout > 0 {
			args = append(args, "--sms-http-timeout", g.Timeout.String())
		}
	}
	return append(args, c.Args...)
}

// Start starts the process (again, after Kill or Stop) and waits until it
// prints that it is running, or fails when it exits first or ctx ends.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("proctest: server already running")
	}
	cmd := exec.Command(s.cfg.Bin, s.Args()...)
	cmd.Dir = s.cfg.Dir
	cmd.Env = cleanEnv()
	// The server dies with us, even when the test binary is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	s.tail = &tailBuffer{max: 8 << 10}
	var logw io.Writer = s.tail
	if s.cfg.Log != nil {
		logw = io.MultiWriter(s.tail, s.cfg.Log)
	}
	cmd.Stderr = logw
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("proctest: start motcua: %w", err)
	}
	s.starts++
	exited := make(chan struct{})
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		signalled := false
		for sc.Scan() {
			if !signalled && strings.Contains(sc.Text(), "motcua is running at") {
				signalled = true
				close(ready)
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	s.cmd, s.exited = cmd, exited

	select {
	case <-ready:
		return nil
	case <-exited:
		s.cmd = nil
		return fmt.Errorf("proctest: motcua exited before serving (%s):\n%s", cmd.ProcessState, s.tail.String())
	case <-ctx.Done():
		_ = cmd.Process.Kill()
		<-exited
		s.cmd = nil
		return fmt.Errorf("proctest: motcua did not start: %w\n%s", ctx.Err(), s.tail.String())
	}
}

// Kill sends SIGKILL and waits for the process to end.
func (s *Server) Kill() error { return s.end(syscall.SIGKILL, 0) }

// Stop sends SIGTERM and waits up to 20 s for a clean exit, then kills.
func (s *Server) Stop() error { return s.end(syscall.SIGTERM, 20*time.Second) }

func (s *Server) end(sig syscall.Signal, grace time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return nil
	}
	cmd, exited := s.cmd, s.exited
	s.cmd = nil
	if err := cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	if grace > 0 {
		select {
		case <-exited:
			return nil
		case <-time.After(grace):
			_ = cmd.Process.Kill()
		}
	}
	<-exited
	return nil
}

// Running reports whether the process is up.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return false
	}
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// Pid is the process id, 0 when not running.
func (s *Server) Pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// LogTail is the end of the server's stderr.
func (s *Server) LogTail() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tail == nil {
		return ""
	}
	return s.tail.String()
}

// Client is a GraphQL client of this server with no session.
func (s *Server) Client() *gqlclient.Client { return &gqlclient.Client{BaseURL: s.URL} }

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("proctest: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// cleanEnv is our environment without MOTCUA_* variables, so that flags
// alone configure the server.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MOTCUA_") {
			out = append(out, kv)
		}
	}
	return out
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
