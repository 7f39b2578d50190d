package audit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/fakes"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy/viewer"
)

// TestWrite: a committed change is in the trail and published, with the
// change's time on events that have none; published only after the commit;
// a failed one leaves neither.
func TestWrite(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
		bus := &fakes.Bus{}
		publishedInside := -1
		err := audit.Write(ctx, db, bus, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
			tx.OnCommit(func() { publishedInside = len(bus.Events()) })
			c.Record(at, audit.Entry{Action: "unit.test", TargetType: "Unit", TargetID: "UN1"})
			c.Publish(events.Event{Topic: events.TopicPolicy, ID: "UN1"}, events.Event{Topic: events.TopicPolicy, ID: "UN2", At: at.Add(time.Second)})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if publishedInside != 0 {
			t.Errorf("%d events were published before the commit's hooks ran", publishedInside)
		}
		evs := bus.Events()
		if len(evs) != 2 || !evs[0].At.Equal(at) || !evs[1].At.Equal(at.Add(time.Second)) {
			t.Errorf("published %+v, want UN1 at the change's time and UN2 at its own", evs)
		}
		n, err := db.Client.AuditEvent.Query().Count(viewer.System(ctx))
		if err != nil || n != 1 {
			t.Errorf("trail holds %d events (%v), want 1", n, err)
		}

		refused := errors.New("refused")
		err = audit.Write(ctx, db, bus, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
			c.Record(at, audit.Entry{Action: "unit.test"})
			c.Publish(events.Event{Topic: events.TopicPolicy})
			return refused
		})
		if !errors.Is(err, refused) {
			t.Errorf("failed Write = %v, want the refusal", err)
		}
		if len(bus.Events()) != 2 {
			t.Errorf("a failed change was published: %+v", bus.Events())
		}
		if n, _ := db.Client.AuditEvent.Query().Count(viewer.System(ctx)); n != 1 {
			t.Errorf("trail holds %d events after a failed change, want 1", n)
		}
	})
}
