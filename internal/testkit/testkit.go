// Package testkit is what tests of several packages share: the system
// context, refusal assertions and a fake clock. Fakes of the platform
// (outbox, bus) are in testkit/fakes and files in testkit/fixtures, so that
// this package imports only rules, policy and platform/events (which imports
// nothing of the module) and any package's tests may use it.
package testkit

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy/viewer"
)

// System is a context acting as the product itself (CLI, seed, jobs): the
// privacy rules let it read and write everything.
func System() context.Context { return viewer.System(context.Background()) }

// Refused fails the test unless err is a refusal with code and a message
// in both languages, and returns it.
func Refused(t testing.TB, err error, code refusal.Code) *refusal.Error {
	t.Helper()
	r, ok := refusal.As(err)
	if !ok {
		t.Fatalf("want refusal %s, got %v", code, err)
	}
	if r.Code != code {
		t.Fatalf("want refusal %s, got %s: %s", code, r.Code, r.EN)
	}
	if r.VI == "" || r.EN == "" {
		t.Fatalf("refusal %s lacks a message: VI=%q EN=%q", code, r.VI, r.EN)
	}
	return r
}

// RefusedOn is Refused that also wants the refusal about field.
func RefusedOn(t testing.TB, err error, code refusal.Code, field string) *refusal.Error {
	t.Helper()
	r := Refused(t, err, code)
	if r.Field != field {
		t.Fatalf("refusal %s: want field %q, got %q (%s)", code, field, r.Field, r.EN)
	}
	return r
}

// RefusedCleanly fails the test unless err is a validation refusal about
// field with a message in both languages that does not repeat the personal
// input it refuses (six or more of its digits).
func RefusedCleanly(t testing.TB, err error, field, input string) *refusal.Error {
	t.Helper()
	r, ok := refusal.As(err)
	if !ok {
		t.Fatalf("%+q: error %v (%T) is not a refusal", input, err, err)
	}
	if r.Code != refusal.Validation || r.Field != field {
		t.Fatalf("%+q: refusal %s on %q, want %s on %q", input, r.Code, r.Field, refusal.Validation, field)
	}
	if r.VI == "" || r.EN == "" {
		t.Fatalf("%+q: message missing: VI=%q EN=%q", input, r.VI, r.EN)
	}
	if digits := onlyDigits(input); len(digits) >= 6 && (strings.Contains(r.VI, digits) || strings.Contains(r.EN, digits)) {
		t.Fatalf("%+q: the message repeats the input: VI=%q EN=%q", input, r.VI, r.EN)
	}
	return r
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Clock is a fake clock that moves only when told; safe for concurrent use.
// Its Now method is what services take as their clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock is a clock reading start.
func NewClock(start time.Time) *Clock { return &Clock{t: start} }

// Now is the clock's reading.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Ends records the reasons a live stream (a subscription of the SMS
// activity, of a registration's events) was ended with: pass its OnEnd as
// the stream's onEnd. The zero value is ready to use.
type Ends struct {
	mu  sync.Mutex
	got []*refusal.Error
}

// OnEnd records r.
func (e *Ends) OnEnd(r *refusal.Error) { e.mu.Lock(); defer e.mu.Unlock(); e.got = append(e.got, r) }

// Codes are the codes of the reasons recorded, oldest first.
func (e *Ends) Codes() []refusal.Code {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []refusal.Code
	for _, r := range e.got {
		out = append(out, r.Code)
	}
	return out
}

// CountingBus is Bus counting the subscriptions made on it.
type CountingBus struct {
	events.Bus
	n atomic.Int64
}

// Subscribe counts, and subscribes on the Bus.
func (b *CountingBus) Subscribe(ctx context.Context, topics ...string) (<-chan events.Event, error) {
	b.n.Add(1)
	return b.Bus.Subscribe(ctx, topics...)
}

// Subscriptions is how many subscriptions were made.
func (b *CountingBus) Subscriptions() int64 { return b.n.Load() }
