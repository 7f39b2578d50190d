package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/rules/vn"
)

// genStats says how a database of generated accounts was made.
type genStats struct {
	Dialect   string
	Accounts  int // citizen accounts asked for
	Officers  int
	Generated int // citizen accounts written by `motcua seed generate`
	// Durations: schema, the generator, the search indexes (built once
	// after loading) and the copy of the base for this run.
	Migrate, Generate, Index, Clone time.Duration
	GeneratorRate                   float64 // accounts/s the generator reported
	Cached                          bool    // reused from an earlier run (--keep-data)
	Bytes                           int64   // database size after loading
}

// total is the time to make the database from nothing.
func (g genStats) total() time.Duration { return g.Migrate + g.Generate + g.Index }

// dataset is a generated database ready for a run.
type dataset struct {
	url   string // as the motcua role (PostgreSQL) or the file (SQLite)
	db    string // PostgreSQL database name
	stats genStats
}

// accountSearchIndexes are the search indexes that migration 1 adds beyond
// Ent's on PostgreSQL for the accounts table (migrations/postgres). They are
// dropped while the rows are loaded and built once at the end, which is much
// faster than maintaining a trigram GIN row by row; `motcua migrate` does not
// rebuild them (it never touches a schema that is at its version).
var accountSearchIndexes = []struct{ name, create string }{
	{"accounts_name_folded_trgm", "CREATE INDEX accounts_name_folded_trgm ON accounts USING gin (name_folded gin_trgm_ops)"},
	{"accounts_name_folded_prefix", "CREATE INDEX accounts_name_folded_prefix ON accounts (name_folded text_pattern_ops)"},
}

// preparePostgres makes (or reuses) the database of n citizen accounts on
// the cluster: roles motcua (the product) and postgraphile (the peer), the
// schema by `motcua migrate`, accounts by `motcua seed generate` (COPY),
// then the search indexes.
// Long because it is the data set's recipe, step by step, each depending on
// the one before.
func preparePostgres(ctx context.Context, cfg *config, c *pgCluster, n int) (*dataset, error) {
	base := fmt.Sprintf("accounts_%d", n)
	roles := `DO $$ BEGIN
		IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'motcua') THEN CREATE ROLE motcua LOGIN; END IF;
		IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'postgraphile') THEN CREATE ROLE postgraphile LOGIN; END IF;
	END $$`
	if err := c.exec(ctx, "postgres", roles); err != nil {
		return nil, err
	}
	ds := &dataset{db: base}
	if st, ok := cachedStats(ctx, c, base); ok && cfg.keepData {
		st.Cached = true
		ds.stats = st
		logf("PostgreSQL: reusing %s (%d accounts, made in %s)", base, st.Accounts+st.Officers, st.total().Round(time.Second))
		// Kept data is brought to this build's schema version (a new index
		// is built CONCURRENTLY here, once, not by the first server).
		if err := runMotcua(ctx, cfg, "migrate", "--database", c.URL("motcua", base)); err != nil {
			return nil, err
		}
	} else {
		if err := c.exec(ctx, "postgres", "DROP DATABASE IF EXISTS "+base+" WITH (FORCE)", "CREATE DATABASE "+base+" OWNER motcua"); err != nil {
			return nil, err
		}
		if err := c.exec(ctx, base, "CREATE EXTENSION pg_trgm", "CREATE EXTENSION unaccent", "CREATE EXTENSION pg_stat_statements"); err != nil {
			return nil, err
		}
		st, err := load(ctx, cfg, c.URL("motcua", base), "postgres", n, func() error {
			var stmts []string
			for _, ix := range accountSearchIndexes {
				stmts = append(stmts, "DROP INDEX IF EXISTS "+ix.name)
			}
			return c.exec(ctx, base, stmts...)
		}, func() error {
			var stmts []string
			for _, ix := range accountSearchIndexes {
				stmts = append(stmts, ix.create)
			}
			return c.exec(ctx, base, append(stmts, "VACUUM ANALYZE")...)
		})
		if err != nil {
			return nil, err
		}
		conn, err := c.admin(base)
		if err != nil {
			return nil, err
		}
		err = conn.QueryRowContext(ctx, "SELECT pg_database_size(current_database())").Scan(&st.Bytes)
		if err == nil {
			meta, _ := json.Marshal(st)
			_, err = conn.ExecContext(ctx, `CREATE TABLE bench_meta (stats jsonb); INSERT INTO bench_meta VALUES ('`+string(meta)+`')`)
		}
		conn.Close()
		if err != nil {
			return nil, err
		}
		ds.stats = st
	}
	ds.db = base
	if cfg.keepData {
		// Runs write (sessions, registrations, accounts): work on a copy so
		// the base stays as generated.
		run := base + "_run"
		start := time.Now()
		if err := c.exec(ctx, "postgres", "DROP DATABASE IF EXISTS "+run+" WITH (FORCE)",
			"CREATE DATABASE "+run+" TEMPLATE "+base+" OWNER motcua STRATEGY FILE_COPY"); err != nil {
			return nil, err
		}
		ds.stats.Clone = time.Since(start)
		ds.db = run
	}
	if err := c.exec(ctx, ds.db, "DROP TABLE IF EXISTS bench_meta",
		"GRANT USAGE ON SCHEMA public TO postgraphile",
		"GRANT SELECT ON ALL TABLES IN SCHEMA public TO postgraphile"); err != nil {
		return nil, err
	}
	ds.url = c.URL("motcua", ds.db)
	return ds, nil
}

func cachedStats(ctx context.Context, c *pgCluster, db string) (genStats, bool) {
	conn, err := c.admin(db)
	if err != nil {
		return genStats{}, false
	}
	defer conn.Close()
	var raw []byte
	if err := conn.QueryRowContext(ctx, "SELECT stats FROM bench_meta").Scan(&raw); err != nil {
		return genStats{}, false
	}
	var st genStats
	return st, json.Unmarshal(raw, &st) == nil
}

// prepareSQLite makes (or reuses) a SQLite file of n citizen accounts.
func prepareSQLite(ctx context.Context, cfg *config, n int) (*dataset, error) {
	dir := filepath.Join(cfg.dataDir, "sqlite")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	base := filepath.Join(dir, fmt.Sprintf("accounts_%d.db", n))
	metaPath := base + ".json"
	ds := &dataset{}
	if b, err := os.ReadFile(metaPath); err == nil && cfg.keepData {
		if json.Unmarshal(b, &ds.stats) == nil {
			ds.stats.Cached = true
			logf("SQLite: reusing %s", base)
			// Kept data is brought to this build's schema version.
			if err := runMotcua(ctx, cfg, "migrate", "--database", "sqlite://"+base); err != nil {
				return nil, err
			}
		}
	}
	if !ds.stats.Cached {
		for _, suffix := range []string{"", "-wal", "-shm", ".json"} {
			_ = os.Remove(base + suffix)
		}
		st, err := load(ctx, cfg, "sqlite://"+base, "sqlite", n, nil, nil)
		if err != nil {
			return nil, err
		}
		if fi, err := os.Stat(base); err == nil {
			st.Bytes = fi.Size()
		}
		meta, _ := json.Marshal(st)
		if err := os.WriteFile(metaPath, meta, 0o644); err != nil {
			return nil, err
		}
		ds.stats = st
	}
	path := base
	if cfg.keepData {
		path = filepath.Join(cfg.work, "sqlite-run.db")
		start := time.Now()
		if err := copyFile(base, path); err != nil {
			return nil, err
		}
		ds.stats.Clone = time.Since(start)
	}
	ds.url = "sqlite://" + path
	return ds, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

var generatedLine = regexp.MustCompile(`generated (\d+) accounts, (\d+) officers.*\(([\d.]+) accounts/s\)`)

// load migrates, runs the product's generator and builds the search indexes.
func load(ctx context.Context, cfg *config, url, dialect string, n int, beforeLoad, afterLoad func() error) (genStats, error) {
	st := genStats{Dialect: dialect, Accounts: n, Officers: cfg.officers}
	start := time.Now()
	if err := runMotcua(ctx, cfg, "migrate", "--database", url); err != nil {
		return st, err
	}
	st.Migrate = time.Since(start)
	if beforeLoad != nil {
		if err := beforeLoad(); err != nil {
			return st, err
		}
	}
	st.Generated = n
	logf("%s: generating %d accounts and %d officers with `motcua seed generate`", dialect, st.Generated, cfg.officers)
	start = time.Now()
	out, err := outputMotcua(ctx, cfg, "seed", "generate", "--accounts", strconv.Itoa(st.Generated),
		"--officers", strconv.Itoa(cfg.officers), "--database", url)
	if err != nil {
		return st, err
	}
	st.Generate = time.Since(start)
	if m := generatedLine.FindStringSubmatch(out); m != nil {
		st.GeneratorRate, _ = strconv.ParseFloat(m[3], 64)
	}
	start = time.Now()
	logf("%s: building indexes", dialect)
	if afterLoad != nil {
		if err := afterLoad(); err != nil {
			return st, err
		}
	}
	st.Index = time.Since(start)
	logf("%s: %d accounts ready in %s", dialect, n, st.total().Round(time.Second))
	return st, nil
}

func runMotcua(ctx context.Context, cfg *config, args ...string) error {
	_, err := outputMotcua(ctx, cfg, args...)
	return err
}

// outputMotcua runs the motcua binary on every CPU (loading is not measured
// per CPU) with its progress on our stderr and returns its stdout.
func outputMotcua(ctx context.Context, cfg *config, args ...string) (string, error) {
	argv := pinned(cfg.allCPUs, append([]string{cfg.bin}, args...)...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = cfg.work
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("motcua %s: %w", strings.Join(args[:min(2, len(args))], " "), err)
	}
	return string(out), nil
}

// provinceCodes are the valid birth-registration codes, in order.
func provinceCodes() []string {
	var out []string
	for i := 1; i <= 99; i++ {
		code := fmt.Sprintf("%03d", i)
		if _, ok := vn.ProvinceName(code); ok {
			out = append(out, code)
		}
	}
	return out
}
