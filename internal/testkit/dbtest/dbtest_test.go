package dbtest

import (
	"context"
	"database/sql"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

func open(t *testing.T, dbURL string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestPostgresURLGivesFreshDatabaseWithExtensions(t *testing.T) {
	t.Parallel()
	urlA, urlB := PostgresURL(t), PostgresURL(t)
	if urlA == urlB {
		t.Fatalf("two calls returned the same URL %q", urlA)
	}
	for _, u := range []string{urlA, urlB} {
		if !strings.HasPrefix(u, "postgres://") {
			t.Errorf("URL %q is not a postgres:// URL", u)
		}
		if os.Getenv(EnvPostgres) == "" && !strings.Contains(u, "sslmode=disable") {
			t.Errorf("URL %q lacks sslmode=disable", u)
		}
	}
	a, b := open(t, urlA), open(t, urlB)
	ctx := context.Background()

	var folded string
	if err := a.QueryRowContext(ctx, "SELECT unaccent('Đặng Thị Ngọc Ánh')").Scan(&folded); err != nil {
		t.Fatalf("unaccent: %v", err)
	}
	if folded != "Dang Thi Ngoc Anh" {
		t.Errorf("unaccent('Đặng Thị Ngọc Ánh') = %q, want %q", folded, "Dang Thi Ngoc Anh")
	}
	var sim float64
	if err := a.QueryRowContext(ctx, "SELECT similarity('abc', 'abd')").Scan(&sim); err != nil {
		t.Fatalf("similarity: %v", err)
	}
	if math.Abs(sim-1.0/3) > 1e-6 { // trigrams: 2 shared of 6 distinct
		t.Errorf("similarity('abc','abd') = %v, want 1/3", sim)
	}

	var nameA, nameB string
	if err := a.QueryRowContext(ctx, "SELECT current_database()").Scan(&nameA); err != nil {
		t.Fatal(err)
	}
	if err := b.QueryRowContext(ctx, "SELECT current_database()").Scan(&nameB); err != nil {
		t.Fatal(err)
	}
	if nameA == nameB {
		t.Fatalf("both URLs lead to database %q", nameA)
	}

	// Empty, and isolated from each other.
	var tables int
	if err := b.QueryRowContext(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("fresh database has %d tables", tables)
	}
	if _, err := a.ExecContext(ctx, "CREATE TABLE only_in_a (x int)"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.ExecContext(ctx, "SELECT * FROM only_in_a"); err == nil {
		t.Error("a table created in the first database is visible in the second")
	}
}

func TestConcurrentCallersShareOneServer(t *testing.T) {
	for i := range 8 {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			db := open(t, PostgresURL(t))
			if _, err := db.Exec("CREATE TABLE t (i int)"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec("INSERT INTO t VALUES ($1)", i); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("table holds %d rows, want 1: databases are shared between tests", n)
			}
		})
	}
}

func TestDatabaseIsDroppedAfterTest(t *testing.T) {
	var dbURL string
	t.Run("user", func(t *testing.T) { dbURL = PostgresURL(t) })
	if t.Skipped() || dbURL == "" {
		return
	}
	srv, err := sharedServer()
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	var exists bool
	if err := srv.admin.QueryRow("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", strings.TrimPrefix(u.Path, "/")).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("database %s still exists after its test ended", u.Path)
	}
}

// The MOTCUA_TEST_POSTGRES path: any server URL where we may create databases. The shared
// cluster stands in for such a server.
func TestExternalServer(t *testing.T) {
	PostgresURL(t) // skips like every other test when PostgreSQL is missing
	srv, err := sharedServer()
	if err != nil {
		t.Fatal(err)
	}
	ext, err := startServer(srv.url)
	if err != nil {
		t.Fatalf("connect to external server: %v", err)
	}
	if ext.cluster != nil {
		t.Error("an external server got a throwaway cluster")
	}
	defer ext.close()
	ctx := context.Background()
	name, dbURL, err := ext.createDatabase(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var folded string
	if err := open(t, dbURL).QueryRow("SELECT unaccent('Nguyễn')").Scan(&folded); err != nil || folded != "Nguyen" {
		t.Errorf("unaccent in external database = %q, %v", folded, err)
	}
	if err := ext.dropDatabase(ctx, name); err != nil {
		t.Error(err)
	}
}

// recorder captures Skip and Fatal instead of stopping the test.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                        {}
func (r *recorder) Skipf(format string, a ...any)  { r.skipped = format }
func (r *recorder) Fatalf(format string, a ...any) { r.failed = format }

func TestMissingBinariesSkipLocallyFailOnCI(t *testing.T) {
	local := &recorder{TB: t}
	skipOrFail(local, false, errNoBinaries)
	if local.skipped == "" || local.failed != "" {
		t.Errorf("locally: skipped=%q failed=%q, want a skip", local.skipped, local.failed)
	}
	ci := &recorder{TB: t}
	skipOrFail(ci, true, errNoBinaries)
	if ci.failed == "" || ci.skipped != "" {
		t.Errorf("on CI: skipped=%q failed=%q, want a failure", ci.skipped, ci.failed)
	}
	if !strings.Contains(errNoBinaries.Error(), "PostgreSQL tests SKIPPED") || !strings.Contains(errNoBinaries.Error(), "postgresql-contrib") {
		t.Errorf("message %q does not say what is skipped and what to install", errNoBinaries)
	}
}

func TestSQLiteURL(t *testing.T) {
	u := SQLiteURL(t)
	path, ok := strings.CutPrefix(u, "sqlite://")
	if !ok || !filepath.IsAbs(path) || filepath.Base(path) != "motcua.db" {
		t.Fatalf("SQLiteURL = %q, want sqlite://<absolute temp path>/motcua.db", u)
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
		t.Errorf("directory of %q does not exist: %v", path, err)
	}
	if other := SQLiteURL(t); other == u {
		t.Errorf("two calls returned the same file %q", u)
	}
}
