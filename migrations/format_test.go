package migrations

import (
	"io/fs"
	"strings"
	"testing"

	"ariga.io/atlas/sql/migrate"
	atlas "ariga.io/atlas/sql/schema"
	"entgo.io/ent/dialect"
)

// On PostgreSQL an index on an existing table is built CONCURRENTLY, alone
// in its file after the table changes; an index of a new table stays with
// its table; SQLite keeps one file.
func TestFormatSplitsConcurrentIndexes(t *testing.T) {
	plan := func() *migrate.Plan {
		return &migrate.Plan{Name: "add_note", Changes: []*migrate.Change{
			{Cmd: `ALTER TABLE "accounts" ADD COLUMN "note" character varying NULL`, Source: &atlas.ModifyTable{}},
			{Cmd: `CREATE INDEX "account_note" ON "accounts" ("note")`, Source: &atlas.ModifyTable{}},
			{Cmd: `CREATE TABLE "notes" ("id" bigint NOT NULL)`, Source: &atlas.AddTable{}},
			{Cmd: `CREATE UNIQUE INDEX "notes_id" ON "notes" ("id")`, Source: &atlas.AddTable{}},
			{Cmd: `CREATE UNIQUE INDEX "accounts_note_key" ON "accounts" ("note")`, Source: &atlas.ModifyTable{}},
		}}
	}
	files, err := formatter{next: 7, dialect: dialect.Postgres}.Format(plan())
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ name, has, hasNot string }{
		{"000007_add_note.up.sql", `CREATE UNIQUE INDEX "notes_id" ON "notes"`, "CONCURRENTLY"},
		{"000008_add_note_index_1.up.sql", `CREATE INDEX CONCURRENTLY "account_note" ON "accounts" ("note");`, "ALTER"},
		{"000009_add_note_index_2.up.sql", `CREATE UNIQUE INDEX CONCURRENTLY "accounts_note_key"`, "ALTER"},
	}
	if len(files) != len(want) {
		t.Fatalf("%d files, want %d", len(files), len(want))
	}
	for i, w := range want {
		body := string(files[i].Bytes())
		if files[i].Name() != w.name || !strings.Contains(body, w.has) || strings.Contains(body, w.hasNot) {
			t.Errorf("file %d: %s\n%s", i, files[i].Name(), body)
		}
		if i > 0 && strings.Count(body, ";") != 1 {
			t.Errorf("%s holds more than one statement:\n%s", files[i].Name(), body)
		}
	}
	files, err = formatter{next: 7, dialect: dialect.SQLite}.Format(plan())
	if err != nil || len(files) != 1 || strings.Contains(string(files[0].Bytes()), "CONCURRENTLY") {
		t.Fatalf("SQLite: %d files, %v", len(files), err)
	}
}

// TestDialectsShareVersions: one number names the schema on both databases
// (operators and `serve --migrate=false` speak of "version N"). A version
// that only one dialect needs (PostgreSQL's CONCURRENTLY index files) gets a
// no-op file (`SELECT 1;`) on the other, then `make migration NAME=noop`
// rehashes atlas.sum.
func TestDialectsShareVersions(t *testing.T) {
	versions := func(d string) map[uint]bool {
		names, err := fs.Glob(FS, d+"/*.up.sql")
		if err != nil || len(names) == 0 {
			t.Fatalf("no migrations for %s: %v", d, err)
		}
		out := map[uint]bool{}
		for _, n := range names {
			out[Version(n)] = true
		}
		return out
	}
	pg, lite := versions("postgres"), versions("sqlite")
	for v := range pg {
		if !lite[v] {
			t.Errorf("version %d exists for PostgreSQL only: add migrations/sqlite/%06d_….up.sql (SELECT 1; if SQLite needs nothing)", v, v)
		}
	}
	for v := range lite {
		if !pg[v] {
			t.Errorf("version %d exists for SQLite only: add migrations/postgres/%06d_….up.sql (SELECT 1; if PostgreSQL needs nothing)", v, v)
		}
	}
}
