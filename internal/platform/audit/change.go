package audit

import (
	"context"
	"log/slog"
	"time"

	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/store"
)

// Change is what one transaction changed: the entries the trail records in
// that transaction, and the events subscribers hear once it committed.
// A Change left empty records and publishes nothing (nothing changed).
type Change struct {
	// At is the time of the entries, and of each event whose At is zero.
	At      time.Time
	Entries []Entry
	Events  []events.Event
}

// Record says that the trail records es, which happened at at.
func (c *Change) Record(at time.Time, es ...Entry) {
	c.At = at
	c.Entries = append(c.Entries, es...)
}

// Publish says that evs are published once the transaction committed.
func (c *Change) Publish(evs ...events.Event) { c.Events = append(c.Events, evs...) }

// Write runs fn in one transaction of db: fn checks and writes and says in
// c what changed; Write records c's entries in the same transaction and,
// once the transaction committed, publishes c's events on bus (nil: no
// bus). When fn fails, nothing is written, recorded or published.
func Write(ctx context.Context, db *store.DB, bus events.Bus, fn func(ctx context.Context, tx *store.Tx, c *Change) error) error {
	return db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		var c Change
		if err := fn(ctx, tx, &c); err != nil {
			return err
		}
		return c.Apply(ctx, tx, bus)
	})
}

// Apply records c's entries inside tx and queues its events for
// publication on bus after the commit: Write's second half, for a step that
// runs inside a transaction its caller opened.
func (c Change) Apply(ctx context.Context, tx *store.Tx, bus events.Bus) error {
	for _, e := range c.Entries {
		if err := Record(ctx, tx, c.At, e); err != nil {
			return err
		}
	}
	if bus == nil || len(c.Events) == 0 {
		return nil
	}
	evs := make([]events.Event, len(c.Events))
	for i, ev := range c.Events {
		if ev.At.IsZero() {
			ev.At = c.At
		}
		evs[i] = ev
	}
	ctx = context.WithoutCancel(ctx)
	tx.OnCommit(func() {
		for _, ev := range evs {
			// The bus is a hint: subscribers re-read, and resync when they
			// missed something. The change is committed; a lost event
			// costs a subscriber a late refresh, so it is logged, not undone.
			if err := bus.Publish(ctx, ev); err != nil {
				slog.Warn("audit: publish after commit", "topic", ev.Topic, "id", ev.ID, "err", err)
			}
		}
	})
	return nil
}
