package migrations_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/sqltool"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/migrations"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// envNewMigration names the migration to write (`make migration NAME=…`).
// Unset, the test only checks that there is nothing to write.
const envNewMigration = "MOTCUA_NEW_MIGRATION"

// TestMigrationsMatchSchema applies the migration files to an empty database
// of each dialect with the product's migrator, then asks Ent for the changes
// that would take it to ent/schema: there must be none. A change to
// ent/schema without `make migration`, or a migration file edited without
// rehashing atlas.sum, fails here.
//
// With MOTCUA_NEW_MIGRATION=name (what `make migration NAME=name` sets), it
// rehashes atlas.sum and writes the changes as the next files instead.
func TestMigrationsMatchSchema(t *testing.T) {
	name := os.Getenv(envNewMigration)
	for _, tc := range []struct{ dialect, url string }{
		{"sqlite", dbtest.SQLiteURL(t)},
		{"postgres", dbtest.PostgresURL(t)},
	} {
		t.Run(tc.dialect, func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(ctx, tc.url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var dir migrate.Dir
			if name != "" {
				local, err := sqltool.NewGolangMigrateDir(tc.dialect)
				if err != nil {
					t.Fatal(err)
				}
				sum, err := local.Checksum()
				if err != nil {
					t.Fatal(err)
				}
				if err := migrate.WriteSumFile(local, sum); err != nil {
					t.Fatal(err)
				}
				dir = local
			} else {
				dir = embedded(t, tc.dialect)
			}
			if !isEmpty(t, tc.dialect) { // else: writing version 1
				if err := db.Migrate(ctx); err != nil {
					t.Fatalf("apply the migrations: %v", err)
				}
			}
			added, err := migrations.Generate(ctx, entsql.OpenDB(db.Dialect, db.SQL), dir, orDefault(name))
			if err != nil {
				t.Fatalf("%v\n(run `make migration NAME=…` after editing a migration file by hand: it rehashes atlas.sum)", err)
			}
			if name != "" {
				for _, f := range added {
					t.Logf("wrote migrations/%s/%s", tc.dialect, f)
				}
				return
			}
			if len(added) > 0 {
				var sql strings.Builder
				for _, f := range added {
					b, _ := fs.ReadFile(dir, f)
					sql.WriteString("-- " + f + "\n" + string(b))
				}
				t.Fatalf("ent/schema and migrations/%s disagree: run `make migration NAME=what_changed` and commit the files.\nMissing:\n%s",
					tc.dialect, sql.String())
			}
		})
	}
}

// embedded copies the compiled-in migration files of a dialect to memory,
// where Generate may write without touching the repository.
func embedded(t *testing.T, dialect string) migrate.Dir {
	t.Helper()
	dir := &migrate.MemDir{}
	entries, err := fs.ReadDir(migrations.FS, dialect)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(migrations.FS, filepath.ToSlash(filepath.Join(dialect, e.Name())))
		if err != nil {
			t.Fatal(err)
		}
		if err := dir.WriteFile(e.Name(), b); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func isEmpty(t *testing.T, dialect string) bool {
	t.Helper()
	names, err := fs.Glob(migrations.FS, dialect+"/*.up.sql")
	if err != nil {
		t.Fatal(err)
	}
	return len(names) == 0
}

func orDefault(name string) string {
	if name == "" {
		return "changes"
	}
	return name
}

func TestVersion(t *testing.T) {
	for name, want := range map[string]uint{
		"000001_init.up.sql": 1, "000012_add_x.up.sql": 12, "postgres/000003_a_index_1.up.sql": 3,
		"atlas.sum": 0, "000001_init.down.sql": 0, "x_init.up.sql": 0,
	} {
		if got := migrations.Version(name); got != want {
			t.Errorf("Version(%q) = %d, want %d", name, got, want)
		}
	}
}
