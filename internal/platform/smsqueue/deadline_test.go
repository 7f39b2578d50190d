package smsqueue

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

// sent enqueues out and runs its send job once, so it is SENT at the clock's
// time.
func (e *env) sent(t *testing.T, out Outgoing) *ent.SMSMessage {
	t.Helper()
	m := e.enqueue(t, out)
	if err := e.q.send(context.Background(), m.ID, 1, 10); err != nil {
		t.Fatal(err)
	}
	if got := e.get(t, m.ID); got.Status != sms.Sent {
		t.Fatalf("status %s after the send, want SENT", got.Status)
	}
	return m
}

func (e *env) sweep(t *testing.T) int {
	t.Helper()
	n, err := e.q.ExpireReceipts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestReceiptDeadlines is long because it is a table: one row per case, so
// that the cases read side by side and a missing one shows.
func TestReceiptDeadlines(t *testing.T) {
	deadlines := ReceiptDeadlines{OTP: 3 * time.Minute, Password: 10 * time.Minute, Notice: 15 * time.Minute}
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		reg := prometheus.NewRegistry()
		e := newEnv(t, db, options{cfg: func(c *Config) { c.ReceiptDeadlines = deadlines; c.Registerer = reg }})
		ctx := context.Background()
		for _, tc := range []struct {
			kind     sms.Kind
			deadline time.Duration
		}{
			{sms.RegistrationOTP, 3 * time.Minute},
			{sms.ResetOTP, 3 * time.Minute},
			{sms.InitialPassword, 10 * time.Minute},
			{sms.PasswordChanged, 15 * time.Minute},
		} {
			t.Run(string(tc.kind), func(t *testing.T) {
				out := e.otp(phone)
				out.Kind = tc.kind
				m := e.sent(t, out)
				evs := collect(t, e.bus, events.TopicSMS, events.TopicRegistration)

				e.clock.Advance(tc.deadline - time.Second)
				if n := e.sweep(t); n != 0 {
					t.Fatalf("%d messages NO_REPORT a second before the deadline", n)
				}
				noEvent(t, evs)

				e.clock.Advance(time.Second)
				if n := e.sweep(t); n != 1 {
					t.Fatalf("%d messages NO_REPORT at the deadline, want 1", n)
				}
				got := e.get(t, m.ID)
				if got.Status != sms.NoReport || got.FinalAt == nil || !got.FinalAt.Equal(e.clock.Now()) ||
					!strings.Contains(got.LastError, "no delivery report") || !e.bodyIsNull(t, m.ID) {
					t.Fatalf("after the deadline: %s, final at %v, last error %q, body null %v",
						got.Status, got.FinalAt, got.LastError, e.bodyIsNull(t, m.ID))
				}
				// The officer's screens hear of it: the message and its case.
				seen := map[string]string{}
				for range 2 {
					ev := next(t, evs)
					seen[ev.Topic] = ev.ID + " " + ev.Status
				}
				noEvent(t, evs)
				if seen[events.TopicSMS] != string(m.ID)+" NO_REPORT" ||
					seen[events.TopicRegistration] != string(e.fx.reg.ID)+" "+RegistrationSMSChanged {
					t.Errorf("events %v", seen)
				}

				// Swept again: nothing changes, nothing is published.
				if n := e.sweep(t); n != 0 {
					t.Errorf("second sweep moved %d", n)
				}
				noEvent(t, evs)

				// A late SENT receipt says nothing new; a late DELIVERED
				// replaces "no report".
				for _, r := range []sms.Status{sms.Sent, sms.Delivered, sms.Undelivered} {
					if err := e.q.Receive(ctx, sms.Receipt{MessageID: string(m.ID), Status: r}); err != nil {
						t.Fatal(err)
					}
				}
				got = e.get(t, m.ID)
				if got.Status != sms.Delivered || got.LastError != "" {
					t.Errorf("after late receipts: %s (%q), want DELIVERED without the deadline's error", got.Status, got.LastError)
				}
				if ev := next(t, evs); ev.Topic == events.TopicSMS && ev.Status != "DELIVERED" {
					t.Errorf("event %+v, want DELIVERED", ev)
				}
			})
		}

		got := gather(t, reg)
		for name, want := range map[string]float64{
			"motcua_sms_messages_total{kind=REGISTRATION_OTP,provider=fake,status=NO_REPORT}": 1,
			"motcua_sms_messages_total{kind=INITIAL_PASSWORD,provider=fake,status=NO_REPORT}": 1,
			"motcua_sms_messages_total{kind=PASSWORD_CHANGED,provider=fake,status=NO_REPORT}": 1,
			"motcua_sms_receipts_total{result=late}":                                          4,
			"motcua_sms_receipts_total{result=ignored}":                                       8,
		} {
			if got[name] != want {
				t.Errorf("%s = %v, want %v", name, got[name], want)
			}
		}
	})
}

// An OTP's deadline never outlives its code: sent late in its life, it is
// NO_REPORT when the code expires.
func TestOTPReceiptDeadlineEndsWithTheCode(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{cfg: func(c *Config) { c.ReceiptDeadlines = ReceiptDeadlines{OTP: 3 * time.Minute} }})
		expires := e.clock.Now().Add(5 * time.Minute)
		out := e.otp(phone)
		out.SendBefore = &expires
		m := e.enqueue(t, out)
		e.clock.Advance(4 * time.Minute) // retries took most of its life
		if err := e.q.send(context.Background(), m.ID, 1, 10); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Minute - time.Millisecond)
		if n := e.sweep(t); n != 0 {
			t.Fatalf("NO_REPORT before the code expired")
		}
		e.clock.Advance(time.Millisecond)
		if n := e.sweep(t); n != 1 {
			t.Fatalf("not NO_REPORT when the code expired (3 minutes after sending would be 2 minutes later)")
		}
		if got := e.get(t, m.ID); got.LastError != "no delivery report before the code expired" {
			t.Errorf("last error %q", got.LastError)
		}
	})
}

// Replicas sweeping at the same time move each message once: one event per
// message, whoever wins.
func TestConcurrentSweepsMoveEachMessageOnce(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{})
		const messages, sweepers = 30, 8
		for range messages {
			out := e.otp(phone)
			out.Kind = sms.InitialPassword
			e.sent(t, out)
		}
		evs := collect(t, e.bus, events.TopicSMS)
		e.clock.Advance(DefaultReceiptDeadlines.Password)
		replicas := []*Queue{e.q}
		for range sweepers - 1 {
			other := newEnv(t, db, options{bus: e.bus, fx: &e.fx})
			other.clock = e.clock
			other.q.now = e.clock.Now
			replicas = append(replicas, other.q)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		moved := 0
		for _, q := range replicas {
			wg.Go(func() {
				n, err := q.ExpireReceipts(context.Background())
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				moved += n
				mu.Unlock()
			})
		}
		wg.Wait()
		if moved != messages {
			t.Errorf("the sweeps moved %d messages in all, want %d", moved, messages)
		}
		for range messages {
			if ev := next(t, evs); ev.Status != "NO_REPORT" {
				t.Errorf("event %+v", ev)
			}
		}
		noEvent(t, evs)
	})
}

// The periodic job does it without anyone calling ExpireReceipts.
func TestReceiptDeadlineJobRuns(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{cfg: func(c *Config) { c.ReceiptSweep = 100 * time.Millisecond }})
		out := e.otp(phone)
		out.Kind = sms.InitialPassword
		m := e.sent(t, out)
		e.clock.Advance(DefaultReceiptDeadlines.Password)
		e.start(t)
		e.waitStatus(t, m.ID, sms.NoReport)
	})
}

func TestReceiptDeadlinesCheck(t *testing.T) {
	for _, tc := range []struct {
		d  ReceiptDeadlines
		ok bool
	}{
		{ReceiptDeadlines{}, true}, // the defaults
		{ReceiptDeadlines{OTP: 4*time.Minute + 59*time.Second}, true},
		{ReceiptDeadlines{OTP: 5 * time.Minute}, false},
		{ReceiptDeadlines{OTP: time.Hour, Password: time.Minute}, false},
	} {
		if err := tc.d.Check(5 * time.Minute); (err == nil) != tc.ok {
			t.Errorf("Check(%+v) = %v", tc.d, err)
		}
	}
	if got := (ReceiptDeadlines{OTP: 2 * time.Second, Password: time.Hour, Notice: time.Hour}).sweepInterval(); got != time.Second {
		t.Errorf("sweep every %v with a 2 s deadline, want 1 s", got)
	}
	if got := DefaultReceiptDeadlines.sweepInterval(); got != 30*time.Second {
		t.Errorf("sweep every %v by default, want 30 s", got)
	}
}
