package smsqueue

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/smsmessage"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit/testenv"
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

func TestRegistrationEvents(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{})
		reg := e.fx.reg.ID

		t.Run("snapshot, live events, resync, closed with ctx", func(t *testing.T) {
			before := runtime.NumGoroutine()
			ctx, cancel := context.WithCancel(e.fx.as(context.Background(), e.fx.officer, "SE1"))
			defer cancel()
			ch, err := e.q.RegistrationEvents(ctx, reg)
			if err != nil {
				t.Fatal(err)
			}
			first := recv(t, ch)
			if first.Kind != Snapshot || first.Registration == nil || first.Registration.ID != reg || first.SMS != nil {
				t.Fatalf("first event %+v, want a SNAPSHOT of the registration without messages", first)
			}

			m := e.enqueue(t, e.otp(phone))
			ev := recv(t, ch)
			if ev.Kind != SMSStatusChanged || ev.SMS == nil || ev.SMS.ID != m.ID || ev.SMS.Status != "QUEUED" || ev.Registration.ID != reg {
				t.Fatalf("after enqueue: %+v, want SMS_STATUS_CHANGED with the message", ev)
			}
			if err := e.q.send(context.Background(), m.ID, 1, 10); err != nil {
				t.Fatal(err)
			}
			// Two changes (SENDING, SENT), two events; each re-reads the row, so
			// the first may already show SENT.
			for i := range 2 {
				ev := recv(t, ch)
				if ev.Kind != SMSStatusChanged || ev.SMS == nil || (ev.SMS.Status != "SENDING" && ev.SMS.Status != "SENT") ||
					(i == 1 && ev.SMS.Status != "SENT") {
					t.Fatalf("event %d: %s %v, want SMS_STATUS_CHANGED ending at SENT", i, ev.Kind, ev.SMS)
				}
			}

			publish(t, e.bus, events.Event{Topic: events.TopicRegistration, ID: string(pulid.New("RG")), Status: "CREATED"}) // another case
			publish(t, e.bus, events.Event{Topic: events.TopicSession, ID: "SE-other"})                                      // another session
			at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
			publish(t, e.bus, events.Event{Topic: events.TopicRegistration, ID: string(reg), Status: "OTP_SENT", At: at})
			if ev := recv(t, ch); ev.Kind != StateChanged || ev.Registration.ID != reg || !ev.At.Equal(at) {
				t.Fatalf("got %+v, want STATE_CHANGED at %v (other cases and sessions ignored)", ev, at)
			}
			publish(t, e.bus, events.Event{Topic: events.TopicResync})
			if ev := recv(t, ch); ev.Kind != Snapshot || ev.SMS == nil || ev.SMS.ID != m.ID || ev.SMS.Status != "SENT" {
				t.Fatalf("after resync: %+v, want a SNAPSHOT with the message SENT", ev)
			}
			cancel()
			closed(t, ch)
			assertNoGoroutineLeak(t, before)
		})

		t.Run("revoking the session closes the subscription", func(t *testing.T) {
			before := runtime.NumGoroutine()
			ctx := e.fx.as(context.Background(), e.fx.admin, "SE-admin")
			ch, err := e.q.RegistrationEvents(ctx, reg)
			if err != nil {
				t.Fatal(err)
			}
			if ev := recv(t, ch); ev.Kind != Snapshot {
				t.Fatalf("first event %s, want SNAPSHOT", ev.Kind)
			}
			publish(t, e.bus, events.Event{Topic: events.TopicSession, ID: "SE-admin"})
			closed(t, ch)
			assertNoGoroutineLeak(t, before)
		})

		t.Run("refused before any channel", func(t *testing.T) {
			tests := []struct {
				name string
				ctx  context.Context
				id   pulid.ID
				want refusal.Code
			}{
				{"anonymous", context.Background(), reg, refusal.Unauthenticated},
				{"admin of another province", e.fx.as(context.Background(), e.fx.otherAdmin, "SE2"), reg, refusal.NotFound},
				{"another officer of the same desk", e.fx.as(context.Background(), e.fx.second, "SE3"), reg, refusal.NotFound},
				{"no such registration", e.fx.as(context.Background(), e.fx.admin, "SE4"), pulid.New("RG"), refusal.NotFound},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					before := runtime.NumGoroutine()
					ch, err := e.q.RegistrationEvents(tt.ctx, tt.id)
					if ch != nil || !refusal.Is(err, tt.want) {
						t.Errorf("got %v, %v; want refusal %s and no channel", ch, err, tt.want)
					}
					assertNoGoroutineLeak(t, before)
				})
			}
		})
	})
}

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
			ch, err := e.q.SMSActivity(ctx, nil)
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
			ch, err := e.q.SMSActivity(ctx, &e.fx.desk.ID)
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
			assertNoGoroutineLeak(t, before)
		})

		t.Run("refused", func(t *testing.T) {
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
					ch, err := e.q.SMSActivity(tt.ctx, tt.unit)
					if ch != nil || !refusal.Is(err, tt.want) {
						t.Errorf("got %v, %v; want refusal %s and no channel", ch, err, tt.want)
					}
				})
			}
		})
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
		conn, err := e.q.Messages(admin, nil, nil, nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if conn.TotalCount != 1 || conn.Edges[0].Node.ID != inside.ID {
			t.Errorf("admin sees %d messages, want only the one in scope", conn.TotalCount)
		}
		sent := smsmessage.StatusSENT
		if conn, err := e.q.Messages(admin, &sent, nil, nil, nil, nil); err != nil || conn.TotalCount != 0 {
			t.Errorf("status filter SENT: %v, %v; want none", conn, err)
		}
		if _, err := e.q.Messages(e.fx.as(context.Background(), e.fx.officer, "SE2"), nil, nil, nil, nil, nil); !refusal.Is(err, refusal.Forbidden) {
			t.Errorf("officer: %v, want FORBIDDEN", err)
		}
		if got := MaskedPhone(inside); got != "+84 91* *** 678" {
			t.Errorf("MaskedPhone = %q", got)
		}
	})
}
