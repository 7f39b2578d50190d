package proctest_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/proctest"
)

// motcuaBin is the server binary, built once by TestMain.
var motcuaBin string

// envBin names a prebuilt motcua binary to test instead of building one.
const envBin = "MOTCUA_PROCTEST_BIN"

func TestMain(m *testing.M) {
	if bin := os.Getenv(envBin); bin != "" {
		motcuaBin = bin
		os.Exit(runAndClean(m, ""))
	}
	dir, err := os.MkdirTemp("", "motcua-proctest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	motcuaBin = filepath.Join(dir, "motcua")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	err = proctest.Build(ctx, "../../..", motcuaBin)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	os.Exit(runAndClean(m, dir))
}

// runAndClean is dbtest.Main that also removes the binary's folder
// (dbtest.Main exits, so nothing after it would run).
func runAndClean(m *testing.M, dir string) int {
	code := m.Run()
	if err := dbtest.Cleanup(); err != nil {
		fmt.Fprintf(os.Stderr, "dbtest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	if dir != "" {
		os.RemoveAll(dir)
	}
	return code
}

// secretKey is one master key for the replicas of a test.
var secretKey = base64.StdEncoding.EncodeToString([]byte(strings.Repeat("proctest-master-key-", 2)))

// receiptSecret signs the fake gateway's receipts.
const receiptSecret = "proctest-receipt-secret"

// logTo returns where a server's logs go: into the test log when -v and
// MOTCUA_PROCTEST_LOGS=1, else nowhere (a failing test prints the tail).
func logTo(t *testing.T, name string) io.Writer {
	if os.Getenv("MOTCUA_PROCTEST_LOGS") == "" {
		return nil
	}
	return testWriter{t: t, name: name}
}

type testWriter struct {
	t    *testing.T
	name string
}

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Logf("%s: %s", w.name, strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// startServer starts a server and registers its kill at the end of the
// test, printing its log tail when the test failed.
func startServer(t *testing.T, ctx context.Context, cfg proctest.ServerConfig, name string) *proctest.Server {
	t.Helper()
	if cfg.Bin == "" {
		cfg.Bin = motcuaBin
	}
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	if cfg.Log == nil {
		cfg.Log = logTo(t, name)
	}
	s, err := proctest.StartServer(ctx, cfg)
	if err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s log tail:\n%s", name, s.LogTail())
		}
		_ = s.Kill()
	})
	return s
}
