package events

import (
	"context"
	"fmt"
	"sync"
)

// subscriberBuffer is how many events a subscriber may fall behind before it loses them
// and gets TopicResync instead. A screen re-reads state on resync, so a small buffer only
// costs an extra read under bursts.
const subscriberBuffer = 64

// Local is the in-process bus: it fans events out to the subscribers of this process.
// It serves a single instance on its own, and is the local half of Postgres.
type Local struct {
	mu     sync.Mutex // guards subs and closed; every send and close of a subscriber channel happens under it
	subs   map[*subscription]struct{}
	closed bool
}

type subscription struct {
	topics map[string]bool // nil means every topic
	ch     chan Event
	stop   func() bool // cancels the context.AfterFunc that ends the subscription
}

var _ Bus = (*Local)(nil)

// NewLocal returns an empty in-process bus.
func NewLocal() *Local {
	return &Local{subs: make(map[*subscription]struct{})}
}

// Publish delivers e to the subscribers of e.Topic in this process without waiting for any.
func (l *Local) Publish(_ context.Context, e Event) error {
	if _, err := encode(e); err != nil { // same limits as on PostgreSQL
		return err
	}
	if !l.deliver(e) {
		return ErrClosed
	}
	return nil
}

// Subscribe returns a channel of the events of topics (every topic when none are given)
// and of TopicResync. It is closed when ctx is done or the bus is closed.
func (l *Local) Subscribe(ctx context.Context, topics ...string) (<-chan Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("events: subscribe: %w", err)
	}
	s := &subscription{ch: make(chan Event, subscriberBuffer)}
	if len(topics) > 0 {
		s.topics = make(map[string]bool, len(topics))
		for _, t := range topics {
			s.topics[t] = true
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrClosed
	}
	l.subs[s] = struct{}{}
	// No goroutine waits per subscription: the runtime calls unsubscribe when ctx is done.
	s.stop = context.AfterFunc(ctx, func() { l.unsubscribe(s) })
	return s.ch, nil
}

// Close closes every subscriber channel. Later Publish and Subscribe calls return ErrClosed.
func (l *Local) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	for s := range l.subs {
		s.stop()
		close(s.ch)
	}
	l.subs = nil
	return nil
}

func (l *Local) unsubscribe(s *subscription) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.subs[s]; ok {
		delete(l.subs, s)
		close(s.ch)
	}
}

// deliver hands e to every interested subscriber; it reports false when the bus is closed.
// TopicResync goes to every subscriber.
func (l *Local) deliver(e Event) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	for s := range l.subs {
		if s.topics == nil || s.topics[e.Topic] || e.Topic == TopicResync {
			s.send(e)
		}
	}
	return true
}

// send never blocks. When the buffer is full the subscriber has fallen behind: everything
// buffered is dropped and replaced by one TopicResync, since re-reading the state covers
// the dropped events and e alike (events are published after commit).
// Only deliver sends, under Local.mu, so after draining there is room for the resync.
func (s *subscription) send(e Event) {
	select {
	case s.ch <- e:
		return
	default:
	}
	for drained := false; !drained; {
		select {
		case <-s.ch:
		default:
			drained = true
		}
	}
	s.ch <- Event{Topic: TopicResync}
}
