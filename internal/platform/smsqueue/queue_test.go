package smsqueue

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/jobs"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy/viewer"
)

const phone = "+84912345678"

// jobsOf counts River's jobs for message id.
func jobsOf(t testing.TB, db *store.DB, id pulid.ID) int {
	t.Helper()
	q := "SELECT count(*) FROM river_job WHERE kind = 'sms.send' AND json(args) LIKE ?"
	if db.IsPostgres() {
		q = "SELECT count(*) FROM river_job WHERE kind = 'sms.send' AND args::text LIKE $1"
	}
	var n int
	if err := db.SQL.QueryRow(q, "%"+string(id)+"%").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func allJobArgs(t testing.TB, db *store.DB) string {
	t.Helper()
	q := "SELECT json(args) FROM river_job"
	if db.IsPostgres() {
		q = "SELECT args::text FROM river_job"
	}
	rows, err := db.SQL.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		b.WriteString(s)
	}
	return b.String()
}

// collect subscribes to topics and returns a function that gives the events
// received so far once n have arrived.
func collect(t testing.TB, bus events.Bus, topics ...string) <-chan events.Event {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch, err := bus.Subscribe(ctx, topics...)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func next(t testing.TB, ch <-chan events.Event) events.Event {
	t.Helper()
	select {
	case e, ok := <-ch:
		if !ok {
			t.Fatal("subscription closed")
		}
		return e
	case <-time.After(guard):
		t.Fatalf("no event within %v", guard)
	}
	return events.Event{}
}

// noEvent checks that nothing is buffered on ch. Events are published
// synchronously after commit (Local bus), so anything published is there.
func noEvent(t testing.TB, ch <-chan events.Event) {
	t.Helper()
	select {
	case e := <-ch:
		t.Errorf("unexpected event %+v", e)
	default:
	}
}

func TestEnqueueWritesSealedMessageAndJobAndPublishesAfterCommit(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{})
		evs := collect(t, e.bus, events.TopicSMS, events.TopicRegistration)
		sendBefore := e.clock.Now().Add(5 * time.Minute)
		out := e.otp("0912 345 678") // any spelling: stored in E.164
		out.SendBefore = &sendBefore

		var id pulid.ID
		err := db.InTx(context.Background(), func(ctx context.Context, tx *store.Tx) error {
			m, err := e.q.Enqueue(ctx, tx, out)
			if err != nil {
				return err
			}
			id = m.ID
			noEvent(t, evs) // not before the commit
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		m := e.get(t, id)
		if m.Status != sms.Queued || m.Phone != phone || m.Kind != sms.RegistrationOTP ||
			m.RegistrationID == nil || *m.RegistrationID != e.fx.reg.ID || m.UnitPath != e.fx.desk.Path ||
			m.SendBefore == nil || !m.SendBefore.Equal(sendBefore) || !m.CreatedAt.Equal(e.clock.Now()) {
			t.Errorf("stored message = %+v", m)
		}
		if m.BodySealed == nil || strings.Contains(string(*m.BodySealed), "482913") {
			t.Fatal("body not sealed")
		}
		if body, err := e.q.seal.open(id, *m.BodySealed); err != nil || body != out.Body {
			t.Errorf("sealed body opens to %q, %v", body, err)
		}
		if _, err := e.q.seal.open(pulid.New("SM"), *m.BodySealed); err == nil {
			t.Error("sealed body opened under another message id")
		}
		if n := jobsOf(t, db, id); n != 1 {
			t.Errorf("%d jobs for the message, want 1", n)
		}
		if args := allJobArgs(t, db); strings.Contains(args, "482913") {
			t.Errorf("job args hold the body: %s", args)
		}
		if ev := next(t, evs); ev.Topic != events.TopicSMS || ev.ID != string(id) || ev.Status != "QUEUED" {
			t.Errorf("first event %+v, want sms %s QUEUED", ev, id)
		}
		if ev := next(t, evs); ev.Topic != events.TopicRegistration || ev.ID != string(e.fx.reg.ID) || ev.Status != RegistrationSMSChanged {
			t.Errorf("second event %+v, want registration SMS_STATUS_CHANGED", ev)
		}
	})
}

func TestEnqueueRolledBackLeavesNoMessageNoJobNoEvent(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{})
		evs := collect(t, e.bus)
		refused := refusal.New(refusal.InvalidState, "Hồ sơ đã bị hủy.", "The registration was cancelled.")
		var id pulid.ID
		err := db.InTx(context.Background(), func(ctx context.Context, tx *store.Tx) error {
			m, err := e.q.Enqueue(ctx, tx, e.otp(phone))
			if err != nil {
				t.Fatal(err)
			}
			id = m.ID
			return refused // a later rule of the business change says no
		})
		if !errors.Is(err, refused) {
			t.Fatalf("InTx = %v, want the refusal", err)
		}
		n, err := db.Client.SMSMessage.Query().Count(viewer.System(context.Background()))
		if err != nil || n != 0 {
			t.Errorf("%d messages after rollback (%v), want 0", n, err)
		}
		if n := jobsOf(t, db, id); n != 0 {
			t.Errorf("%d jobs after rollback, want 0", n)
		}
		noEvent(t, evs)
	})
}

func TestEnqueueRefusesBadInput(t *testing.T) {
	e := newEnv(t, testenv.SQLite(t), options{})
	tests := []struct {
		name    string
		edit    func(*Outgoing)
		refusal refusal.Code
	}{
		{"landline", func(o *Outgoing) { o.Phone = "02438253535" }, refusal.Validation},
		{"no phone", func(o *Outgoing) { o.Phone = "" }, refusal.Validation},
		{"no body", func(o *Outgoing) { o.Body = "" }, ""},
		{"unknown kind", func(o *Outgoing) { o.Kind = "MARKETING" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := e.otp(phone)
			tt.edit(&out)
			err := e.db.InTx(context.Background(), func(ctx context.Context, tx *store.Tx) error {
				_, err := e.q.Enqueue(ctx, tx, out)
				return err
			})
			if err == nil {
				t.Fatal("accepted")
			}
			if tt.refusal != "" && !refusal.Is(err, tt.refusal) {
				t.Errorf("err = %v, want refusal %s", err, tt.refusal)
			}
			if strings.Contains(err.Error(), "2438253535") {
				t.Errorf("error repeats the number: %v", err)
			}
		})
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	db := testenv.SQLite(t)
	bus := events.NewLocal()
	defer bus.Close()
	runner := jobs.New(db, jobs.Config{})
	for name, cfg := range map[string]Config{
		"short key": {DB: db, Jobs: runner, Bus: bus, SealKey: testKey[:16]},
		"no bus":    {DB: db, Jobs: runner, SealKey: testKey},
		"no db":     {Jobs: runner, Bus: bus, SealKey: testKey},
		"no jobs":   {DB: db, Bus: bus, SealKey: testKey},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	q, err := New(Config{DB: db, Jobs: jobs.New(db, jobs.Config{}), Bus: bus, SealKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err == nil {
		t.Error("Start without a provider succeeded")
	}
}

// TestStatusTransitions drives the job (send) and receipts (Receive)
// directly, without River's timing, through every path of docs/SMS.md.
// Long because it is a table: one row per case, so that the cases read side
// by side and a missing one shows.
func TestStatusTransitions(t *testing.T) {
	type step struct {
		send    bool       // run one attempt of the job
		receipt sms.Status // or apply this receipt
	}
	tests := []struct {
		name       string
		fail       []error // the provider's answers to the first sends
		steps      []step
		want       sms.Status
		wantSends  int
		wantEvents []string
	}{
		{"sent then delivered", nil,
			[]step{{send: true}, {receipt: sms.Delivered}},
			sms.Delivered, 1, []string{"SENDING", "SENT", "DELIVERED"}},
		{"duplicate and late receipts change nothing", nil,
			[]step{{send: true}, {receipt: sms.Delivered}, {receipt: sms.Delivered}, {receipt: sms.Sent}, {receipt: sms.Undelivered}, {send: true}},
			sms.Delivered, 1, []string{"SENDING", "SENT", "DELIVERED"}},
		{"undelivered", nil,
			[]step{{send: true}, {receipt: sms.Sent}, {receipt: sms.Undelivered}},
			sms.Undelivered, 1, []string{"SENDING", "SENT", "UNDELIVERED"}},
		{"receipt before the job ran: never sent again", nil,
			[]step{{receipt: sms.Delivered}, {send: true}},
			sms.Delivered, 0, []string{"DELIVERED"}},
		{"delivered outruns sent", nil,
			[]step{{send: true}, {receipt: sms.Delivered}, {receipt: sms.Sent}},
			sms.Delivered, 1, []string{"SENDING", "SENT", "DELIVERED"}},
		{"gateway failed after accepting", nil,
			[]step{{send: true}, {receipt: sms.Failed}, {receipt: sms.Delivered}},
			sms.Failed, 1, []string{"SENDING", "SENT", "FAILED"}},
		{"temporary error then success", []error{errTemporary},
			[]step{{send: true}, {send: true}},
			sms.Sent, 2, []string{"SENDING", "QUEUED", "SENDING", "SENT"}},
		{"permanent refusal", []error{fmt.Errorf("number blocked: %w", sms.ErrPermanent)},
			[]step{{send: true}, {send: true}, {receipt: sms.Delivered}},
			sms.Failed, 1, []string{"SENDING", "FAILED"}},
		{"status receipt meaningless before sending is ignored", nil,
			[]step{{receipt: sms.Queued}, {receipt: sms.Sending}, {receipt: "LOST"}, {send: true}},
			sms.Sent, 1, []string{"SENDING", "SENT"}},
	}
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{})
		ctx := context.Background()
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				m := e.enqueue(t, e.otp(phone))
				evs := collect(t, e.bus, events.TopicSMS)
				e.prov.failNext(phone, tt.fail...)
				attempt := 0
				for _, s := range tt.steps {
					if s.send {
						attempt++
						_ = e.q.send(ctx, m.ID, attempt, 10)
						continue
					}
					if err := e.q.Receive(ctx, sms.Receipt{MessageID: string(m.ID), ProviderID: "gw-1", Status: s.receipt, At: e.clock.Now()}); err != nil {
						t.Fatal(err)
					}
				}
				got := e.get(t, m.ID)
				if got.Status != tt.want {
					t.Errorf("status %s, want %s", got.Status, tt.want)
				}
				if n := e.prov.calls(m.ID); n != tt.wantSends {
					t.Errorf("%d sends, want %d", n, tt.wantSends)
				}
				var statuses []string
				for range tt.wantEvents {
					ev := next(t, evs)
					if ev.ID != string(m.ID) {
						t.Fatalf("event for %s, want %s", ev.ID, m.ID)
					}
					statuses = append(statuses, ev.Status)
				}
				noEvent(t, evs)
				if fmt.Sprint(statuses) != fmt.Sprint(tt.wantEvents) {
					t.Errorf("events %v, want %v", statuses, tt.wantEvents)
				}
				final := sms.Status(got.Status).Final()
				if isNull := e.bodyIsNull(t, m.ID); isNull != (final || got.Status == sms.Sent) {
					t.Errorf("body_sealed IS NULL = %v with status %s", isNull, got.Status)
				}
				if final != (got.FinalAt != nil) {
					t.Errorf("final_at %v with status %s", got.FinalAt, got.Status)
				}
				if got.Status != sms.Failed && tt.wantSends > 0 && got.ProviderMessageID == "" {
					t.Error("provider message id not recorded")
				}
			})
		}
	})
}

func TestSendingMessageIsSentAgainWithTheSameID(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{})
		ctx := context.Background()
		m := e.enqueue(t, e.otp(phone))
		// A replica crashed after marking the message SENDING, before or after
		// the provider took it: River rescues the job and runs it again.
		if _, err := db.Client.SMSMessage.UpdateOneID(m.ID).SetStatus(sms.Sending).SetAttempts(1).
			Save(viewer.System(ctx)); err != nil {
			t.Fatal(err)
		}
		if err := e.q.send(ctx, m.ID, 2, 10); err != nil {
			t.Fatal(err)
		}
		got := e.get(t, m.ID)
		if got.Status != sms.Sent || got.Attempts != 2 {
			t.Errorf("status %s attempts %d, want SENT after 2 attempts", got.Status, got.Attempts)
		}
		if len(e.prov.msgs) != 1 || e.prov.msgs[0].ID != string(m.ID) {
			t.Errorf("provider got %v, want the message with its own id", e.prov.msgs)
		}
	})
}

func TestPermanentRefusalCancelsTheJob(t *testing.T) {
	e := newEnv(t, testenv.SQLite(t), options{})
	m := e.enqueue(t, e.otp(phone))
	e.prov.failNext(phone, fmt.Errorf("sms: http gateway: 400 invalid number: %w", sms.ErrPermanent))
	err := e.q.send(context.Background(), m.ID, 1, 10)
	var cancel *rivertype.JobCancelError
	if !errors.As(err, &cancel) {
		t.Fatalf("send = %v, want river.JobCancel", err)
	}
	got := e.get(t, m.ID)
	if got.Status != sms.Failed || !strings.Contains(got.LastError, "400 invalid number") {
		t.Errorf("status %s last error %q", got.Status, got.LastError)
	}
}

func TestRetriesExhaustedFail(t *testing.T) {
	e := newEnv(t, testenv.SQLite(t), options{})
	m := e.enqueue(t, e.otp(phone))
	e.prov.failNext(phone, errTemporary, errTemporary, errTemporary)
	ctx := context.Background()
	for attempt := 1; attempt <= 3; attempt++ {
		err := e.q.send(ctx, m.ID, attempt, 3)
		var cancel *rivertype.JobCancelError
		if attempt < 3 && (err == nil || errors.As(err, &cancel)) {
			t.Errorf("attempt %d: %v, want a retryable error", attempt, err)
		}
		if attempt == 3 && !errors.As(err, &cancel) {
			t.Errorf("last attempt: %v, want river.JobCancel", err)
		}
	}
	got := e.get(t, m.ID)
	if got.Status != sms.Failed || got.Attempts != 3 || !e.bodyIsNull(t, m.ID) {
		t.Errorf("status %s attempts %d, want FAILED after 3 with the body wiped", got.Status, got.Attempts)
	}
}

// TestOTPPastSendBeforeIsExpiredNotSent: an OTP whose code lapses before it
// can be sent is EXPIRED, never sent; one still valid is sent.
func TestOTPPastSendBeforeIsExpiredNotSent(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{})
		ctx := context.Background()

		t.Run("expired before the first attempt", func(t *testing.T) {
			m := e.enqueueOTPBefore(t, phone, e.clock.Now().Add(time.Minute))
			e.clock.Advance(time.Minute) // exactly at SendBefore: too late
			if err := e.q.send(ctx, m.ID, 1, 10); err != nil {
				t.Fatal(err)
			}
			got := e.get(t, m.ID)
			if got.Status != sms.Expired || e.prov.calls(m.ID) != 0 || !e.bodyIsNull(t, m.ID) {
				t.Errorf("status %s, %d sends, body null %v; want EXPIRED, 0, true", got.Status, e.prov.calls(m.ID), e.bodyIsNull(t, m.ID))
			}
		})
		t.Run("expires before the next attempt could start", func(t *testing.T) {
			// The retry's shortest wait is Backoff.Shortest(1) = 5ms; the code
			// lapses sooner.
			m := e.enqueueOTPBefore(t, "0987654321", e.clock.Now().Add(time.Millisecond))
			e.prov.failNext("+84987654321", errTemporary)
			err := e.q.send(ctx, m.ID, 1, 10)
			var cancel *rivertype.JobCancelError
			if !errors.As(err, &cancel) {
				t.Errorf("send = %v, want river.JobCancel", err)
			}
			if got := e.get(t, m.ID); got.Status != sms.Expired {
				t.Errorf("status %s, want EXPIRED", got.Status)
			}
		})
		t.Run("a gateway call is cut off at the expiry", func(t *testing.T) {
			m := e.enqueueOTPBefore(t, hangs, e.clock.Now().Add(time.Millisecond))
			err := e.q.send(ctx, m.ID, 1, 10)
			var cancel *rivertype.JobCancelError
			if !errors.As(err, &cancel) || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("send = %v, want river.JobCancel of the deadline", err)
			}
			if got := e.get(t, m.ID); got.Status != sms.Expired {
				t.Errorf("status %s, want EXPIRED", got.Status)
			}
		})
		t.Run("still valid: sent", func(t *testing.T) {
			m := e.enqueueOTPBefore(t, phone, e.clock.Now().Add(time.Minute))
			e.clock.Advance(59 * time.Second)
			if err := e.q.send(ctx, m.ID, 1, 10); err != nil {
				t.Fatal(err)
			}
			if got := e.get(t, m.ID); got.Status != sms.Sent {
				t.Errorf("status %s, want SENT", got.Status)
			}
		})
	})
}

func TestConcurrentReceiptsOneWins(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{})
		ctx := context.Background()
		m := e.enqueue(t, e.otp(phone))
		if err := e.q.send(ctx, m.ID, 1, 10); err != nil {
			t.Fatal(err)
		}
		evs := collect(t, e.bus, events.TopicSMS)
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				status := sms.Delivered
				if i%2 == 1 {
					status = sms.Undelivered
				}
				if err := e.q.Receive(ctx, sms.Receipt{MessageID: string(m.ID), Status: status}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		ev := next(t, evs)
		noEvent(t, evs)
		if got := e.get(t, m.ID); string(got.Status) != ev.Status || !sms.Status(got.Status).Final() {
			t.Errorf("status %s, one event %s", got.Status, ev.Status)
		}
	})
}

func TestReceiveIgnoresUnknownMessages(t *testing.T) {
	e := newEnv(t, testenv.SQLite(t), options{})
	for _, id := range []string{"", "SMxxxx", string(pulid.New("SM")), string(pulid.New("RG"))} {
		if err := e.q.Receive(context.Background(), sms.Receipt{MessageID: id, Status: sms.Delivered}); err != nil {
			t.Errorf("Receive(%q) = %v, want nil (ignored)", id, err)
		}
	}
}

func TestBackoffSchedule(t *testing.T) {
	b := DefaultBackoff.withDefaults()
	tests := []struct {
		attempt  int
		ceiling  time.Duration
		shortest time.Duration
	}{
		{1, 5 * time.Second, 2500 * time.Millisecond},
		{2, 10 * time.Second, 5 * time.Second},
		{3, 20 * time.Second, 10 * time.Second},
		{6, 160 * time.Second, 80 * time.Second},
		{7, 5 * time.Minute, 150 * time.Second}, // 320s capped
		{25, 5 * time.Minute, 150 * time.Second},
	}
	for _, tt := range tests {
		if got := b.Delay(tt.attempt, 0); got != tt.shortest {
			t.Errorf("attempt %d: shortest %v, want %v", tt.attempt, got, tt.shortest)
		}
		if got := b.Shortest(tt.attempt); got != tt.shortest {
			t.Errorf("attempt %d: Shortest %v, want %v", tt.attempt, got, tt.shortest)
		}
		if got := b.Delay(tt.attempt, 0.999999); got > tt.ceiling || got < tt.ceiling-time.Millisecond {
			t.Errorf("attempt %d: longest %v, want just under %v", tt.attempt, got, tt.ceiling)
		}
		// River's policy: now + a delay within the bounds, whatever is drawn.
		now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
		for _, r := range []float64{0, 0.25, 0.5, 0.75, 0.999} {
			p := retryPolicy{b: b, now: func() time.Time { return now }, rand: func() float64 { return r }}
			next := p.NextRetry(&rivertype.JobRow{Attempt: tt.attempt})
			if d := next.Sub(now); d < tt.shortest || d > tt.ceiling {
				t.Errorf("attempt %d, r=%v: retry after %v, want within [%v, %v]", tt.attempt, r, d, tt.shortest, tt.ceiling)
			}
		}
	}
	// The real random source spreads retries over the whole window.
	p := retryPolicy{b: b}
	seen := map[time.Duration]bool{}
	for range 200 {
		start := time.Now()
		d := p.NextRetry(&rivertype.JobRow{Attempt: 1}).Sub(start)
		if d < 2500*time.Millisecond || d > 5*time.Second+time.Second {
			t.Fatalf("retry after %v, want within [2.5s, 5s]", d)
		}
		seen[d/(250*time.Millisecond)] = true
	}
	if len(seen) < 5 {
		t.Errorf("200 draws fell into %d quarter-second buckets: no jitter?", len(seen))
	}
	if none := (Backoff{Base: time.Second, Jitter: -1}).withDefaults(); none.Delay(3, 0) != 4*time.Second {
		t.Errorf("no jitter: %v, want 4s", none.Delay(3, 0))
	}
}
