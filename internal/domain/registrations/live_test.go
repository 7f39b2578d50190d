package registrations

import (
	"context"
	"github.com/motcua/motcua/internal/platform/sms"
	"runtime"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/domain/auth"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/smsqueue"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy/viewer"
)

// liveGuard bounds every wait of these tests; it is never a measure.
const liveGuard = 10 * time.Second

func next(t testing.TB, ch <-chan *Event) *Event {
	t.Helper()
	select {
	case v, ok := <-ch:
		if !ok {
			t.Fatal("channel closed, want an event")
		}
		return v
	case <-time.After(liveGuard):
		t.Fatalf("no event within %v", liveGuard)
	}
	return nil
}

// drainClosed reads ch until it is closed and returns what it read.
func drainClosed(t testing.TB, ch <-chan *Event) []*Event {
	t.Helper()
	var got []*Event
	deadline := time.After(liveGuard)
	for {
		select {
		case v, ok := <-ch:
			if !ok {
				return got
			}
			got = append(got, v)
		case <-deadline:
			t.Fatalf("channel not closed within %v (%d events read)", liveGuard, len(got))
		}
	}
}

func noGoroutineLeak(t testing.TB, before int) {
	t.Helper()
	var now int
	for range 500 {
		if now = runtime.NumGoroutine(); now <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<20)
	t.Errorf("goroutines: %d before, %d after\n%s", before, now, buf[:runtime.Stack(buf, true)])
}

// asSession is f.as in session sid.
func (f *fixture) asSession(t testing.TB, actor, sid string) context.Context {
	t.Helper()
	v, err := auth.LoadViewer(context.Background(), f.db.Client, f.authz, f.accounts[actor].ID, pulid.ID(sid))
	if err != nil {
		t.Fatal(err)
	}
	return viewer.NewContext(context.Background(), v)
}

// watchCtx is ctx (its cancellation) with the viewer of as.
func watchCtx(ctx, as context.Context) context.Context {
	return viewer.NewContext(ctx, viewer.FromContext(as))
}

// addSMS writes a message of reg as the SMS queue would, and publishes its change.
func (f *fixture) addSMS(t *testing.T, reg *ent.Registration, status sms.Status) *ent.SMSMessage {
	t.Helper()
	m := f.db.Client.SMSMessage.Create().SetKind(sms.RegistrationOTP).SetPhone("+84912000001").
		SetStatus(status).SetRegistrationID(reg.ID).SetOfficerID(string(f.officers[registrar1].ID)).
		SetUnitPath(f.desk1.Path).SetUpdatedAt(time.Now().Add(time.Hour)).SaveX(testkit.System())
	if err := f.bus.Publish(context.Background(), events.Event{
		Topic: events.TopicRegistration, ID: string(reg.ID), Status: smsqueue.RegistrationSMSChanged,
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestEvents: a case's live events, in order on one case (each part
// continues from the state the one before left).
func TestEvents(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		reg := f.start(t, 1)
		t.Run("snapshot, live events, resync, closed with ctx", func(t *testing.T) { eventsSnapshotLiveResync(t, f, reg) })
		t.Run("watchers share one bus subscription, started and stopped with them", func(t *testing.T) { eventsShareOneSubscription(t, f, reg) })
		t.Run("revoking the session ends the stream with UNAUTHENTICATED", func(t *testing.T) { eventsEndOnRevokedSession(t, f, reg) })
		t.Run("a watcher that falls behind is told to resync; the others get every event", func(t *testing.T) { eventsSlowWatcherResyncs(t, f, reg) })
		t.Run("a policy change that hides the case ends the stream with NOT_FOUND", func(t *testing.T) { eventsEndWhenHidden(t, f, reg) })
		t.Run("refused before any channel", func(t *testing.T) { eventsRefused(t, f, reg) })
	})
}

// eventsSnapshotLiveResync: snapshot, live events, resync, closed with ctx.
func eventsSnapshotLiveResync(t *testing.T, f *fixture, reg *ent.Registration) {
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(f.as(t, registrar1))
	defer cancel()
	var why testkit.Ends
	ch, err := f.svc.Events(ctx, reg.ID, why.OnEnd)
	if err != nil {
		t.Fatal(err)
	}
	if ev := next(t, ch); ev.Kind != Snapshot || ev.Registration.ID != reg.ID || ev.Sms != nil {
		t.Fatalf("first event %+v, want a SNAPSHOT of the case without messages", ev)
	}
	if _, err := f.svc.SendOTP(f.as(t, registrar1), reg.ID); err != nil {
		t.Fatal(err)
	}
	// SendOTP enqueues through the fake outbox (no SMS event) and
	// publishes the new state.
	if ev := next(t, ch); ev.Kind != StateChanged || ev.Registration.State != "OTP_SENT" {
		t.Fatalf("after SendOTP: %s %s, want STATE_CHANGED to OTP_SENT", ev.Kind, ev.Registration.State)
	}
	m := f.addSMS(t, reg, sms.Delivered)
	if ev := next(t, ch); ev.Kind != SMSStatusChanged || ev.Sms == nil || ev.Sms.ID != m.ID {
		t.Fatalf("after an SMS change: %+v, want SMS_STATUS_CHANGED with the message", ev)
	}
	publish := func(e events.Event) {
		if err := f.bus.Publish(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	publish(events.Event{Topic: events.TopicRegistration, ID: string(pulid.New("RG")), Status: "CREATED"}) // another case
	publish(events.Event{Topic: events.TopicSession, ID: "SE-other"})                                      // another session
	publish(events.Event{Topic: events.TopicResync})
	if ev := next(t, ch); ev.Kind != Snapshot || ev.Sms == nil || ev.Sms.ID != m.ID {
		t.Fatalf("after resync: %+v, want a SNAPSHOT with the message (other cases and sessions ignored)", ev)
	}
	cancel()
	if got := drainClosed(t, ch); len(got) != 0 {
		t.Fatalf("after cancel: %d more events, want the channel closed", len(got))
	}
	if len(why.Codes()) != 0 {
		t.Errorf("ended by its own ctx, onEnd got %v; want nothing", why.Codes())
	}
	noGoroutineLeak(t, before)
}

// eventsShareOneSubscription: watchers share one bus subscription, started and stopped with them.
func eventsShareOneSubscription(t *testing.T, f *fixture, reg *ent.Registration) {
	before := runtime.NumGoroutine()
	bus := &testkit.CountingBus{Bus: f.bus}
	cfg := f.cfg
	cfg.Bus = bus
	svc := New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	var chans []<-chan *Event
	for _, actor := range []string{registrar1, adminA, registrar1, adminA} {
		ch, err := svc.Events(watchCtx(ctx, f.as(t, actor)), reg.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		next(t, ch) // the snapshot
		chans = append(chans, ch)
	}
	if n := bus.Subscriptions(); n != 1 {
		t.Fatalf("%d bus subscriptions for 4 watchers, want 1", n)
	}
	f.addSMS(t, reg, sms.Sent)
	var shared *Event
	for i, ch := range chans {
		ev := next(t, ch)
		if ev.Kind != SMSStatusChanged {
			t.Fatalf("watcher %d: %s, want SMS_STATUS_CHANGED", i, ev.Kind)
		}
		if shared == nil {
			shared = ev
		} else if ev != shared {
			t.Errorf("watcher %d got its own read of the event; want the one shared read", i)
		}
	}
	cancel()
	for _, ch := range chans {
		drainClosed(t, ch)
	}
	noGoroutineLeak(t, before)
	ch, err := svc.Events(f.as(t, registrar1), reg.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	next(t, ch)
	if n := bus.Subscriptions(); n != 2 {
		t.Errorf("%d bus subscriptions after the last watcher left and a new one came, want 2", n)
	}
}

// eventsEndOnRevokedSession: revoking the session ends the stream with UNAUTHENTICATED.
func eventsEndOnRevokedSession(t *testing.T, f *fixture, reg *ent.Registration) {
	before := runtime.NumGoroutine()
	var why testkit.Ends
	ch, err := f.svc.Events(f.asSession(t, adminA, "SE-admin"), reg.ID, why.OnEnd)
	if err != nil {
		t.Fatal(err)
	}
	next(t, ch)
	if err := f.bus.Publish(context.Background(), events.Event{Topic: events.TopicSession, ID: "SE-admin"}); err != nil {
		t.Fatal(err)
	}
	drainClosed(t, ch)
	if got := why.Codes(); len(got) != 1 || got[0] != refusal.Unauthenticated {
		t.Errorf("onEnd got %v, want [UNAUTHENTICATED]", got)
	}
	noGoroutineLeak(t, before)
}

// eventsSlowWatcherResyncs: a watcher that falls behind is told to resync; the
// others get every event.
func eventsSlowWatcherResyncs(t *testing.T, f *fixture, reg *ent.Registration) {
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var slowWhy testkit.Ends
	slow, err := f.svc.Events(watchCtx(ctx, f.as(t, registrar1)), reg.ID, slowWhy.OnEnd)
	if err != nil {
		t.Fatal(err)
	}
	fast, err := f.svc.Events(watchCtx(ctx, f.as(t, adminA)), reg.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	next(t, fast)
	const n = liveBuffer + 4
	got := make(chan int)
	go func() {
		count := 0
		for range n {
			select {
			case <-fast:
				count++
			case <-time.After(liveGuard):
			}
		}
		got <- count
	}()
	for range n {
		if err := f.bus.Publish(context.Background(), events.Event{Topic: events.TopicRegistration, ID: string(reg.ID), Status: "OTP_SENT"}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond) // within the bus's own buffer either way
	}
	if c := <-got; c != n {
		t.Errorf("the reading watcher got %d of %d events", c, n)
	}
	read := drainClosed(t, slow)
	if len(read) != liveBuffer {
		t.Errorf("the slow watcher read %d events before the end, want its buffer of %d", len(read), liveBuffer)
	}
	if codes := slowWhy.Codes(); len(codes) != 1 || codes[0] != refusal.ResyncRequired {
		t.Errorf("the slow watcher was told %v, want [RESYNC_REQUIRED]", codes)
	}
	cancel()
	drainClosed(t, fast)
	noGoroutineLeak(t, before)
}

// eventsEndWhenHidden: a policy change that hides the case ends the stream with NOT_FOUND.
func eventsEndWhenHidden(t *testing.T, f *fixture, reg *ent.Registration) {
	ctx := f.as(t, adminA)
	var why testkit.Ends
	ch, err := f.svc.Events(ctx, reg.ID, why.OnEnd)
	if err != nil {
		t.Fatal(err)
	}
	next(t, ch)
	f.svc.PolicyChanged(context.Background())
	select {
	case ev, ok := <-ch:
		t.Fatalf("policy unchanged: got %v (open %v), want the stream to go on", ev, ok)
	default:
	}
	f.db.Client.Officer.UpdateOne(f.officers[adminA]).ClearAdminUnitID().ExecX(testkit.System())
	t.Cleanup(func() {
		f.db.Client.Officer.UpdateOne(f.officers[adminA]).SetAdminUnitID(f.provA.ID).ExecX(testkit.System())
		_ = f.authz.Reload(context.Background())
	})
	if err := f.authz.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.svc.PolicyChanged(context.Background())
	drainClosed(t, ch)
	if got := why.Codes(); len(got) != 1 || got[0] != refusal.NotFound {
		t.Errorf("onEnd got %v, want [NOT_FOUND]", got)
	}
}

// eventsRefused: refused before any channel.
func eventsRefused(t *testing.T, f *fixture, reg *ent.Registration) {
	tests := []struct {
		name  string
		actor string
		id    pulid.ID
		want  refusal.Code
	}{
		{"anonymous", anonymous, reg.ID, refusal.Unauthenticated},
		{"admin of another province", adminB, reg.ID, refusal.NotFound},
		{"another registrar", registrar2, reg.ID, refusal.NotFound},
		{"no such registration", adminA, pulid.New("RG"), refusal.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			ch, err := f.svc.Events(f.as(t, tt.actor), tt.id, nil)
			if ch != nil || !refusal.Is(err, tt.want) {
				t.Errorf("got %v, %v; want refusal %s and no channel", ch, err, tt.want)
			}
			noGoroutineLeak(t, before)
		})
	}
}
