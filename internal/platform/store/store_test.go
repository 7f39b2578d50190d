package store_test

import (
	"context"
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
