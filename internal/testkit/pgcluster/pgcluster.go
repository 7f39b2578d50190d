// Package pgcluster runs a PostgreSQL cluster of our own: it finds the server
// binaries, creates the cluster (initdb), starts it on a free loopback port,
// restarts and stops it. The unit tests (internal/testkit/dbtest), the process
// tests (internal/testkit/proctest) and the bench (cmd/motcua-bench) start
// their servers with it.
//
// When we are root, every PostgreSQL program runs as the postgres user (or
// nobody), because initdb and postgres refuse to run as root; the kernel
// switches user through SysProcAttr.Credential, so no sudo or PAM is needed.
package pgcluster

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/lib/pq" // the "postgres" database/sql driver
)

// ErrNoBinaries says PostgreSQL's server programs are not installed.
var ErrNoBinaries = errors.New("no PostgreSQL server binaries (initdb, pg_ctl): " +
	"install postgresql-15 postgresql-contrib (Debian/Ubuntu: apt-get install postgresql-15 postgresql-contrib)")

// TestSettings are the server settings of test clusters: no durability
// (a test cluster is thrown away), little memory, many pools (test binaries
// run in parallel, each with its own cluster), and dynamic shared memory off a
// small container /dev/shm.
var TestSettings = []string{
	"fsync=off", "synchronous_commit=off", "full_page_writes=off",
	"shared_buffers=32MB", "max_connections=200", "dynamic_shared_memory_type=mmap",
}

// Extensions are created in every database CreateDatabase makes, because the
// production migrations need them.
var Extensions = []string{"pg_trgm", "unaccent"}

// Binaries are the PostgreSQL programs we run; pg_ctl finds postgres beside
// its own real path.
type Binaries struct {
	Initdb, PgCtl string
}

// FindBinaries looks for initdb and pg_ctl on pathList first, then in the
// newest libRoot/<version>/bin (Debian and Ubuntu install there without
// putting it on PATH). It returns ErrNoBinaries when there are none.
func FindBinaries(pathList, libRoot string) (Binaries, error) {
	if b := (Binaries{Initdb: lookPath(pathList, "initdb"), PgCtl: lookPath(pathList, "pg_ctl")}); b.Initdb != "" && b.PgCtl != "" {
		return b, nil
	}
	dirs, _ := filepath.Glob(filepath.Join(libRoot, "*", "bin"))
	versionOf := func(dir string) float64 {
		v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
		if err != nil {
			return -1
		}
		return v
	}
	slices.SortFunc(dirs, func(a, b string) int { // newest first; "9.6" is older than "15"
		va, vb := versionOf(a), versionOf(b)
		switch {
		case va > vb:
			return -1
		case va < vb:
			return 1
		}
		return 0
	})
	for _, dir := range dirs {
		b := Binaries{Initdb: filepath.Join(dir, "initdb"), PgCtl: filepath.Join(dir, "pg_ctl")}
		if versionOf(dir) >= 0 && isExecutable(b.Initdb) && isExecutable(b.PgCtl) {
			return b, nil
		}
	}
	return Binaries{}, ErrNoBinaries
}

// Find is FindBinaries on this machine: PATH, then /usr/lib/postgresql.
func Find() (Binaries, error) {
	return FindBinaries(os.Getenv("PATH"), "/usr/lib/postgresql")
}

// Version is what pg_ctl --version prints, e.g. "pg_ctl (PostgreSQL) 15.8".
func (b Binaries) Version() string {
	out, _ := exec.Command(b.PgCtl, "--version").Output()
	return strings.TrimSpace(string(out))
}

func lookPath(pathList, name string) string {
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" {
			continue
		}
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p
		}
	}
	return ""
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// Options say where a cluster lives and how its server runs.
type Options struct {
	// Dir holds the cluster (data/, sock/, postgres.log). Empty: a new
	// temporary directory, deleted by Stop and by the watchdog. Given: it is
	// kept, and a cluster already in it is started again rather than created.
	Dir string
	// Settings are the server's -c settings besides the port, socket directory
	// and listen_addresses=127.0.0.1. Nil: TestSettings.
	Settings []string
	// Wrap, when set, rewrites the pg_ctl start command line (the bench pins
	// the server to CPUs with taskset).
	Wrap func(argv []string) []string
	// StartTimeout bounds pg_ctl start and restart (default 2 minutes).
	StartTimeout time.Duration
}

// Cluster is a running PostgreSQL cluster of ours.
type Cluster struct {
	bin     Binaries
	opt     Options
	dir     string
	temp    bool                // dir is ours to delete
	port    int                 // loopback TCP port
	cred    *syscall.Credential // the unprivileged user the server runs as when we are root; nil otherwise
	release *os.File            // closing it (or our exit) lets the watchdog stop the cluster
	guard   *exec.Cmd           // the watchdog
}

// Dir is the directory that holds the cluster.
func (c *Cluster) Dir() string { return c.dir }

// DataDir is the cluster's data directory.
func (c *Cluster) DataDir() string { return filepath.Join(c.dir, "data") }

// LogFile is the server's log.
func (c *Cluster) LogFile() string { return filepath.Join(c.dir, "postgres.log") }

// Port is the server's loopback TCP port.
func (c *Cluster) Port() int { return c.port }

// URL is a connection URL of database db as role (no password: the cluster
// trusts local connections).
func (c *Cluster) URL(role, db string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", role, c.port, db)
}

// PostmasterPID is the server's process id, or 0 when it is not running.
func (c *Cluster) PostmasterPID() int {
	b, err := os.ReadFile(filepath.Join(c.DataDir(), "postmaster.pid"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	return pid
}

// Start creates (unless opt.Dir already holds one) and starts a cluster. The
// watchdog is armed before initdb runs, so even a failed or interrupted start
// leaves no server behind (and no temporary directory).
func Start(bin Binaries, opt Options) (c *Cluster, err error) {
	if opt.Settings == nil {
		opt.Settings = TestSettings
	}
	if opt.StartTimeout == 0 {
		opt.StartTimeout = 2 * time.Minute
	}
	c = &Cluster{bin: bin, opt: opt, dir: opt.Dir, temp: opt.Dir == ""}
	if c.cred, err = unprivilegedUser(); err != nil {
		return nil, err
	}
	if err := c.makeDirs(); err != nil {
		return nil, err
	}
	if err := c.armWatchdog(); err != nil {
		return nil, errors.Join(err, c.removeTemp())
	}
	started := c // c, the result, is nil by the time a failure returns
	defer func() {
		if err != nil {
			err = errors.Join(err, started.Stop())
		}
	}()
	if err := c.initdb(); err != nil {
		return nil, err
	}
	// The port comes from the kernel and is free when we look; another process may take it
	// before the server binds, so a failed start is retried on a new port.
	var startErr error
	for range 3 {
		if c.port, err = freePort(); err != nil {
			return nil, err
		}
		argv := append([]string{bin.PgCtl}, c.ctlArgs("start")...)
		if opt.Wrap != nil {
			argv = opt.Wrap(argv)
		}
		out, err := c.run(argv[0], argv[1:]...)
		if err == nil {
			return c, nil
		}
		startErr = fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, c.LogTail(4000))
	}
	return nil, startErr
}

// makeDirs creates the cluster's directory and its socket directory, owned by
// the unprivileged user when we are root (so that the watchdog, running as
// that user, may delete them from the sticky /tmp).
func (c *Cluster) makeDirs() error {
	if c.temp {
		dir, err := os.MkdirTemp("", "motcua-pg-")
		if err != nil {
			return fmt.Errorf("cluster directory: %w", err)
		}
		c.dir = dir
	}
	sockDir := filepath.Join(c.dir, "sock")
	if err := os.MkdirAll(sockDir, 0o700); err != nil {
		return errors.Join(fmt.Errorf("socket directory: %w", err), c.removeTemp())
	}
	if c.cred != nil {
		for _, d := range []string{c.dir, sockDir} {
			if err := os.Chown(d, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
				return errors.Join(fmt.Errorf("hand the cluster directory to uid %d: %w", c.cred.Uid, err), c.removeTemp())
			}
		}
	}
	return nil
}

// initdb creates the cluster unless the directory already holds one.
// C.UTF-8 makes pg_trgm treat Vietnamese letters as word characters, as a
// UTF-8 production locale does; plain C is the fallback where C.UTF-8 is
// missing.
func (c *Cluster) initdb() error {
	if _, err := os.Stat(filepath.Join(c.DataDir(), "PG_VERSION")); err == nil {
		return nil
	}
	_ = os.RemoveAll(c.DataDir()) // what a failed initdb left
	args := []string{"-D", c.DataDir(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"}
	out, err := c.run(c.bin.Initdb, append(args, "--locale=C.UTF-8")...)
	if err == nil {
		return nil
	}
	_ = os.RemoveAll(c.DataDir())
	if out2, err2 := c.run(c.bin.Initdb, append(args, "--locale=C")...); err2 != nil {
		return fmt.Errorf("initdb: %w\n%s\n%s", err2, out, out2)
	}
	return nil
}

// ctlArgs are pg_ctl's arguments for action (start, restart) with the
// server's options.
func (c *Cluster) ctlArgs(action string, extra ...string) []string {
	opts := fmt.Sprintf("-p %d -k '%s' -c listen_addresses=127.0.0.1", c.port, filepath.Join(c.dir, "sock"))
	for _, s := range c.opt.Settings {
		opts += " -c " + s
	}
	timeout := strconv.Itoa(int(c.opt.StartTimeout / time.Second))
	args := []string{"-D", c.DataDir(), "-l", c.LogFile(), "-w", "-t", timeout, "-o", opts}
	return append(append(args, extra...), action)
}

// Restart restarts the server (pg_ctl restart -m fast): every connection is
// cut and the server is down for a moment; it comes back on the same port.
func (c *Cluster) Restart() error {
	if out, err := c.run(c.bin.PgCtl, c.ctlArgs("restart", "-m", "fast")...); err != nil {
		return fmt.Errorf("pg_ctl restart: %w\n%s", err, out)
	}
	return nil
}

// Stop stops the server, deletes a temporary cluster and dismisses the
// watchdog. A cluster in Options.Dir is kept.
func (c *Cluster) Stop() error {
	var errs []error
	if _, err := os.Stat(filepath.Join(c.DataDir(), "postmaster.pid")); err == nil {
		if out, err := c.run(c.bin.PgCtl, "-D", c.DataDir(), "-m", "fast", "-w", "-t", "120", "stop"); err != nil {
			errs = append(errs, fmt.Errorf("pg_ctl stop: %w\n%s", err, out))
		}
	}
	errs = append(errs, c.removeTemp())
	if c.release != nil {
		_ = c.release.Close()
		_ = c.guard.Wait() // it finds nothing left to do
		c.release = nil
	}
	return errors.Join(errs...)
}

func (c *Cluster) removeTemp() error {
	if !c.temp || c.dir == "" {
		return nil
	}
	if err := os.RemoveAll(c.dir); err != nil {
		return fmt.Errorf("remove cluster directory: %w", err)
	}
	return nil
}

// armWatchdog starts a shell that waits for end-of-file on a pipe whose only
// writer is this process. The kernel closes it when we exit for any reason
// (even SIGKILL), and the shell then stops the server and deletes a temporary
// directory. It runs in its own session so that a Ctrl-C aimed at us does not
// kill it before it has cleaned up.
func (c *Cluster) armWatchdog() error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("watchdog pipe: %w", err)
	}
	defer r.Close()
	script := `read -r line; "$1" -D "$2" -m immediate -w stop >/dev/null 2>&1; [ -z "$3" ] || rm -rf "$3"`
	remove := ""
	if c.temp {
		remove = c.dir
	}
	cmd := exec.Command("/bin/sh", "-c", script, "motcua-pg-watchdog", c.bin.PgCtl, c.DataDir(), remove)
	cmd.Stdin = r
	cmd.Dir = c.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Credential: c.cred}
	if err := cmd.Start(); err != nil {
		_ = w.Close()
		return fmt.Errorf("start watchdog: %w", err)
	}
	c.release, c.guard = w, cmd
	return nil
}

// run runs a PostgreSQL program, as the unprivileged user when we are root.
func (c *Cluster) run(program string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.opt.StartTimeout+time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, program, args...)
	cmd.Dir = c.dir // the caller's working directory may be unreadable for the unprivileged user
	cmd.Env = append(os.Environ(), "LC_MESSAGES=C")
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	// pg_ctl's server writes to the log file, not to our pipe; WaitDelay is a guard anyway.
	cmd.WaitDelay = 10 * time.Second
	return cmd.CombinedOutput()
}

// LogTail is the last n bytes of the server log, for error messages.
func (c *Cluster) LogTail(n int) string {
	b, err := os.ReadFile(c.LogFile())
	if err != nil {
		return ""
	}
	s := string(b)
	if len(s) > n {
		s = s[len(s)-n:]
	}
	return "server log (" + c.LogFile() + "):\n" + strings.TrimSpace(s)
}

// unprivilegedUser returns nil when we are not root; otherwise the
// credentials of the postgres user, or of nobody.
func unprivilegedUser() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	var lastErr error
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			lastErr = err
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err := errors.Join(err1, err2); err != nil {
			lastErr = err
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
	}
	return nil, fmt.Errorf("running as root and found no postgres or nobody user to run PostgreSQL as: %w", lastErr)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// CreateDatabase creates an empty database called prefix plus random hex on
// the server admin is connected to, creates Extensions in it, and returns
// its name and URL: serverURL (a URL of any database of that server) with
// the database replaced.
func CreateDatabase(ctx context.Context, admin *sql.DB, serverURL, prefix string) (name, dbURL string, err error) {
	name, dbURL, err = newDatabase(ctx, admin, serverURL, prefix, "")
	if err != nil {
		return "", "", err
	}
	if err := createExtensions(ctx, dbURL); err != nil {
		return "", "", errors.Join(err, DropDatabase(ctx, admin, name))
	}
	return name, dbURL, nil
}

// CopyDatabase creates a database as a copy of template (which nobody may
// be connected to) and returns its name and URL.
func CopyDatabase(ctx context.Context, admin *sql.DB, serverURL, prefix, template string) (name, dbURL string, err error) {
	return newDatabase(ctx, admin, serverURL, prefix, template)
}

func newDatabase(ctx context.Context, admin *sql.DB, serverURL, prefix, template string) (name, dbURL string, err error) {
	base, err := url.Parse(serverURL)
	if err != nil {
		return "", "", fmt.Errorf("parse server URL: %w", err) // the URL may hold a password: not echoed
	}
	random := make([]byte, 8)
	if _, err := rand.Read(random); err != nil {
		return "", "", fmt.Errorf("random database name: %w", err)
	}
	name = prefix + hex.EncodeToString(random)
	create := "CREATE DATABASE " + name
	if template != "" {
		create += " TEMPLATE " + template
	}
	if _, err := admin.ExecContext(ctx, create); err != nil {
		return "", "", fmt.Errorf("create database: %w", err)
	}
	base.Path, base.RawPath = "/"+name, ""
	return name, base.String(), nil
}

func createExtensions(ctx context.Context, dbURL string) error {
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return fmt.Errorf("open new database: %w", err)
	}
	defer db.Close()
	for _, ext := range Extensions {
		if _, err := db.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS "+ext); err != nil {
			return fmt.Errorf("\n*****\n***** CREATE EXTENSION %s failed: %w\n***** the production migrations need it: "+
				"install the PostgreSQL contrib modules (Debian: postgresql-contrib, "+
				"or postgresql-15 which ships them) on the server\n*****", ext, err)
		}
	}
	return nil
}

// DropDatabase drops database name, closing any connection left open to it.
func DropDatabase(ctx context.Context, admin *sql.DB, name string) error {
	if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}
