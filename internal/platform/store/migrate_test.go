package store_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"entgo.io/ent/dialect/sql/schema"

	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/migrations"
	"github.com/motcua/motcua/policy/viewer"
)

// empty runs fn on an empty SQLite file and an empty PostgreSQL database,
// both opened but not migrated.
func empty(t *testing.T, fn func(t *testing.T, url string, db *store.DB)) {
	for _, tc := range []struct {
		name string
		url  func(testing.TB) string
	}{{"sqlite", dbtest.SQLiteURL}, {"postgres", dbtest.PostgresURL}} {
		t.Run(tc.name, func(t *testing.T) {
			url := tc.url(t)
			fn(t, url, open(t, url))
		})
	}
}

func open(t *testing.T, url string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// latest is the newest version this build carries.
func latest(t *testing.T) uint {
	t.Helper()
	var v uint
	for _, d := range []string{"postgres", "sqlite"} {
		names, err := fs.Glob(migrations.FS, d+"/*.up.sql")
		if err != nil || len(names) == 0 {
			t.Fatalf("no migrations for %s: %v", d, err)
		}
		for _, n := range names {
			v = max(v, migrations.Version(n))
		}
	}
	return v
}

// upTo is this build's migrations up to version last.
func upTo(t *testing.T, last uint) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(migrations.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || migrations.Version(p) == 0 || migrations.Version(p) > last {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// withNext is this build's migrations and two more versions: a column, then
// its index (CONCURRENTLY on PostgreSQL, alone in its file as it must be).
func withNext(t *testing.T) fstest.MapFS {
	t.Helper()
	m, n := upTo(t, latest(t)), latest(t)
	file := func(dialect string, v uint, name, sql string) {
		m[path.Join(dialect, fmt.Sprintf("%06d_%s.up.sql", v, name))] = &fstest.MapFile{Data: []byte(sql)}
	}
	file("postgres", n+1, "test_note", `ALTER TABLE "accounts" ADD COLUMN "test_note" character varying NULL;`)
	file("postgres", n+2, "test_note_index_1", `CREATE INDEX CONCURRENTLY "account_test_note" ON "accounts" ("test_note");`)
	file("sqlite", n+1, "test_note", "ALTER TABLE `accounts` ADD COLUMN `test_note` text NULL;")
	file("sqlite", n+2, "test_note_index_1", "CREATE INDEX `account_test_note` ON `accounts` (`test_note`);")
	return m
}

// exec runs a statement written with ? placeholders on either database.
func exec(t *testing.T, db *store.DB, query string, args ...any) {
	t.Helper()
	if db.IsPostgres() {
		for i := 1; strings.Contains(query, "?"); i++ {
			query = strings.Replace(query, "?", fmt.Sprintf("$%d", i), 1)
		}
	}
	if _, err := db.SQL.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// insertVersion1Rows writes a unit and an account in the columns of version 1.
func insertVersion1Rows(t *testing.T, db *store.DB) {
	t.Helper()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	exec(t, db, `INSERT INTO units (id, created_at, updated_at, code, name, name_folded, kind, path)
		VALUES ('u1', ?, ?, '000.00.00.H99', 'Tỉnh Thử', 'tinh thu', 'PROVINCE', '/u1/')`, now, now)
	exec(t, db, `INSERT INTO accounts (id, created_at, updated_at, id_number, full_name, name_folded,
		date_of_birth, phone, origin, created_at_unit_id)
		VALUES ('a1', ?, ?, '001090012345', 'Nguyễn Văn An', 'nguyen van an', ?, '0912345678', 'DESK', 'u1')`,
		now, now, time.Date(1990, 5, 6, 0, 0, 0, 0, time.UTC))
}

// checkVersion1Rows reads them back through Ent (the newest schema).
func checkVersion1Rows(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := viewer.System(context.Background())
	a, err := db.Client.Account.Query().Where(account.IDNumber("001090012345")).WithCreatedAtUnit().Only(ctx)
	if err != nil {
		t.Fatalf("account after migrating: %v", err)
	}
	if a.FullName != "Nguyễn Văn An" || a.Phone != "0912345678" || a.DateOfBirth.Year() != 1990 ||
		a.Edges.CreatedAtUnit == nil || a.Edges.CreatedAtUnit.Code != "000.00.00.H99" {
		t.Fatalf("account after migrating: %+v", a)
	}
	if n, err := db.Client.Unit.Query().Where(unit.Code("000.00.00.H99")).Count(ctx); err != nil || n != 1 {
		t.Fatalf("units after migrating: %d, %v", n, err)
	}
}

func version(t *testing.T, db *store.DB) uint {
	t.Helper()
	v, dirty, err := db.SchemaVersion(context.Background())
	if err != nil || dirty {
		t.Fatalf("version: %d dirty=%v %v", v, dirty, err)
	}
	return v
}

// TestUpgradeKeepsData applies version 1, writes rows, then every later
// version (this build's, and two more made here so that the path is
// exercised even while this build has one version).
func TestUpgradeKeepsData(t *testing.T) {
	empty(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		if err := db.MigrateFS(ctx, upTo(t, 1)); err != nil {
			t.Fatalf("migrate to 1: %v", err)
		}
		if v := version(t, db); v != 1 {
			t.Fatalf("version %d, want 1", v)
		}
		insertVersion1Rows(t, db)
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("migrate to %d: %v", latest(t), err)
		}
		checkVersion1Rows(t, db)
		if err := db.MigrateFS(ctx, withNext(t)); err != nil {
			t.Fatalf("migrate to %d: %v", latest(t)+2, err)
		}
		if v := version(t, db); v != latest(t)+2 {
			t.Fatalf("version %d, want %d", v, latest(t)+2)
		}
		checkVersion1Rows(t, db)
		exec(t, db, `UPDATE accounts SET test_note = 'ok' WHERE id = 'a1'`)
		if db.IsPostgres() {
			var valid bool
			err := db.SQL.QueryRowContext(ctx, `SELECT indisvalid FROM pg_index WHERE indexrelid = 'account_test_note'::regclass`).Scan(&valid)
			if err != nil || !valid {
				t.Fatalf("concurrently built index: valid=%v %v", valid, err)
			}
		}
	})
}

// TestRefusesOtherSchemaVersions: serve --migrate=false runs only on the
// version of its build; migrate never runs an older build's migrations on a
// newer schema, nor goes on after a migration that stopped halfway.
func TestRefusesOtherSchemaVersions(t *testing.T) {
	empty(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		want := latest(t)
		var se *store.SchemaError
		err := db.CheckSchema(ctx)
		if !errors.As(err, &se) || se.Have != 0 || !strings.Contains(err.Error(), "run `motcua migrate`") {
			t.Fatalf("unmigrated database: %v", err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.CheckSchema(ctx); err != nil {
			t.Fatalf("up-to-date database: %v", err)
		}
		// An older schema than the build's (the build has two more versions).
		err = db.CheckSchemaFS(ctx, withNext(t))
		if !errors.As(err, &se) || se.Have != want || se.Want != want+2 ||
			!strings.Contains(err.Error(), fmt.Sprintf("at version %d, this build needs %d: run `motcua migrate`", want, want+2)) {
			t.Fatalf("older schema: %v", err)
		}
		// A newer schema than the build's.
		if err := db.MigrateFS(ctx, withNext(t)); err != nil {
			t.Fatal(err)
		}
		for _, err := range []error{db.CheckSchema(ctx), db.Migrate(ctx)} {
			if !errors.As(err, &se) || se.Have != want+2 || se.Want != want ||
				!strings.Contains(err.Error(), "newer than this build's") {
				t.Fatalf("newer schema: %v", err)
			}
		}
		// A migration that stopped halfway.
		exec(t, db, `UPDATE schema_migrations SET dirty = ?`, true)
		for _, err := range []error{db.CheckSchema(ctx), db.MigrateFS(ctx, withNext(t))} {
			if !errors.As(err, &se) || !se.Dirty || !strings.Contains(err.Error(), "stopped halfway") {
				t.Fatalf("dirty schema: %v", err)
			}
		}
	})
}

// TestReplicasMigrateTogether: replicas starting at once on an empty
// database each migrate; one applies every version, the others wait and
// find nothing to do.
func TestReplicasMigrateTogether(t *testing.T) {
	empty(t, func(t *testing.T, url string, db *store.DB) {
		ctx := context.Background()
		const replicas = 4
		var wg sync.WaitGroup
		errs := make([]error, replicas)
		for i := range replicas {
			replica := open(t, url)
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = replica.MigrateFS(ctx, withNext(t))
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("replicas migrating together: %v", err)
		}
		if v := version(t, db); v != latest(t)+2 {
			t.Fatalf("version %d, want %d", v, latest(t)+2)
		}
		insertVersion1Rows(t, db)
		exec(t, db, `UPDATE accounts SET test_note = 'ok'`)
	})
}

// legacyAutoMigrate is how releases before versioned migrations made the
// schema: Ent's auto-migration, then the extensions and search indexes.
// It makes version 1 only while ent/schema is at version 1.
func legacyAutoMigrate(t *testing.T, db *store.DB) {
	t.Helper()
	if db.IsPostgres() {
		exec(t, db, `CREATE EXTENSION IF NOT EXISTS pg_trgm`)
		exec(t, db, `CREATE EXTENSION IF NOT EXISTS unaccent`)
		exec(t, db, `CREATE OR REPLACE FUNCTION motcua_unaccent(text) RETURNS text
			LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
			AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$`)
	}
	if err := db.Client.Schema.Create(context.Background(), schema.WithDropIndex(true)); err != nil {
		t.Fatal(err)
	}
	if db.IsPostgres() {
		for _, stmt := range []string{
			`CREATE INDEX IF NOT EXISTS accounts_name_folded_trgm ON accounts USING gin (name_folded gin_trgm_ops)`,
			`CREATE INDEX IF NOT EXISTS accounts_name_folded_prefix ON accounts (name_folded text_pattern_ops)`,
			`CREATE INDEX IF NOT EXISTS units_name_folded_trgm ON units USING gin (name_folded gin_trgm_ops)`,
			`CREATE INDEX IF NOT EXISTS units_code_prefix ON units (code text_pattern_ops)`,
			`CREATE INDEX IF NOT EXISTS officers_unit_path_prefix ON officers (unit_path text_pattern_ops)`,
		} {
			exec(t, db, stmt)
		}
	}
}

// version1WithoutVersion runs version 1's SQL as it is, recording no
// version: the tables of the last release before versioned migrations.
func version1WithoutVersion(t *testing.T, db *store.DB) {
	t.Helper()
	dialect := "sqlite"
	if db.IsPostgres() {
		dialect = "postgres"
	}
	names, err := fs.Glob(migrations.FS, dialect+"/000001_*.up.sql")
	if err != nil || len(names) != 1 {
		t.Fatalf("version 1 of %s: %v %v", dialect, names, err)
	}
	sql, err := fs.ReadFile(migrations.FS, names[0])
	if err != nil {
		t.Fatal(err)
	}
	exec(t, db, string(sql))
}

// TestAdoptsDatabaseOfEarlierRelease: a database made before versioned
// migrations is checked against version 1, recorded at version 1 and
// migrated on, its rows intact; one whose tables differ is refused and
// left without a version.
func TestAdoptsDatabaseOfEarlierRelease(t *testing.T) {
	makers := map[string]func(*testing.T, *store.DB){"version 1 SQL": version1WithoutVersion}
	if latest(t) == 1 {
		// While ent/schema is version 1, the earlier releases' own way too.
		makers["Ent auto-migration"] = legacyAutoMigrate
	}
	for name, make := range makers {
		t.Run(name, func(t *testing.T) {
			empty(t, func(t *testing.T, _ string, db *store.DB) {
				ctx := context.Background()
				make(t, db)
				insertVersion1Rows(t, db)
				if err := db.MigrateFS(ctx, withNext(t)); err != nil {
					t.Fatalf("adopt: %v", err)
				}
				if v := version(t, db); v != latest(t)+2 {
					t.Fatalf("version %d, want %d", v, latest(t)+2)
				}
				checkVersion1Rows(t, db)
			})
		})
	}
	t.Run("different tables", func(t *testing.T) {
		empty(t, func(t *testing.T, _ string, db *store.DB) {
			ctx := context.Background()
			version1WithoutVersion(t, db)
			exec(t, db, `ALTER TABLE accounts DROP COLUMN email`)
			err := db.Migrate(ctx)
			if err == nil || !strings.Contains(err.Error(), "column accounts.email is missing") {
				t.Fatalf("a database unlike version 1: %v", err)
			}
			if v, _, _ := db.SchemaVersion(ctx); v != 0 {
				t.Fatalf("version %d recorded on a refused database", v)
			}
		})
	})
}

// TestUpToDateStartRunsNoDDL: a replica starting on a schema at its version
// only reads: no statement of DDL (an event trigger records any on
// PostgreSQL; SQLite's schema_version counts schema changes), no index
// rebuilt (same OIDs).
func TestUpToDateStartRunsNoDDL(t *testing.T) {
	empty(t, func(t *testing.T, url string, db *store.DB) {
		ctx := context.Background()
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		type snapshot struct{ indexes, schemaVersion string }
		take := func() snapshot {
			var s snapshot
			q := `SELECT group_concat(name || ':' || rootpage, ',') FROM (SELECT name, rootpage FROM sqlite_master WHERE type = 'index' ORDER BY name)`
			if db.IsPostgres() {
				q = `SELECT string_agg(c.relname || ':' || c.oid, ',' ORDER BY c.relname) FROM pg_class c
					JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'i' AND n.nspname = current_schema()`
			}
			if err := db.SQL.QueryRowContext(ctx, q).Scan(&s.indexes); err != nil {
				t.Fatal(err)
			}
			if !db.IsPostgres() {
				if err := db.SQL.QueryRowContext(ctx, `PRAGMA schema_version`).Scan(&s.schemaVersion); err != nil {
					t.Fatal(err)
				}
			}
			return s
		}
		if db.IsPostgres() {
			exec(t, db, `CREATE TABLE test_ddl_log (tag text NOT NULL)`)
			exec(t, db, `CREATE FUNCTION test_log_ddl() RETURNS event_trigger LANGUAGE plpgsql
				AS $$ BEGIN INSERT INTO test_ddl_log VALUES (tg_tag); END $$`)
			exec(t, db, `CREATE EVENT TRIGGER test_log_ddl ON ddl_command_start EXECUTE FUNCTION test_log_ddl()`)
			// The trigger works: it records a probe.
			exec(t, db, `CREATE TABLE test_probe (x int)`)
			var probes int
			if err := db.SQL.QueryRowContext(ctx, `SELECT count(*) FROM test_ddl_log`).Scan(&probes); err != nil || probes != 1 {
				t.Fatalf("event trigger recorded %d statements, %v", probes, err)
			}
			exec(t, db, `DELETE FROM test_ddl_log`)
		}
		before := take()
		replica := open(t, url)
		if err := replica.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := replica.CheckSchema(ctx); err != nil {
			t.Fatal(err)
		}
		if after := take(); after != before {
			t.Fatalf("a start on an up-to-date schema changed it:\nbefore %+v\nafter  %+v", before, after)
		}
		if db.IsPostgres() {
			var tags string
			if err := db.SQL.QueryRowContext(ctx, `SELECT coalesce(string_agg(tag, ', '), '') FROM test_ddl_log`).Scan(&tags); err != nil {
				t.Fatal(err)
			}
			if tags != "" {
				t.Fatalf("a start on an up-to-date schema ran DDL: %s", tags)
			}
		}
	})
}
