// Package testenv opens migrated databases for tests: SQLite always, and
// PostgreSQL through internal/testkit/dbtest (a throwaway cluster, or
// MOTCUA_TEST_POSTGRES). Each is a copy of a template that the product's
// migrations made once per test binary.
package testenv

import (
	"context"
	"testing"

	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/dbtest"
)

// SQLite returns a migrated database in a temporary file.
func SQLite(t testing.TB) *store.DB { return open(t, dbtest.SQLiteURLFrom(t, "migrated", migrate)) }

// Postgres returns a migrated, fresh PostgreSQL database (skips loudly when
// PostgreSQL is missing, fails in CI).
func Postgres(t testing.TB) *store.DB { return open(t, dbtest.PostgresURLFrom(t, "migrated", migrate)) }

// migrate makes the template every test database of the binary is copied
// from: the product's migrations, applied once per test binary.
func migrate(ctx context.Context, url string) error {
	db, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Migrate(ctx)
}

// Databases runs fn as two subtests, on SQLite and on PostgreSQL.
func Databases(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

func open(t testing.TB, url string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatalf("testenv: open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	// A copy of the template is at this build's version: this only checks.
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("testenv: migrate: %v", err)
	}
	return db
}
