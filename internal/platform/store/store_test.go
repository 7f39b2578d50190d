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
