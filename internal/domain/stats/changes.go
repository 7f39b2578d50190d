package stats

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// Change says that figures within a subscriber's scope changed (type
// StatisticsChange); the screen re-reads what it shows.
type Change struct {
	At time.Time
}

// Changed streams a Change whenever the roll-ups of a desk within the
// viewer's scope (or unitID's subtree) change, at most one every
// Config.DebounceEvery (5 s): changes that arrive sooner are merged into one sent when
// the period is over. A resync of the bus counts as a change.
func (s *Service) Changed(ctx context.Context, unitID *pulid.ID) (<-chan *Change, error) {
	_, scope, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	if unitID != nil {
		u, err := s.db.Client.Unit.Get(viewer.System(ctx), *unitID)
		if ent.IsNotFound(err) {
			return nil, errUnitNotFound
		}
		if err != nil {
			return nil, fmt.Errorf("stats: unit: %w", err)
		}
		if !scope.Covers(u.Path) {
			return nil, errUnitOutOfScope(u.Name)
		}
		scope = policy.Scope{Paths: []string{u.Path}}
	}
	in, err := s.bus.Subscribe(ctx, Topic)
	if err != nil {
		return nil, fmt.Errorf("stats: subscribe: %w", err)
	}
	out := make(chan *Change, 1)
	go s.debounce(ctx, in, out, scope)
	return out, nil
}

// debounce forwards the events of scope from in to out, one per period.
func (s *Service) debounce(ctx context.Context, in <-chan events.Event, out chan<- *Change, scope policy.Scope) {
	defer close(out)
	var last time.Time
	var timer <-chan time.Time
	pending := false
	send := func() bool {
		select {
		case out <- &Change{At: s.now()}:
			last, pending, timer = time.Now(), false, nil
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-in:
			if !ok {
				return
			}
			if e.Topic != events.TopicResync && !scope.Covers(e.ID) {
				continue
			}
			if wait := s.debounceEvery - time.Since(last); wait > 0 {
				if !pending {
					pending, timer = true, time.After(wait)
				}
				continue
			}
			if !send() {
				return
			}
		case <-timer:
			if !send() {
				return
			}
		}
	}
}
