package pgcluster

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestFindBinaries(t *testing.T) {
	root := t.TempDir()
	makeBin := func(dir string, names ...string) string {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if err := os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	lib := filepath.Join(root, "lib")
	makeBin(filepath.Join(lib, "9.6", "bin"), "initdb", "pg_ctl")
	v15 := makeBin(filepath.Join(lib, "15", "bin"), "initdb", "pg_ctl")
	makeBin(filepath.Join(lib, "16", "bin"), "initdb") // incomplete: no pg_ctl
	onPath := makeBin(filepath.Join(root, "path"), "initdb", "pg_ctl")
	halfPath := makeBin(filepath.Join(root, "half"), "pg_ctl")

	tests := []struct {
		name, path, lib string
		wantDir         string
		wantErr         error
	}{
		{"PATH wins", onPath, lib, onPath, nil},
		{"newest complete version", halfPath, lib, v15, nil},
		{"nothing", "", filepath.Join(root, "none"), "", ErrNoBinaries},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := FindBinaries(tt.path, tt.lib)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				return
			}
			if b.Initdb != filepath.Join(tt.wantDir, "initdb") || b.PgCtl != filepath.Join(tt.wantDir, "pg_ctl") {
				t.Errorf("found %+v, want in %s", b, tt.wantDir)
			}
		})
	}
}

// binaries finds PostgreSQL or skips (fails on CI, which must run the
// database tests).
func binaries(t *testing.T) Binaries {
	t.Helper()
	b, err := Find()
	if errors.Is(err, ErrNoBinaries) && os.Getenv("CI") != "true" {
		t.Skipf("PostgreSQL tests SKIPPED: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestClusterLifecycle: a temporary cluster starts, serves a database with
// the extensions, survives a restart on the same port (connections come
// back), and Stop leaves no directory behind.
func TestClusterLifecycle(t *testing.T) {
	c, err := Start(binaries(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := sql.Open("postgres", c.URL("postgres", "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name, dbURL, err := CreateDatabase(ctx, admin, c.URL("postgres", "postgres"), "t_")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var folded string
	if err := db.QueryRowContext(ctx, "SELECT unaccent('Nguyễn')").Scan(&folded); err != nil || folded != "Nguyen" {
		t.Fatalf("unaccent = %q, %v", folded, err)
	}
	pid, port := c.PostmasterPID(), c.Port()
	if pid == 0 {
		t.Fatal("no postmaster.pid while running")
	}
	if err := c.Restart(); err != nil {
		t.Fatal(err)
	}
	if c.PostmasterPID() == pid || c.Port() != port {
		t.Errorf("after restart: pid %d (was %d), port %d (was %d); want a new server on the same port", c.PostmasterPID(), pid, c.Port(), port)
	}
	db.Close() // its connections were cut
	again, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if err := again.PingContext(ctx); err != nil {
		t.Errorf("no connection after restart: %v", err)
	}
	again.Close()
	if err := DropDatabase(ctx, admin, name); err != nil {
		t.Error(err)
	}
	admin.Close()
	dir := c.Dir()
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cluster directory %s left behind: %v", dir, err)
	}
}

// TestKeptClusterStartsAgain: a cluster in a given directory outlives Stop
// and starts again from the same data (the bench reuses its loaded data).
func TestKeptClusterStartsAgain(t *testing.T) {
	bin := binaries(t)
	// Not t.TempDir: as root, the server runs as the postgres user, which
	// could not enter t.TempDir's private parent directory.
	dir, err := os.MkdirTemp("", "motcua-pg-kept-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	c, err := Start(bin, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	admin, err := sql.Open("postgres", c.URL("postgres", "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE kept"); err != nil {
		t.Fatal(err)
	}
	admin.Close()
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	c, err = Start(bin, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	db, err := sql.Open("postgres", c.URL("postgres", "kept"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.PingContext(ctx); err != nil {
		t.Errorf("database of the first run missing after a second start: %v", err)
	}
}
