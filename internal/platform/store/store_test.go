package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy/viewer"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestInTx(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		ctx := viewer.System(context.Background())
		committed := false
		err := db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
			u, err := tx.Client.Unit.Create().SetCode("000.00.00.H99").SetName("Tỉnh Thử").
				SetNameFolded("tinh thu").SetKind(unit.KindPROVINCE).SetPath("/x/").Save(ctx)
			if err != nil {
				return err
			}
			// UpdateOne would open its own transaction; inside InTx it joins ours.
			if _, err := tx.Client.Unit.UpdateOne(u).SetName("Tỉnh Thử Nghiệm").Save(ctx); err != nil {
				return err
			}
			tx.OnCommit(func() { committed = true })
			return nil
		})
		if err != nil || !committed {
			t.Fatalf("InTx: %v, hook ran: %v", err, committed)
		}
		// A failing function rolls everything back and runs no hook.
		boom := errors.New("boom")
		hook := false
		err = db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
			if _, err := tx.Client.Unit.Update().SetName("changed").Save(ctx); err != nil {
				return err
			}
			tx.OnCommit(func() { hook = true })
			return boom
		})
		if !errors.Is(err, boom) || hook {
			t.Fatalf("failing InTx: %v, hook ran: %v", err, hook)
		}
		u, err := db.Client.Unit.Query().Only(ctx)
		if err != nil || u.Name != "Tỉnh Thử Nghiệm" {
			t.Fatalf("after rollback: %v %v", u, err)
		}
	})
}

func TestOpenRefusesUnknownURL(t *testing.T) {
	if _, err := store.Open(context.Background(), "mysql://x"); err == nil {
		t.Fatal("mysql:// accepted")
	}
}

// TestPostgresKeepsItsConnections: after a burst of 30 concurrent
// connections, all 30 stay open for the next burst instead of being closed
// and opened again (a PostgreSQL backend's start costs more than a query).
func TestPostgresKeepsItsConnections(t *testing.T) {
	db := testenv.Postgres(t)
	ctx := context.Background()
	const burst = 30
	conns := make([]*sql.Conn, 0, burst)
	for range burst {
		c, err := db.SQL.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if st := db.SQL.Stats(); st.Idle != burst || st.MaxIdleClosed != 0 {
		t.Errorf("after a burst of %d: %d idle, %d closed for the idle limit; want all %d kept", burst, st.Idle, st.MaxIdleClosed, burst)
	}
}

// TestPostgresStatementsStayPrepared: a query with parameters is prepared
// once per connection and run again from the cache (PostgreSQL lists it in
// pg_prepared_statements); queries keep working across transactions,
// rollbacks and errors.
func TestPostgresStatementsStayPrepared(t *testing.T) {
	ctx := context.Background()
	conn := postgresConn(t)
	const q = `SELECT count(*) FROM units WHERE code <> $1`
	prepared := func() int {
		t.Helper()
		var n int
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM pg_prepared_statements WHERE statement = $1`, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for range 3 {
		var n int
		if err := conn.QueryRowContext(ctx, q, "x").Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	if n := prepared(); n != 1 {
		t.Fatalf("after three runs the statement is prepared %d times, want once", n)
	}

	// A rolled-back transaction and a failed statement leave the cache usable.
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `SELECT 1/$1::int`, 0); err == nil {
		t.Fatal("division by zero succeeded")
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := conn.QueryRowContext(ctx, q, "x").Scan(&n); err != nil {
		t.Fatalf("after a rollback: %v", err)
	}
}

// TestPostgresStaleStatementIsPreparedAgain: a migration that changes what
// a prepared statement returns fails its next run at most once (PostgreSQL's
// "cached plan must not change result type"); the one after prepares it anew.
func TestPostgresStaleStatementIsPreparedAgain(t *testing.T) {
	ctx := context.Background()
	conn := postgresConn(t)
	const q2 = `SELECT * FROM stmtcache_probe WHERE id = $1`
	if _, err := conn.ExecContext(ctx, `CREATE TABLE stmtcache_probe (id int)`); err != nil {
		t.Fatal(err)
	}
	query := func() ([]string, error) {
		rows, err := conn.QueryContext(ctx, q2, 1)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		return rows.Columns()
	}
	if _, err := query(); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `ALTER TABLE stmtcache_probe ADD COLUMN name text`); err != nil {
		t.Fatal(err)
	}
	cols, err := query() // may fail once: "cached plan must not change result type"
	if err != nil {
		t.Logf("first run after the migration: %v", err)
		if cols, err = query(); err != nil {
			t.Fatalf("the stale statement was not prepared again: %v", err)
		}
	}
	if len(cols) != 2 {
		t.Errorf("columns %v, want id and name", cols)
	}
}

// postgresConn is one connection of a migrated PostgreSQL store, closed
// with the test.
func postgresConn(t *testing.T) *sql.Conn {
	t.Helper()
	conn, err := testenv.Postgres(t).SQL.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}
