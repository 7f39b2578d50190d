package smsqueue

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/smsmessage"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy/viewer"
)

// postgresBus starts a LISTEN/NOTIFY bus on db, closed with the test.
func postgresBus(t testing.TB, db *store.DB) *events.Postgres {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	bus, err := events.NewPostgres(ctx, db.DSN, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	return bus
}

// replicaOf opens a second connection pool on db's database: another process.
func replicaOf(t testing.TB, db *store.DB) *store.DB {
	t.Helper()
	other, err := store.Open(context.Background(), db.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return other
}

func TestTwoReplicasSendEachMessageOnce(t *testing.T) {
	dbA := testenv.Postgres(t)
	dbB := replicaOf(t, dbA)
	a := newEnv(t, dbA, options{bus: postgresBus(t, dbA)})
	b := newEnv(t, dbB, options{bus: postgresBus(t, dbB), fx: &a.fx})
	a.start(t)
	b.start(t)

	const n = 50
	var ids []pulid.ID
	for i := range n {
		e := a
		if i%2 == 1 {
			e = b
		}
		ids = append(ids, e.enqueue(t, e.otp(phone)).ID)
	}
	sys := viewer.System(context.Background())
	deadline := time.Now().Add(guard)
	for {
		sent, err := dbA.Client.SMSMessage.Query().Where(smsmessage.StatusEQ(sms.Sent)).Count(sys)
		if err != nil {
			t.Fatal(err)
		}
		if sent == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d messages SENT after %v", sent, n, guard)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, id := range ids {
		if calls := a.prov.calls(id) + b.prov.calls(id); calls != 1 {
			t.Errorf("message %s sent %d times (A %d, B %d), want once", id, calls, a.prov.calls(id), b.prov.calls(id))
		}
	}
	if total := a.prov.total() + b.prov.total(); total != n {
		t.Errorf("%d sends in all, want %d", total, n)
	}
	t.Logf("replica A sent %d, replica B sent %d", a.prov.total(), b.prov.total())

	// A change made on replica B reaches a subscriber on replica A.
	onA := collect(t, a.bus, events.TopicSMS)
	if err := b.q.Receive(context.Background(), sms.Receipt{MessageID: string(ids[0]), Status: sms.Delivered}); err != nil {
		t.Fatal(err)
	}
	for {
		e := next(t, onA) // SENT events of the run may still be on their way
		if e.ID == string(ids[0]) && e.Status == "DELIVERED" {
			break
		}
	}
}
