package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	_ "github.com/lib/pq" // the "postgres" database/sql driver

	"github.com/motcua/motcua/internal/testkit/pgcluster"
)

// pgCluster is the bench's own PostgreSQL cluster (internal/testkit/pgcluster),
// kept in the bench's data folder between runs, tuned for a database of
// millions of rows and with pg_stat_statements loaded to count statements
// per request.
type pgCluster struct {
	*pgcluster.Cluster
	version string // pg_ctl --version
}

// pgSettings are the server settings of every run. Durability stays on
// (fsync, synchronous_commit): the write scenarios measure what production
// would pay. Memory is sized for a 10M-row accounts table on a machine
// with ~16 GB free.
var pgSettings = []string{
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

// startPG starts the cluster in dir, creating it when dir has no cluster
// yet, on cpus (taskset; all CPUs while the data is loaded, then repinned).
func startPG(dir, cpus string) (*pgCluster, error) {
	bin, err := pgcluster.Find()
	if err != nil {
		return nil, err
	}
	c, err := pgcluster.Start(bin, pgcluster.Options{
		Dir:          dir,
		Settings:     pgSettings,
		Wrap:         func(argv []string) []string { return pinned(cpus, argv...) },
		StartTimeout: 5 * time.Minute,
	})
	if err != nil {
		return nil, err
	}
	return &pgCluster{Cluster: c, version: bin.Version()}, nil
}

// stop stops the server; remove deletes the cluster as well.
func (c *pgCluster) stop(remove bool) error {
	err := c.Stop()
	if remove {
		err = errors.Join(err, os.RemoveAll(c.Dir()))
	}
	return err
}

// admin opens a superuser connection to db.
func (c *pgCluster) admin(db string) (*sql.DB, error) {
	conn, err := sql.Open("postgres", c.URL("postgres", db))
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
