package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"
)

// queryer is a *sql.DB, *sql.Conn or *sql.Tx.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// tableExists reports whether the current schema has the table.
func (db *DB) tableExists(ctx context.Context, q queryer, name string) (bool, error) {
	query := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	if db.Dialect == dialect.Postgres {
		query = `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`
	}
	var n int
	if err := q.QueryRowContext(ctx, query, name).Scan(&n); err != nil {
		return false, fmt.Errorf("store: look for table %s: %w", name, err)
	}
	return n > 0, nil
}

// hasProductTables reports whether the database holds tables of ours (not
// River's, not the version table): a database migrated by an earlier release.
func (db *DB) hasProductTables(ctx context.Context) (bool, error) {
	query := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
		AND name NOT LIKE 'river\_%' ESCAPE '\' AND name <> ?`
	if db.Dialect == dialect.Postgres {
		query = `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()
			AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'river\_%' AND table_name <> $1`
	}
	var n int
	if err := db.SQL.QueryRowContext(ctx, query, versionTable).Scan(&n); err != nil {
		return false, fmt.Errorf("store: migrate: list tables: %w", err)
	}
	return n > 0, nil
}

// shape is what the baseline check compares: per table, its columns (name →
// type and nullability) and the names of its indexes.
type shape map[string]*tableShape

type tableShape struct {
	columns map[string]string
	indexes map[string]bool
}

func (s shape) table(name string) *tableShape {
	if s[name] == nil {
		s[name] = &tableShape{columns: map[string]string{}, indexes: map[string]bool{}}
	}
	return s[name]
}

// checkBaselinePostgres applies version 1 in a scratch schema inside a
// transaction that is rolled back, and compares what it made with the
// current schema.
func checkBaselinePostgres(ctx context.Context, conn *sql.Conn, first []byte) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // the scratch schema must never be committed
	var current string
	if err := tx.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&current); err != nil {
		return err
	}
	const scratch = "motcua_baseline_check"
	for _, stmt := range []string{
		`CREATE SCHEMA ` + scratch,
		// Extensions and their operator classes stay where they are.
		`SET LOCAL search_path TO ` + scratch + `, ` + pq.QuoteIdentifier(current),
		string(first),
	} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("apply version 1 in a scratch schema: %w", err)
		}
	}
	want, err := shapePostgres(ctx, tx, scratch)
	if err != nil {
		return err
	}
	have, err := shapePostgres(ctx, tx, current)
	if err != nil {
		return err
	}
	return compareShapes(want, have)
}

func shapePostgres(ctx context.Context, tx *sql.Tx, schemaName string) (shape, error) {
	s := shape{}
	rows, err := tx.QueryContext(ctx, `SELECT table_name, column_name, udt_name, is_nullable
		FROM information_schema.columns WHERE table_schema = $1`, schemaName)
	if err != nil {
		return nil, fmt.Errorf("inspect columns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, column, typ, nullable string
		if err := rows.Scan(&table, &column, &typ, &nullable); err != nil {
			return nil, err
		}
		s.table(table).columns[column] = typ + " nullable=" + nullable
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	idx, err := tx.QueryContext(ctx, `SELECT tablename, indexname FROM pg_indexes WHERE schemaname = $1`, schemaName)
	if err != nil {
		return nil, fmt.Errorf("inspect indexes: %w", err)
	}
	defer idx.Close()
	for idx.Next() {
		var table, index string
		if err := idx.Scan(&table, &index); err != nil {
			return nil, err
		}
		s.table(table).indexes[index] = true
	}
	return s, idx.Err()
}

// checkBaselineSQLite applies version 1 to an in-memory database and
// compares what it made with the database's tables.
func checkBaselineSQLite(ctx context.Context, db *sql.DB, first []byte) error {
	ref, err := sql.Open("sqlite", "file:baseline?mode=memory")
	if err != nil {
		return err
	}
	defer ref.Close()
	ref.SetMaxOpenConns(1) // one connection: the one in-memory database
	if _, err := ref.ExecContext(ctx, string(first)); err != nil {
		return fmt.Errorf("apply version 1 in memory: %w", err)
	}
	want, err := shapeSQLite(ctx, ref)
	if err != nil {
		return err
	}
	have, err := shapeSQLite(ctx, db)
	if err != nil {
		return err
	}
	return compareShapes(want, have)
}

func shapeSQLite(ctx context.Context, db *sql.DB) (shape, error) {
	s := shape{}
	rows, err := db.QueryContext(ctx, `SELECT m.name, c.name, c.type, c."notnull"
		FROM sqlite_master m JOIN pragma_table_info(m.name) c
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'`)
	if err != nil {
		return nil, fmt.Errorf("inspect columns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, column, typ string
		var notNull bool
		if err := rows.Scan(&table, &column, &typ, &notNull); err != nil {
			return nil, err
		}
		s.table(table).columns[column] = fmt.Sprintf("%s notnull=%t", typ, notNull)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Named indexes only: SQLite's automatic ones (sql IS NULL) follow the table's constraints.
	idx, err := db.QueryContext(ctx, `SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("inspect indexes: %w", err)
	}
	defer idx.Close()
	for idx.Next() {
		var table, index string
		if err := idx.Scan(&table, &index); err != nil {
			return nil, err
		}
		s.table(table).indexes[index] = true
	}
	return s, idx.Err()
}

// compareShapes returns an error naming what have lacks or has differently
// from want. Tables that want does not know (River's) are not looked at.
func compareShapes(want, have shape) error {
	var diffs []string
	for _, table := range sortedKeys(want) {
		w, h := want[table], have[table]
		if h == nil {
			diffs = append(diffs, "table "+table+" is missing")
			continue
		}
		for _, col := range sortedKeys(w.columns) {
			switch got, ok := h.columns[col]; {
			case !ok:
				diffs = append(diffs, fmt.Sprintf("column %s.%s is missing", table, col))
			case got != w.columns[col]:
				diffs = append(diffs, fmt.Sprintf("column %s.%s is %s, not %s", table, col, got, w.columns[col]))
			}
		}
		for _, col := range sortedKeys(h.columns) {
			if _, ok := w.columns[col]; !ok {
				diffs = append(diffs, fmt.Sprintf("column %s.%s is unknown", table, col))
			}
		}
		for _, index := range sortedKeys(w.indexes) {
			if !h.indexes[index] {
				diffs = append(diffs, fmt.Sprintf("index %s of %s is missing", index, table))
			}
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	if len(diffs) > 8 {
		diffs = append(diffs[:8], fmt.Sprintf("and %d more", len(diffs)-8))
	}
	return fmt.Errorf("%s", strings.Join(diffs, "; "))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
