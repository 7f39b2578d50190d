package store

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"
)

// migrationLockKey serialises migrations of replicas starting at once.
const migrationLockKey = 7_286_001

// postgresExtras are what PostgreSQL needs beyond Ent's tables: trigram and
// unaccent extensions, an IMMUTABLE unaccent wrapper usable in indexes, and
// trigram indexes over the folded search columns (computed in Go by vn.Fold,
// so SQLite and PostgreSQL fold identically).
var postgresExtras = []string{
	`CREATE EXTENSION IF NOT EXISTS pg_trgm`,
	`CREATE EXTENSION IF NOT EXISTS unaccent`,
	`CREATE OR REPLACE FUNCTION motcua_unaccent(text) RETURNS text
	   LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
	   AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$`,
	`CREATE INDEX IF NOT EXISTS accounts_name_folded_trgm ON accounts USING gin (name_folded gin_trgm_ops)`,
	`CREATE INDEX IF NOT EXISTS accounts_name_folded_prefix ON accounts (name_folded text_pattern_ops)`,
	`CREATE INDEX IF NOT EXISTS units_name_folded_trgm ON units USING gin (name_folded gin_trgm_ops)`,
	`CREATE INDEX IF NOT EXISTS units_code_prefix ON units (code text_pattern_ops)`,
	`CREATE INDEX IF NOT EXISTS officers_unit_path_prefix ON officers (unit_path text_pattern_ops)`,
	// internal/domain/stats sums the roll-ups of a unit subtree by path prefix.
	`CREATE INDEX IF NOT EXISTS stats_days_unit_path_prefix ON stats_days (unit_path text_pattern_ops, day)`,
}

// Migrate brings the schema up to date. On PostgreSQL it holds an advisory
// lock so that replicas starting together migrate one at a time.
func (db *DB) Migrate(ctx context.Context) error {
	if db.Dialect == dialect.Postgres {
		conn, err := db.SQL.Conn(ctx)
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockKey); err != nil {
			return fmt.Errorf("store: migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLockKey) //nolint:errcheck
		for _, stmt := range postgresExtras[:3] {
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("store: migrate: %w (is postgresql-contrib installed?)", err)
			}
		}
	}
	if err := db.Client.Schema.Create(ctx, schema.WithDropIndex(true)); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if db.Dialect == dialect.Postgres {
		for _, stmt := range postgresExtras[3:] {
			if _, err := db.SQL.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("store: migrate: %w", err)
			}
		}
	}
	return nil
}
