package audit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/ent/auditevent"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/jobs"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy/viewer"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// guard bounds every wait so that a bug fails one test instead of hanging
// the run; no test relies on it elapsing.
const guard = 30 * time.Second

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

func sealAll(t *testing.T, db *store.DB) int {
	t.Helper()
	n, err := audit.SealAll(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func verify(t *testing.T, db *store.DB) audit.Report {
	t.Helper()
	rep, err := audit.Verify(context.Background(), db.Client)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func exec(t *testing.T, db *store.DB, q string) {
	t.Helper()
	if _, err := db.SQL.ExecContext(context.Background(), q); err != nil {
		t.Fatal(err)
	}
}

// TestChain: recorded events are unsealed until sealed, then one intact
// chain; tampering with it is found at the first broken link.
func TestChain(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		v := viewer.New(nil)
		v.AccountID = "ACactor"
		ctx := requestinfo.NewContext(viewer.NewContext(context.Background(), v), requestinfo.Info{ClientIP: "203.0.113.7"})
		record(t, db, ctx, 5)

		// Appended, not yet chained: Verify says so.
		if rep := verify(t, db); rep.Broken != nil || rep.Checked != 0 || rep.Unsealed != 5 {
			t.Fatalf("before sealing: %+v", rep)
		}
		if n := sealAll(t, db); n != 5 {
			t.Fatalf("sealed %d events, want 5", n)
		}
		if rep := verify(t, db); rep.Broken != nil || rep.Checked != 5 || rep.Unsealed != 0 {
			t.Fatalf("intact chain: %+v", rep)
		}
		sys := viewer.System(context.Background())
		first, err := db.Client.AuditEvent.Query().Where(auditevent.Seq(1)).Only(sys)
		if err != nil {
			t.Fatal(err)
		}
		if first.Actor != "ACactor" || first.ClientIP != "203.0.113.7" || first.PrevHash == "" || first.Hash == "" ||
			first.Detail["n"] != float64(0) {
			t.Fatalf("first event %+v", first)
		}

		// A later append is reported as the unsealed tail of an intact chain.
		record(t, db, ctx, 2)
		if rep := verify(t, db); rep.Broken != nil || rep.Checked != 5 || rep.Unsealed != 2 {
			t.Fatalf("with an unsealed tail: %+v", rep)
		}
		sealAll(t, db)

		tamper(t, db)
	})
}

// tamper alters, swaps, unseals and deletes events of a sealed chain of 7
// and checks that Verify finds each at the first broken link.
func tamper(t *testing.T, db *store.DB) {
	t.Helper()
	// Tampering with the content of event 3 is found at event 3.
	exec(t, db, `UPDATE audit_events SET action = 'officer.revoke' WHERE seq = 3`)
	if b := verify(t, db).Broken; b == nil || b.Seq != 3 {
		t.Fatalf("altered event: broken %+v", b)
	}
	exec(t, db, `UPDATE audit_events SET action = 'officer.grant' WHERE seq = 3`)
	if rep := verify(t, db); rep.Broken != nil || rep.Checked != 7 {
		t.Fatalf("restored: %+v", rep)
	}

	// Swapping events 2 and 4 is found at 2.
	exec(t, db, `UPDATE audit_events SET seq = -4 WHERE seq = 4`)
	exec(t, db, `UPDATE audit_events SET seq = 4 WHERE seq = 2`)
	exec(t, db, `UPDATE audit_events SET seq = 2 WHERE seq = -4`)
	if b := verify(t, db).Broken; b == nil || b.Seq != 2 {
		t.Fatalf("reordered events: broken %+v", b)
	}
	exec(t, db, `UPDATE audit_events SET seq = -2 WHERE seq = 2`)
	exec(t, db, `UPDATE audit_events SET seq = 2 WHERE seq = 4`)
	exec(t, db, `UPDATE audit_events SET seq = 4 WHERE seq = -2`)

	// Unsealing event 2 (so that the sealer chains it again at the end)
	// is found at 2, and so is deleting it.
	exec(t, db, `UPDATE audit_events SET seq = NULL, prev_hash = '', hash = '' WHERE seq = 2`)
	sealAll(t, db)
	if b := verify(t, db).Broken; b == nil || b.Seq != 2 || b.Reason != "event 2 is missing" {
		t.Fatalf("event moved to the end: broken %+v", b)
	}
	exec(t, db, `DELETE FROM audit_events WHERE seq = 8`)
	if b := verify(t, db).Broken; b == nil || b.Seq != 2 {
		t.Fatalf("deleted event: broken %+v", b)
	}
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

// TestWritersDoNotWait: on PostgreSQL an audited write commits while
// another audited transaction is still open (with the chain's former
// advisory lock it waited for that one to end). The open one, which took
// the lower append number, commits after the sealer chained the other:
// the sealer chains it next, it is not skipped.
func TestWritersDoNotWait(t *testing.T) {
	db := testenv.Postgres(t)
	ctx, cancel := context.WithTimeout(viewer.System(context.Background()), guard)
	defer cancel()
	entry := func(id string) audit.Entry { return audit.Entry{Action: "x", TargetType: "T", TargetID: id} }

	recorded, release, firstDone := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		firstDone <- db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
			if err := audit.Record(ctx, tx, time.Now(), entry("first")); err != nil {
				return err
			}
			close(recorded)
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	<-recorded
	err := db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		return audit.Record(ctx, tx, time.Now(), entry("second"))
	})
	if err != nil {
		t.Fatalf("a writer waited for another's transaction: %v", err)
	}
	if n := sealAll(t, db); n != 1 {
		t.Fatalf("sealed %d events while the first was uncommitted, want 1", n)
	}
	close(release)
	if err := <-firstDone; err != nil {
		t.Fatal(err)
	}
	if n := sealAll(t, db); n != 1 {
		t.Fatalf("sealed %d events after the first committed, want 1", n)
	}
	if rep := verify(t, db); rep.Broken != nil || rep.Checked != 2 || rep.Unsealed != 0 {
		t.Fatalf("chain: %+v", rep)
	}
	sys := viewer.System(context.Background())
	for seq, target := range map[int64]string{1: "second", 2: "first"} {
		if ev := db.Client.AuditEvent.Query().Where(auditevent.Seq(seq)).OnlyX(sys); ev.TargetID != target {
			t.Errorf("event %d is %q, want %q (sealed in commit order)", seq, ev.TargetID, target)
		}
	}
}

// TestConcurrentAppendsKeepOneChain: 100 writers append while a sealer
// seals over and over; every event ends up in one chain, once, and a
// rolled-back append leaves no trace in it.
func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithTimeout(viewer.System(context.Background()), 2*guard)
		defer cancel()
		const writers, each = 100, 3
		sealing, stopSealing := context.WithCancel(ctx)
		sealErr := make(chan error, 1)
		go func() { sealErr <- sealUntilDone(sealing, db) }()
		errs := make(chan error, writers)
		var wg sync.WaitGroup
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := appendThenRollBack(ctx, db, w, each); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		stopSealing()
		if err := <-sealErr; err != nil {
			t.Fatal(err)
		}
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		sealAll(t, db)
		if rep := verify(t, db); rep.Broken != nil || rep.Checked != writers*each || rep.Unsealed != 0 {
			t.Fatalf("after concurrent appends: %+v", rep)
		}
		n, err := db.Client.AuditEvent.Query().Count(ctx)
		if err != nil || n != writers*each {
			t.Fatalf("%d events stored, want %d (%v)", n, writers*each, err)
		}
	})
}

// sealUntilDone seals over and over until ctx is done.
func sealUntilDone(ctx context.Context, db *store.DB) error {
	for ctx.Err() == nil {
		if _, err := audit.Seal(ctx, db, 50); err != nil && ctx.Err() == nil {
			return err
		}
	}
	return nil
}

// appendThenRollBack is writer w: it appends each events, one transaction
// each, then one more in a transaction that rolls back.
func appendThenRollBack(ctx context.Context, db *store.DB, w, each int) error {
	for i := 0; i < each; i++ {
		err := db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
			return audit.Record(ctx, tx, time.Now(), audit.Entry{Action: "x", TargetType: "T", TargetID: fmt.Sprint(w, "/", i)})
		})
		if err != nil {
			return err
		}
	}
	rolledBack := errors.New("rolled back")
	err := db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		if err := audit.Record(ctx, tx, time.Now(), audit.Entry{Action: "x", TargetType: "T", TargetID: "never"}); err != nil {
			return err
		}
		return rolledBack
	})
	if !errors.Is(err, rolledBack) {
		return err
	}
	return nil
}

// TestSealerSealsInTheBackground: with the sealer registered on the job
// runner and running, recorded events get sealed without anyone calling
// Seal (the nudge after the commit, or the periodic job).
func TestSealerSealsInTheBackground(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), guard)
		defer cancel()
		if err := jobs.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		r := jobs.New(db, jobs.Config{PollInterval: 50 * time.Millisecond})
		s, err := audit.NewSealer(audit.SealerConfig{DB: db, Jobs: r, Every: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer func() {
			stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := r.Stop(stop); err != nil {
				t.Error(err)
			}
		}()
		go s.Run(ctx)
		record(t, db, viewer.System(ctx), 3)
		for {
			rep := verify(t, db)
			if rep.Broken != nil {
				t.Fatalf("chain: %+v", rep)
			}
			if rep.Checked == 3 && rep.Unsealed == 0 {
				return
			}
			select {
			case <-ctx.Done():
				t.Fatalf("never sealed: %+v", rep)
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
}
