package stats

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy"
)

// TestChangedIsScopedAndDebounced: a burst of changes within scope gives
// one event at once and one merged event after the period; changes outside
// the scope give none; who may not read statistics may not subscribe.
func TestChangedIsScopedAndDebounced(t *testing.T) {
	s := New(Config{DebounceEvery: 100 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in := make(chan events.Event, 10)
	out := make(chan *Change, 10)
	go s.debounce(ctx, in, out, policy.Scope{Paths: []string{"/UNa/"}})

	in <- events.Event{Topic: Topic, ID: "/UNb/UNb1/"} // another province's
	for range 3 {
		in <- events.Event{Topic: Topic, ID: "/UNa/UNa1/"}
	}
	<-out // the first, at once
	<-out // the other two, merged, after the period
	in <- events.Event{Topic: Topic, ID: "/UNb/UNb2/"}
	select {
	case c := <-out:
		t.Fatalf("a third event (%v) for one burst and an out-of-scope change", c)
	case <-time.After(400 * time.Millisecond):
	}

	db := testenv.SQLite(t)
	w := newWorld(t, db)
	if _, err := w.svc.Changed(w.as(w.plainOfficer), nil); !refusal.Is(err, refusal.Forbidden) {
		t.Errorf("officer subscribes: %v", err)
	}
	provA := w.provA.ID
	if _, err := w.svc.Changed(w.as(w.adminB), &provA); !refusal.Is(err, refusal.OutOfScope) {
		t.Errorf("admin B subscribes to A: %v", err)
	}
}
