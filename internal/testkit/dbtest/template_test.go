package dbtest

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the "sqlite" driver, for the SQLite template
)

// A template is made once per key; each database starts as a copy of it
// and is its own.
func TestTemplatesAreMadeOnceAndCopied(t *testing.T) {
	for _, tc := range []struct {
		name   string
		from   func(testing.TB, string, func(context.Context, string) error) string
		driver func(url string) (string, string)
	}{
		{"postgres", PostgresURLFrom, func(u string) (string, string) { return "postgres", u }},
		{"sqlite", SQLiteURLFrom, func(u string) (string, string) { return "sqlite", strings.TrimPrefix(u, "sqlite://") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opn := func(u string) *sql.DB {
				d, err := sql.Open(tc.driver(u))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { d.Close() })
				return d
			}
			made := 0
			prepare := func(ctx context.Context, u string) error {
				made++
				d := opn(u)
				defer d.Close()
				_, err := d.ExecContext(ctx, "CREATE TABLE made (x int); INSERT INTO made VALUES (1)")
				return err
			}
			key := "template-test-" + tc.name
			a, b := opn(tc.from(t, key, prepare)), opn(tc.from(t, key, prepare))
			if made != 1 {
				t.Fatalf("prepare ran %d times, want 1", made)
			}
			if _, err := a.Exec("INSERT INTO made VALUES (2)"); err != nil {
				t.Fatal(err)
			}
			for db, want := range map[*sql.DB]int{a: 2, b: 1} {
				var n int
				if err := db.QueryRow("SELECT count(*) FROM made").Scan(&n); err != nil || n != want {
					t.Fatalf("rows %d, want %d: %v", n, want, err)
				}
			}
		})
	}
}
