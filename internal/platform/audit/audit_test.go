package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/ent/auditevent"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy/viewer"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func record(t *testing.T, db *store.DB, ctx context.Context, n int) {
	t.Helper()
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		err := db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
			return audit.Record(ctx, tx, at.Add(time.Duration(i)*time.Second), audit.Entry{
				Action: "officer.grant", TargetType: "Officer", TargetID: "OF1", UnitPath: "/UN1/",
				Detail: map[string]any{"permissions": []any{"CREATE_CITIZEN_ACCOUNTS"}, "n": i},
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestChain(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		v := viewer.New(nil)
		v.AccountID = "ACactor"
		ctx := requestinfo.NewContext(viewer.NewContext(context.Background(), v), requestinfo.Info{ClientIP: "203.0.113.7"})
		record(t, db, ctx, 5)
		sys := viewer.System(context.Background())

		broken, n, err := audit.Verify(sys, db.Client)
		if err != nil || broken != nil || n != 5 {
			t.Fatalf("intact chain: broken %+v, %d checked, %v", broken, n, err)
		}
		first, err := db.Client.AuditEvent.Query().Where(auditevent.Seq(1)).Only(sys)
		if err != nil {
			t.Fatal(err)
		}
		if first.Actor != "ACactor" || first.ClientIP != "203.0.113.7" || first.PrevHash == "" || first.Hash == "" {
			t.Fatalf("first event %+v", first)
		}

		// Tampering with the content of event 3 is found at event 3.
		if _, err := db.SQL.ExecContext(sys, `UPDATE audit_events SET action = 'officer.revoke' WHERE seq = 3`); err != nil {
			t.Fatal(err)
		}
		broken, _, err = audit.Verify(sys, db.Client)
		if err != nil || broken == nil || broken.Seq != 3 {
			t.Fatalf("altered event: broken %+v, %v", broken, err)
		}
		if _, err := db.SQL.ExecContext(sys, `UPDATE audit_events SET action = 'officer.grant' WHERE seq = 3`); err != nil {
			t.Fatal(err)
		}
		// Deleting event 2 is found at 2.
		if _, err := db.SQL.ExecContext(sys, `DELETE FROM audit_events WHERE seq = 2`); err != nil {
			t.Fatal(err)
		}
		broken, _, err = audit.Verify(sys, db.Client)
		if err != nil || broken == nil || broken.Seq != 2 {
			t.Fatalf("deleted event: broken %+v, %v", broken, err)
		}
	})
}

// TestAppendOnly: the privacy policy refuses changes to audit events from
// anyone but the system, and reads outside an admin's scope.
func TestAppendOnly(t *testing.T) {
	db := testenv.SQLite(t)
	record(t, db, viewer.System(context.Background()), 1)
	v := viewer.New(nil)
	v.AccountID = "ACsomeone"
	ctx := viewer.NewContext(context.Background(), v)
	if _, err := db.Client.AuditEvent.Delete().Exec(ctx); err == nil {
		t.Fatal("a signed-in account deleted audit events")
	}
	if n, err := db.Client.AuditEvent.Query().Count(ctx); err == nil && n > 0 {
		t.Fatalf("an account without scope read %d audit events", n)
	}
}

func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		ctx := viewer.System(context.Background())
		done := make(chan error, 8)
		for w := 0; w < 8; w++ {
			go func() {
				var err error
				for i := 0; i < 5 && err == nil; i++ {
					err = db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
						return audit.Record(ctx, tx, time.Now(), audit.Entry{Action: "x", TargetType: "T", TargetID: "1"})
					})
				}
				done <- err
			}()
		}
		for w := 0; w < 8; w++ {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
		broken, n, err := audit.Verify(ctx, db.Client)
		if err != nil || broken != nil || n != 40 {
			t.Fatalf("after concurrent appends: broken %+v, %d events, %v", broken, n, err)
		}
	})
}
