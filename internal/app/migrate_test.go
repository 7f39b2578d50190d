package app_test

import (
	"context"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/dbtest"
)

// TestStartOnUpToDateSchemaRunsNoDDL: `serve --migrate` (our migrations and
// River's) on a database already at this build's versions runs no DDL: an
// event trigger records every DDL statement on PostgreSQL; SQLite's
// schema_version counts every schema change.
func TestStartOnUpToDateSchemaRunsNoDDL(t *testing.T) {
	for _, tc := range []struct {
		name string
		url  func(testing.TB) string
	}{{"sqlite", dbtest.SQLiteURL}, {"postgres", dbtest.PostgresURL}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			url := tc.url(t)
			first := openStore(t, url)
			if err := app.MigrateAll(ctx, first); err != nil {
				t.Fatal(err)
			}
			count := `PRAGMA schema_version`
			if first.IsPostgres() {
				for _, stmt := range []string{
					`CREATE TABLE test_ddl_log (tag text NOT NULL)`,
					`CREATE FUNCTION test_log_ddl() RETURNS event_trigger LANGUAGE plpgsql
						AS $$ BEGIN INSERT INTO test_ddl_log VALUES (tg_tag); END $$`,
					`CREATE EVENT TRIGGER test_log_ddl ON ddl_command_start EXECUTE FUNCTION test_log_ddl()`,
					`CREATE TABLE test_probe (x int)`, // the trigger works: before counts it
				} {
					if _, err := first.SQL.ExecContext(ctx, stmt); err != nil {
						t.Fatal(err)
					}
				}
				count = `SELECT count(*) FROM test_ddl_log`
			}
			var before, after int
			if err := first.SQL.QueryRowContext(ctx, count).Scan(&before); err != nil {
				t.Fatal(err)
			}
			if before == 0 {
				t.Fatalf("%s: 0 before the restart: the probe was not counted", count)
			}
			if err := app.MigrateAll(ctx, openStore(t, url)); err != nil {
				t.Fatal(err)
			}
			if err := first.SQL.QueryRowContext(ctx, count).Scan(&after); err != nil {
				t.Fatal(err)
			}
			if after != before {
				t.Fatalf("a start on an up-to-date schema ran DDL (%s: %d, then %d)", count, before, after)
			}
		})
	}
}

func openStore(t *testing.T, url string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
