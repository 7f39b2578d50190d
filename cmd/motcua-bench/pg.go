package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

// pgCluster is the bench's own PostgreSQL cluster (the same recipe as
// internal/dbtest: initdb and pg_ctl, as the postgres user when we are root,
// on a free loopback port), tuned for a database of millions of rows and
// with pg_stat_statements loaded to count statements per request.
type pgCluster struct {
	initdb, pgCtl, version string
	dir                    string // data/, sock/, postgres.log
	port                   int
	cred                   *syscall.Credential
	release                *os.File // closing it lets the watchdog stop the server
	guard                  *exec.Cmd
}

// pgSettings are the server settings of every run. Durability stays on
// (fsync, synchronous_commit): the write scenarios measure what production
// would pay. Memory is sized for a 10M-row accounts table on a machine
// with ~16 GB free.
var pgSettings = []string{
	"listen_addresses=127.0.0.1",
	"max_connections=400",
	"shared_buffers=2GB",
	"effective_cache_size=8GB",
	"work_mem=16MB",
	"maintenance_work_mem=1GB",
	"max_wal_size=8GB",
	"checkpoint_timeout=30min",
	"random_page_cost=1.1",
	"dynamic_shared_memory_type=mmap",
	"shared_preload_libraries=pg_stat_statements",
	"pg_stat_statements.max=10000",
	"pg_stat_statements.track=top",
}

func findPGBinaries() (initdb, pgCtl, version string, err error) {
	if a, b := lookPath("initdb"), lookPath("pg_ctl"); a != "" && b != "" {
		out, _ := exec.Command(b, "--version").Output()
		return a, b, strings.TrimSpace(string(out)), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(a)), 64)
		vb, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(b)), 64)
		switch {
		case va > vb:
			return -1
		case va < vb:
			return 1
		}
		return 0
	})
	for _, d := range dirs {
		a, b := filepath.Join(d, "initdb"), filepath.Join(d, "pg_ctl")
		if isExecutable(a) && isExecutable(b) {
			out, _ := exec.Command(b, "--version").Output()
			return a, b, strings.TrimSpace(string(out)), nil
		}
	}
	return "", "", "", errors.New("no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql-15 postgresql-contrib")
}

func lookPath(name string) string {
	p, err := exec.LookPath(name)
	if err != nil {
		return ""
	}
	return p
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// unprivilegedUser: initdb and postgres refuse to run as root.
func unprivilegedUser() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
	}
	return nil, errors.New("running as root and found no postgres or nobody user to run PostgreSQL as")
}

// startPG starts the cluster in dir, creating it when dir has no cluster
// yet, on cpus (taskset; all CPUs while the data is loaded, then repinned).
func startPG(dir, cpus string) (*pgCluster, error) {
	initdb, pgCtl, version, err := findPGBinaries()
	if err != nil {
		return nil, err
	}
	c := &pgCluster{initdb: initdb, pgCtl: pgCtl, version: version, dir: dir}
	if c.cred, err = unprivilegedUser(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "sock"), 0o700); err != nil {
		return nil, err
	}
	if c.cred != nil {
		for _, d := range []string{dir, filepath.Join(dir, "sock")} {
			if err := os.Chown(d, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
				return nil, err
			}
		}
	}
	if _, err := os.Stat(filepath.Join(c.dataDir(), "PG_VERSION")); err != nil {
		_ = os.RemoveAll(c.dataDir())
		out, err := c.run(initdb, "-D", c.dataDir(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
		if err != nil {
			return nil, fmt.Errorf("initdb: %w\n%s", err, out)
		}
	}
	if err := c.armWatchdog(); err != nil {
		return nil, err
	}
	if c.port, err = freePort(); err != nil {
		return nil, err
	}
	opts := fmt.Sprintf("-p %d -k '%s'", c.port, filepath.Join(dir, "sock"))
	for _, s := range pgSettings {
		opts += " -c " + s
	}
	argv := pinned(cpus, pgCtl, "-D", c.dataDir(), "-l", c.logFile(), "-w", "-t", "300", "-o", opts, "start")
	if out, err := c.run(argv[0], argv[1:]...); err != nil {
		c.stop(false)
		return nil, fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, tailFile(c.logFile(), 3000))
	}
	return c, nil
}

func (c *pgCluster) dataDir() string { return filepath.Join(c.dir, "data") }
func (c *pgCluster) logFile() string { return filepath.Join(c.dir, "postgres.log") }

// url is a connection URL of database db as role.
func (c *pgCluster) url(role, db string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", role, c.port, db)
}

// postmasterPID reads postmaster.pid.
func (c *pgCluster) postmasterPID() int {
	b, err := os.ReadFile(filepath.Join(c.dataDir(), "postmaster.pid"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	return pid
}

// armWatchdog: a shell waiting for end-of-file on a pipe only we hold stops
// the server if the bench dies without stopping it (even on SIGKILL).
func (c *pgCluster) armWatchdog() error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	script := `read -r line; "$1" -D "$2" -m immediate -w stop >/dev/null 2>&1`
	cmd := exec.Command("/bin/sh", "-c", script, "motcua-bench-pg-watchdog", c.pgCtl, c.dataDir())
	cmd.Stdin = r
	cmd.Dir = c.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Credential: c.cred}
	if err := cmd.Start(); err != nil {
		w.Close()
		return err
	}
	c.release, c.guard = w, cmd
	return nil
}

// stop stops the server; remove deletes the cluster as well.
func (c *pgCluster) stop(remove bool) error {
	var errs []error
	if _, err := os.Stat(filepath.Join(c.dataDir(), "postmaster.pid")); err == nil {
		if out, err := c.run(c.pgCtl, "-D", c.dataDir(), "-m", "fast", "-w", "-t", "120", "stop"); err != nil {
			errs = append(errs, fmt.Errorf("pg_ctl stop: %w\n%s", err, out))
		}
	}
	if c.release != nil {
		c.release.Close()
		_ = c.guard.Wait()
		c.release = nil
	}
	if remove {
		errs = append(errs, os.RemoveAll(c.dir))
	}
	return errors.Join(errs...)
}

func (c *pgCluster) run(program string, args ...string) ([]byte, error) {
	cmd := exec.Command(program, args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_MESSAGES=C")
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	cmd.WaitDelay = 10 * time.Second
	return cmd.CombinedOutput()
}

// admin opens a superuser connection to db.
func (c *pgCluster) admin(db string) (*sql.DB, error) {
	conn, err := sql.Open("postgres", c.url("postgres", db))
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(4)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := conn.PingContext(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// exec runs statements as the superuser in db.
func (c *pgCluster) exec(ctx context.Context, db string, stmts ...string) error {
	conn, err := c.admin(db)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", firstLine(s), err)
		}
	}
	return nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i > 0 {
		s = s[:i]
	}
	if len(s) > 90 {
		s = s[:90] + "…"
	}
	return s
}
