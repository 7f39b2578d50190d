package smsqueue

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy"
)

func recv[T any](t testing.TB, ch <-chan T) T {
	t.Helper()
	select {
	case v, ok := <-ch:
		if !ok {
			t.Fatal("channel closed, want a value")
		}
		return v
	case <-time.After(guard):
		t.Fatalf("nothing within %v", guard)
	}
	var zero T
	return zero
}

// closed waits for ch to be closed, failing on any value.
func closed[T any](t testing.TB, ch <-chan T) {
	t.Helper()
	select {
	case v, ok := <-ch:
		if ok {
			t.Fatalf("got %+v, want the channel closed", v)
		}
	case <-time.After(guard):
		t.Fatalf("channel not closed within %v", guard)
	}
}

// assertNoGoroutineLeak waits, a bounded number of times, for goroutines
// that are merely finishing; only one that never exits fails the test.
func assertNoGoroutineLeak(t testing.TB, before int) {
	t.Helper()
	var now int
	for range 300 {
		if now = runtime.NumGoroutine(); now <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<20)
	t.Errorf("goroutines: %d before, %d after\n%s", before, now, buf[:runtime.Stack(buf, true)])
}

func publish(t testing.TB, bus events.Bus, e events.Event) {
	t.Helper()
	if err := bus.Publish(context.Background(), e); err != nil {
		t.Fatal(err)
	}
}

// TestSMSActivity: the feed carries the messages within the viewer's scope
// as they change, narrows to a unit's subtree, and ends when the session is
// revoked, leaving no goroutine behind.
func TestSMSActivity(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{})
		at := func(path string) Outgoing {
			o := e.otp(phone)
			o.RegistrationID, o.UnitPath = nil, path
			return o
		}

		t.Run("messages within scope, as they change", func(t *testing.T) {
			before := runtime.NumGoroutine()
			ctx, cancel := context.WithCancel(e.fx.as(context.Background(), e.fx.admin, "SE1"))
			defer cancel()
			ch, err := e.q.SMSActivity(ctx, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			outside := e.enqueue(t, at(e.fx.other.Path))
			inside := e.enqueue(t, at(e.fx.desk.Path))
			if m := recv(t, ch); m.ID != inside.ID || m.Status != "QUEUED" {
				t.Fatalf("got %s %s, want %s QUEUED (and never %s, outside the scope)", m.ID, m.Status, inside.ID, outside.ID)
			}
			if err := e.q.send(context.Background(), inside.ID, 1, 10); err != nil {
				t.Fatal(err)
			}
			for i := range 2 { // SENDING and SENT, each re-read: the first may show SENT
				if m := recv(t, ch); m.ID != inside.ID || (i == 1 && m.Status != "SENT") {
					t.Fatalf("event %d: %s %s, want %s ending at SENT", i, m.ID, m.Status, inside.ID)
				}
			}
			cancel()
			closed(t, ch)
			assertNoGoroutineLeak(t, before)
		})

		t.Run("narrowed to a unit's subtree; closed on revocation", func(t *testing.T) {
			before := runtime.NumGoroutine()
			ctx := e.fx.as(context.Background(), e.fx.admin, "SE-admin")
			var why testkit.Ends
			ch, err := e.q.SMSActivity(ctx, &e.fx.desk.ID, why.OnEnd)
			if err != nil {
				t.Fatal(err)
			}
			province := e.enqueue(t, at(e.fx.province.Path))
			desk := e.enqueue(t, at(e.fx.desk.Path))
			if m := recv(t, ch); m.ID != desk.ID {
				t.Fatalf("got %s, want the desk's %s (not the province's %s)", m.ID, desk.ID, province.ID)
			}
			publish(t, e.bus, events.Event{Topic: events.TopicSession, ID: "SE-admin"})
			closed(t, ch)
			if got := why.Codes(); len(got) != 1 || got[0] != refusal.Unauthenticated {
				t.Errorf("onEnd got %v, want [UNAUTHENTICATED]", got)
			}
			assertNoGoroutineLeak(t, before)
		})
	})
}

// TestSMSActivityRefused: the feed refuses the anonymous, officers without
// the monitor grant, and units outside the scope or unknown.
func TestSMSActivityRefused(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{})
		unknown := pulid.New("UN")
		tests := []struct {
			name string
			ctx  context.Context
			unit *pulid.ID
			want refusal.Code
		}{
			{"anonymous", context.Background(), nil, refusal.Unauthenticated},
			{"officer without the monitor grant", e.fx.as(context.Background(), e.fx.officer, "SE2"), nil, refusal.Forbidden},
			{"unit outside the scope", e.fx.as(context.Background(), e.fx.admin, "SE3"), &e.fx.other.ID, refusal.OutOfScope},
			{"unknown unit", e.fx.as(context.Background(), e.fx.admin, "SE4"), &unknown, refusal.NotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ch, err := e.q.SMSActivity(tt.ctx, tt.unit, nil)
				if ch != nil || !refusal.Is(err, tt.want) {
					t.Errorf("got %v, %v; want refusal %s and no channel", ch, err, tt.want)
				}
			})
		}
	})
}

func TestMessagesHistory(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{})
		o := e.otp(phone)
		inside := e.enqueue(t, o)
		o.RegistrationID, o.UnitPath, o.OfficerID = nil, e.fx.other.Path, ""
		e.enqueue(t, o)

		admin := e.fx.as(context.Background(), e.fx.admin, "SE1")
		conn, err := e.q.Messages(admin, store.Page{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if conn.TotalCount != 1 || conn.Edges[0].Node.ID != inside.ID {
			t.Errorf("admin sees %d messages, want only the one in scope", conn.TotalCount)
		}
		sent := sms.Sent
		if conn, err := e.q.Messages(admin, store.Page{}, &sent); err != nil || conn.TotalCount != 0 {
			t.Errorf("status filter SENT: %v, %v; want none", conn, err)
		}
		if _, err := e.q.Messages(e.fx.as(context.Background(), e.fx.officer, "SE2"), store.Page{}, nil); !refusal.Is(err, refusal.Forbidden) {
			t.Errorf("officer: %v, want FORBIDDEN", err)
		}
		if got := MaskedPhone(inside); got != "+84 91* *** 678" {
			t.Errorf("MaskedPhone = %q", got)
		}
	})
}

// drain reads ch until it is closed and returns what it read.
func drain[T any](t testing.TB, ch <-chan T) []T {
	t.Helper()
	var got []T
	deadline := time.After(guard)
	for {
		select {
		case v, ok := <-ch:
			if !ok {
				return got
			}
			got = append(got, v)
		case <-deadline:
			t.Fatalf("channel not closed within %v (%d values read)", guard, len(got))
		}
	}
}

// TestSMSActivityShared is long because it is one scenario told in order:
// its steps share what the first ones set up and each checks what the one
// before left.
func TestSMSActivityShared(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		bus := &testkit.CountingBus{Bus: events.NewLocal()}
		t.Cleanup(func() { bus.Close() })
		e := newEnv(t, db, options{bus: bus})
		at := func(path string) Outgoing {
			o := e.otp(phone)
			o.RegistrationID, o.UnitPath = nil, path
			return o
		}
		// Grants that the test changes: the Authorizer reloads from them.
		var mu sync.Mutex
		grants := []policy.Assignment{
			{Subject: string(e.fx.admin.AccountID), Role: policy.Admin, Path: e.fx.province.Path},
			{Subject: string(e.fx.otherAdmin.AccountID), Role: policy.Admin, Path: e.fx.other.Path},
		}
		setGrants := func(g ...policy.Assignment) {
			mu.Lock()
			grants = g
			mu.Unlock()
		}
		authz, err := policy.New(context.Background(), func(context.Context) ([]policy.Assignment, error) {
			mu.Lock()
			defer mu.Unlock()
			return slices.Clone(grants), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		fx := e.fx
		fx.authz = authz
		as := func(ctx context.Context, o *ent.Officer, sid string) context.Context { return fx.as(ctx, o, sid) }

		t.Run("one bus subscription, one feed per scope, one read per event", func(t *testing.T) {
			before := runtime.NumGoroutine()
			ctx, cancel := context.WithCancel(context.Background())
			a1, err := e.q.SMSActivity(as(ctx, e.fx.admin, "SE1"), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			a2, err := e.q.SMSActivity(as(ctx, e.fx.admin, "SE2"), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			other, err := e.q.SMSActivity(as(ctx, e.fx.otherAdmin, "SE3"), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if n := bus.Subscriptions(); n != 1 {
				t.Fatalf("%d bus subscriptions for 3 monitors, want 1", n)
			}
			e.q.activity.mu.Lock()
			feeds := len(e.q.activity.feeds)
			e.q.activity.mu.Unlock()
			if feeds != 2 {
				t.Errorf("%d feeds for two scopes, want 2", feeds)
			}
			inside := e.enqueue(t, at(e.fx.desk.Path))
			m1, m2 := recv(t, a1), recv(t, a2)
			if m1.ID != inside.ID || m1 != m2 {
				t.Errorf("got %s and %s, want the one shared read of %s", m1.ID, m2.ID, inside.ID)
			}
			outside := e.enqueue(t, at(e.fx.other.Path))
			if m := recv(t, other); m.ID != outside.ID {
				t.Errorf("the other province's admin got %s, want %s (never %s)", m.ID, outside.ID, inside.ID)
			}
			cancel()
			for _, ch := range []<-chan *ent.SMSMessage{a1, a2, other} {
				if got := drain(t, ch); len(got) != 0 {
					t.Errorf("after cancel: %d more messages (the first %s), want none", len(got), got[0].ID)
				}
			}
			assertNoGoroutineLeak(t, before)
			if _, err := e.q.SMSActivity(as(context.Background(), e.fx.admin, "SE4"), nil, nil); err != nil {
				t.Fatal(err)
			}
			if n := bus.Subscriptions(); n != 2 {
				t.Errorf("%d bus subscriptions after the last monitor left and another came, want 2", n)
			}
		})

		t.Run("a transport's Pusher takes the events, one copy per feed", func(t *testing.T) {
			before := runtime.NumGoroutine()
			ctx, cancel := context.WithCancel(context.Background())
			p1, p2, p3 := newTestPusher(), newTestPusher(), newTestPusher()
			var why2 testkit.Ends
			// p1 and p2 share a feed (same scope, no filter); p3 filters to
			// the desk: another feed that the same event reaches.
			ch1, err := e.q.SMSActivity(events.WithPusher(as(ctx, e.fx.admin, "SE1"), p1), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			ch2, err := e.q.SMSActivity(events.WithPusher(as(ctx, e.fx.admin, "SE2"), p2), nil, why2.OnEnd)
			if err != nil {
				t.Fatal(err)
			}
			ch3, err := e.q.SMSActivity(events.WithPusher(as(ctx, e.fx.admin, "SE3"), p3), &e.fx.desk.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			m := e.enqueue(t, at(e.fx.desk.Path))
			g1, g2, g3 := recv(t, p1.items), recv(t, p2.items), recv(t, p3.items)
			if g1.ID != m.ID || g1 != g2 {
				t.Errorf("one feed's subscribers got %s and %s, want one pointer to %s", g1.ID, g2.ID, m.ID)
			}
			if g3.ID != m.ID || g3 == g1 {
				t.Errorf("the other feed got %s (same pointer: %v), want its own copy of %s", g3.ID, g3 == g1, m.ID)
			}
			// A subscriber that cannot take an event is ended as fallen behind.
			p2.refuse.Store(true)
			m2 := e.enqueue(t, at(e.fx.desk.Path))
			if got := recv(t, p1.items); got.ID != m2.ID {
				t.Errorf("got %s, want %s", got.ID, m2.ID)
			}
			closed(t, ch2)
			if !p2.closed.Load() || !slices.Equal(why2.Codes(), []refusal.Code{refusal.ResyncRequired}) {
				t.Errorf("refusing subscriber: closed %v, ended with %v; want closed with RESYNC_REQUIRED", p2.closed.Load(), why2.Codes())
			}
			cancel()
			for _, ch := range []<-chan *ent.SMSMessage{ch1, ch3} {
				if got := drain(t, ch); len(got) != 0 {
					t.Errorf("%d messages on the channel of a pushed subscription, want none", len(got))
				}
			}
			if !p1.closed.Load() || !p3.closed.Load() {
				t.Error("the Pusher of a subscription whose context ended was not closed")
			}
			assertNoGoroutineLeak(t, before)
		})

		t.Run("the scope follows policy changes", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var whyAdmin, whyOther testkit.Ends
			admin, err := e.q.SMSActivity(as(ctx, e.fx.admin, "SE1"), &e.fx.desk.ID, whyAdmin.OnEnd)
			if err != nil {
				t.Fatal(err)
			}
			other, err := e.q.SMSActivity(as(ctx, e.fx.otherAdmin, "SE2"), nil, whyOther.OnEnd)
			if err != nil {
				t.Fatal(err)
			}
			// The other province's admin is made admin of the first province
			// too; the first admin keeps only the other province, which does
			// not cover its unit filter.
			setGrants(
				policy.Assignment{Subject: string(e.fx.admin.AccountID), Role: policy.Admin, Path: e.fx.other.Path},
				policy.Assignment{Subject: string(e.fx.otherAdmin.AccountID), Role: policy.Admin, Path: e.fx.other.Path},
				policy.Assignment{Subject: string(e.fx.otherAdmin.AccountID), Role: policy.Admin, Path: e.fx.province.Path},
			)
			if err := authz.Reload(context.Background()); err != nil {
				t.Fatal(err)
			}
			e.q.PolicyChanged()
			if got := drain(t, admin); len(got) != 0 {
				t.Errorf("the narrowed monitor got %d messages, want its stream ended", len(got))
			}
			if got := whyAdmin.Codes(); len(got) != 1 || got[0] != refusal.OutOfScope {
				t.Errorf("the narrowed monitor was told %v, want [OUT_OF_SCOPE]", got)
			}
			m := e.enqueue(t, at(e.fx.desk.Path))
			if got := recv(t, other); got.ID != m.ID {
				t.Errorf("the widened monitor got %s, want %s of its new province", got.ID, m.ID)
			}
			setGrants()
			if err := authz.Reload(context.Background()); err != nil {
				t.Fatal(err)
			}
			e.q.PolicyChanged()
			drain(t, other)
			if got := whyOther.Codes(); len(got) != 1 || got[0] != refusal.Forbidden {
				t.Errorf("the monitor without grants was told %v, want [FORBIDDEN]", got)
			}
		})
		setGrants(
			policy.Assignment{Subject: string(e.fx.admin.AccountID), Role: policy.Admin, Path: e.fx.province.Path},
		)
		if err := authz.Reload(context.Background()); err != nil {
			t.Fatal(err)
		}

		t.Run("a monitor that falls behind is told to resync; the others get every event", func(t *testing.T) {
			before := runtime.NumGoroutine()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var why testkit.Ends
			slow, err := e.q.SMSActivity(as(ctx, e.fx.admin, "SE1"), nil, why.OnEnd)
			if err != nil {
				t.Fatal(err)
			}
			fast, err := e.q.SMSActivity(as(ctx, e.fx.admin, "SE2"), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			const n = activityBuffer + 4
			got := make(chan int)
			go func() {
				count := 0
				for range n {
					select {
					case <-fast:
						count++
					case <-time.After(guard):
					}
				}
				got <- count
			}()
			for range n {
				e.enqueue(t, at(e.fx.desk.Path))
			}
			if c := <-got; c != n {
				t.Errorf("the reading monitor got %d of %d messages", c, n)
			}
			if read := drain(t, slow); len(read) != activityBuffer {
				t.Errorf("the slow monitor read %d messages before the end, want its buffer of %d", len(read), activityBuffer)
			}
			if codes := why.Codes(); len(codes) != 1 || codes[0] != refusal.ResyncRequired {
				t.Errorf("the slow monitor was told %v, want [RESYNC_REQUIRED]", codes)
			}
			cancel()
			drain(t, fast)
			assertNoGoroutineLeak(t, before)
		})
	})
}

// testPusher is a transport's events.Pusher: it takes every event until
// refuse is set.
type testPusher struct {
	items  chan *ent.SMSMessage
	refuse atomic.Bool
	closed atomic.Bool
}

func newTestPusher() *testPusher { return &testPusher{items: make(chan *ent.SMSMessage, 16)} }

func (p *testPusher) Claim() bool { return true }
func (p *testPusher) Push(item any) bool {
	if p.refuse.Load() {
		return false
	}
	p.items <- item.(*ent.SMSMessage)
	return true
}
func (p *testPusher) Close()         { p.closed.Store(true) }
func (p *testPusher) Fail(err error) {}
