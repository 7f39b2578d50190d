package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/domain/seed"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/vn"
)

// genStats says how a database of generated accounts was made.
type genStats struct {
	Dialect   string
	Accounts  int // citizen accounts asked for
	Officers  int
	Generated int // citizen accounts written by `motcua seed generate`
	Copied    int // citizen accounts copied by the bench beyond the generator's limit
	// Durations: schema, the generator, the copies, the search indexes
	// (built once after loading) and the copy of the base for this run.
	Migrate, Generate, Copy, Index, Clone time.Duration
	GeneratorRate                         float64 // accounts/s the generator reported
	Cached                                bool    // reused from an earlier run (--keep-data)
	Bytes                                 int64   // database size after loading
}

// total is the time to make the database from nothing.
func (g genStats) total() time.Duration { return g.Migrate + g.Generate + g.Copy + g.Index }

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
// schema by `motcua migrate`, accounts by `motcua seed generate` up to its
// limit and by copies beyond it, then the search indexes.
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

// load migrates, runs the product's generator up to its limit, copies
// accounts beyond it, and builds the search indexes.
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
	// The generator refuses more than seed.MaxGenerated accounts in all (its
	// ID numbers count accounts in six digits).
	st.Generated = min(n, seed.MaxGenerated-cfg.officers)
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
	if rest := n - st.Generated; rest > 0 {
		logf("%s: copying %d more accounts (beyond the generator's limit of %d)", dialect, rest, seed.MaxGenerated)
		start = time.Now()
		if err := copyAccounts(ctx, url, rest); err != nil {
			return st, err
		}
		st.Copied = rest
		st.Copy = time.Since(start)
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

// baseAccount is a generated citizen account to copy.
type baseAccount struct {
	idNumber, fullName, nameFolded, status, origin string
	dob, createdAt, updatedAt                      time.Time
	email, createdBy, createdAtUnit                sql.NullString
	mustChange                                     bool
	initialExpires                                 sql.NullTime
}

// copyPrefixes are the generator's mobile prefixes (seed.generatedPrefixes).
var copyPrefixes = []string{
	"32", "33", "34", "35", "36", "37", "38", "39", "86", "96", "97",
	"81", "82", "83", "84", "85", "88", "94",
	"70", "76", "77", "78", "79",
}

// copyPhone continues the generator's numbering (seed.phoneNumber) past its
// limit: account n gets prefix n mod 23 and a permuted seven-digit tail,
// unique for n below 230 million.
func copyPhone(n int) string {
	prefix := copyPrefixes[n%len(copyPrefixes)]
	q := n / len(copyPrefixes)
	return fmt.Sprintf("+84%s%07d", prefix, (q*3_000_017+1_234_567)%10_000_000)
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

// copyAccounts adds rest citizen accounts copied from the generated ones:
// the same names (so name frequencies are the generator's), dates of birth,
// statuses, origins and creators; a new id; the ID number with its
// province code moved k places along the list for the k-th copy (the last
// six digits are unique per generated account, so the numbers stay unique
// and agree with the date of birth); phones continuing the generator's.
func copyAccounts(ctx context.Context, url string, rest int) error {
	db, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.SQL.QueryContext(ctx, `SELECT id_number, full_name, name_folded, date_of_birth, email, status, origin,
		must_change_password, initial_password_expires_at, created_by_officer_id, created_at_unit_id, created_at, updated_at
		FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM officers o WHERE o.account_id = a.id) ORDER BY id`)
	if err != nil {
		return fmt.Errorf("copy: read: %w", err)
	}
	var base []baseAccount
	for rows.Next() {
		var b baseAccount
		if err := rows.Scan(&b.idNumber, &b.fullName, &b.nameFolded, &b.dob, &b.email, &b.status, &b.origin,
			&b.mustChange, &b.initialExpires, &b.createdBy, &b.createdAtUnit, &b.createdAt, &b.updatedAt); err != nil {
			rows.Close()
			return fmt.Errorf("copy: scan: %w", err)
		}
		base = append(base, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(base) == 0 {
		return errors.New("copy: no generated accounts to copy")
	}
	provs := provinceCodes()
	provIndex := map[string]int{}
	for i, p := range provs {
		provIndex[p] = i
	}
	if need := (rest + len(base) - 1) / len(base); need >= len(provs) {
		return fmt.Errorf("copy: %d copies of %d accounts would repeat ID numbers", need, len(base))
	}
	next := func(j int) []any {
		b := base[j%len(base)]
		k := j/len(base) + 1
		idx, ok := provIndex[b.idNumber[:3]]
		if !ok {
			idx = 0
		}
		id := provs[(idx+k)%len(provs)] + b.idNumber[3:]
		return []any{string(pulid.New("AC")), id, "CCCD", b.fullName, b.nameFolded, b.dob,
			copyPhone(seed.MaxGenerated + j), b.email, b.status, b.origin, b.mustChange, b.initialExpires,
			b.createdBy, b.createdAtUnit, b.createdAt, b.updatedAt}
	}
	cols := []string{"id", "id_number", "id_kind", "full_name", "name_folded", "date_of_birth", "phone", "email",
		"status", "origin", "must_change_password", "initial_password_expires_at", "created_by_officer_id",
		"created_at_unit_id", "created_at", "updated_at"}
	const batch = 100_000
	for done := 0; done < rest; {
		n := min(batch, rest-done)
		tx, err := db.SQL.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if db.IsPostgres() {
			err = copyIn(ctx, tx, cols, done, n, next)
		} else {
			err = insertRows(ctx, tx, cols, done, n, next)
		}
		if err != nil {
			tx.Rollback()
			return fmt.Errorf("copy: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		done += n
		fmt.Fprintf(os.Stderr, "\r%d accounts copied", done)
	}
	fmt.Fprintln(os.Stderr)
	return nil
}

func copyIn(ctx context.Context, tx *sql.Tx, cols []string, from, n int, next func(int) []any) error {
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn("accounts", cols...))
	if err != nil {
		return err
	}
	defer stmt.Close()
	for j := from; j < from+n; j++ {
		if _, err := stmt.ExecContext(ctx, next(j)...); err != nil {
			return err
		}
	}
	_, err = stmt.ExecContext(ctx)
	return err
}

func insertRows(ctx context.Context, tx *sql.Tx, cols []string, from, n int, next func(int) []any) error {
	const perStmt = 500 // 16 columns × 500 rows is below SQLite's 32,766 parameters
	ph := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	for j := from; j < from+n; j += perStmt {
		m := min(perStmt, from+n-j)
		var b strings.Builder
		b.WriteString("INSERT INTO accounts (" + strings.Join(cols, ",") + ") VALUES ")
		args := make([]any, 0, m*len(cols))
		for i := range m {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(ph)
			args = append(args, next(j+i)...)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}
