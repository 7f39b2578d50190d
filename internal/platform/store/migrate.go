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
}

// sqliteExtras are what SQLite needs beyond Ent's tables: an FTS5 index of
// the folded names with the trigram tokenizer (any substring of three
// characters or more), as an external-content table over accounts (it
// stores no copy of the names) keyed by the accounts' rowid. Triggers keep it
// in step in the same transaction as every insert, delete and name change.
// The rowid of a table without an INTEGER PRIMARY KEY may change on VACUUM:
// after a VACUUM, run sqliteFTSRebuild. docs/SEARCH.md says how searches use
// it.
var sqliteExtras = []string{
	`CREATE VIRTUAL TABLE IF NOT EXISTS accounts_name_fts USING fts5(name_folded,
	   content='accounts', content_rowid='rowid', tokenize='trigram')`,
	`CREATE TRIGGER IF NOT EXISTS accounts_name_fts_insert AFTER INSERT ON accounts BEGIN
	   INSERT INTO accounts_name_fts(rowid, name_folded) VALUES (new.rowid, new.name_folded);
	 END`,
	`CREATE TRIGGER IF NOT EXISTS accounts_name_fts_delete AFTER DELETE ON accounts BEGIN
	   INSERT INTO accounts_name_fts(accounts_name_fts, rowid, name_folded) VALUES ('delete', old.rowid, old.name_folded);
	 END`,
	`CREATE TRIGGER IF NOT EXISTS accounts_name_fts_update AFTER UPDATE OF name_folded ON accounts BEGIN
	   INSERT INTO accounts_name_fts(accounts_name_fts, rowid, name_folded) VALUES ('delete', old.rowid, old.name_folded);
	   INSERT INTO accounts_name_fts(rowid, name_folded) VALUES (new.rowid, new.name_folded);
	 END`,
}

// sqliteFTSRebuild fills accounts_name_fts from accounts: once, when the
// table is created over accounts that already exist.
const sqliteFTSRebuild = `INSERT INTO accounts_name_fts(accounts_name_fts) VALUES ('rebuild')`

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
		return nil
	}
	return db.InTx(ctx, func(ctx context.Context, tx *Tx) error {
		var existed int
		err := tx.SQL.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'accounts_name_fts'`).Scan(&existed)
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		for _, stmt := range sqliteExtras {
			if _, err := tx.SQL.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("store: migrate: %w", err)
			}
		}
		if existed == 0 {
			if _, err := tx.SQL.ExecContext(ctx, sqliteFTSRebuild); err != nil {
				return fmt.Errorf("store: migrate: fill accounts_name_fts: %w", err)
			}
		}
		return nil
	})
}
