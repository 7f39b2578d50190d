package proctest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"
)

// Cluster is a throwaway PostgreSQL cluster that a fault run may restart
// under load. internal/dbtest's cluster serves the tests and cannot be
// restarted; this one is the same recipe (initdb, pg_ctl on a loopback
// port, as an unprivileged user when we are root) with Restart.
type Cluster struct {
	dir, pgCtl string
	port       int
	cred       *syscall.Credential
	admin      *sql.DB
}

// StartCluster creates a cluster in a new temporary folder and starts it.
func StartCluster() (c *Cluster, err error) {
	initdb, pgCtl, err := findPostgres()
	if err != nil {
		return nil, err
	}
	c = &Cluster{pgCtl: pgCtl}
	if c.cred, err = unprivileged(); err != nil {
		return nil, err
	}
	if c.dir, err = os.MkdirTemp("", "motcua-faults-pg-"); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = c.Stop()
		}
	}()
	if err := os.Mkdir(filepath.Join(c.dir, "sock"), 0o700); err != nil {
		return nil, err
	}
	if c.cred != nil {
		for _, d := range []string{c.dir, filepath.Join(c.dir, "sock")} {
			if err := os.Chown(d, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
				return nil, err
			}
		}
	}
	if out, err := c.run(initdb, "-D", c.dataDir(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	if c.port, err = FreePort(); err != nil {
		return nil, err
	}
	if out, err := c.ctl("start"); err != nil {
		return nil, fmt.Errorf("pg_ctl start: %w\n%s", err, out)
	}
	if c.admin, err = sql.Open("postgres", c.url("postgres")); err != nil {
		return nil, err
	}
	return c, c.admin.Ping()
}

func (c *Cluster) dataDir() string { return filepath.Join(c.dir, "data") }

func (c *Cluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

func (c *Cluster) ctl(action string, extra ...string) ([]byte, error) {
	opts := fmt.Sprintf("-p %d -k '%s' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"+
		" -c full_page_writes=off -c shared_buffers=32MB -c max_connections=200 -c dynamic_shared_memory_type=mmap",
		c.port, filepath.Join(c.dir, "sock"))
	args := append([]string{"-D", c.dataDir(), "-l", filepath.Join(c.dir, "postgres.log"), "-w", "-t", "60", "-o", opts}, extra...)
	return c.run(c.pgCtl, append(args, action)...)
}

// CreateDatabase creates an empty database with the extensions the
// migrations need and returns its URL.
func (c *Cluster) CreateDatabase(ctx context.Context) (string, error) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "f_" + hex.EncodeToString(b)
	if _, err := c.admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	db, err := sql.Open("postgres", c.url(name))
	if err != nil {
		return "", err
	}
	defer db.Close()
	for _, ext := range []string{"pg_trgm", "unaccent"} {
		if _, err := db.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS "+ext); err != nil {
			return "", fmt.Errorf("create extension %s: %w", ext, err)
		}
	}
	return c.url(name), nil
}

// Restart restarts the server (pg_ctl restart -m fast): every connection
// is cut and the server is down for a moment.
func (c *Cluster) Restart() error {
	if out, err := c.ctl("restart", "-m", "fast"); err != nil {
		return fmt.Errorf("pg_ctl restart: %w\n%s", err, out)
	}
	return nil
}

// Stop stops the server and deletes the cluster.
func (c *Cluster) Stop() error {
	var errs []error
	if c.admin != nil {
		errs = append(errs, c.admin.Close())
	}
	if _, err := os.Stat(filepath.Join(c.dataDir(), "postmaster.pid")); err == nil {
		if out, err := c.run(c.pgCtl, "-D", c.dataDir(), "-m", "immediate", "-w", "stop"); err != nil {
			errs = append(errs, fmt.Errorf("pg_ctl stop: %w\n%s", err, out))
		}
	}
	if c.dir != "" {
		errs = append(errs, os.RemoveAll(c.dir))
	}
	return errors.Join(errs...)
}

func (c *Cluster) run(program string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, program, args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_MESSAGES=C")
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	cmd.WaitDelay = 10 * time.Second
	return cmd.CombinedOutput()
}

// findPostgres finds initdb and pg_ctl on PATH or in the newest
// /usr/lib/postgresql/<version>/bin.
func findPostgres() (initdb, pgCtl string, err error) {
	if i, err1 := exec.LookPath("initdb"); err1 == nil {
		if p, err2 := exec.LookPath("pg_ctl"); err2 == nil {
			return i, p, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(a, b int) bool {
		va, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(dirs[a])), 64)
		vb, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(dirs[b])), 64)
		return va > vb
	})
	for _, d := range dirs {
		i, p := filepath.Join(d, "initdb"), filepath.Join(d, "pg_ctl")
		if _, err := os.Stat(i); err == nil {
			if _, err := os.Stat(p); err == nil {
				return i, p, nil
			}
		}
	}
	return "", "", errors.New("proctest: no PostgreSQL server binaries (initdb, pg_ctl); install postgresql-15")
}

// unprivileged is nil unless we are root; then the postgres (or nobody)
// user, since PostgreSQL refuses to run as root.
func unprivileged() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 == nil && err2 == nil {
			return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
		}
	}
	return nil, errors.New("proctest: running as root and found no postgres or nobody user for PostgreSQL")
}
