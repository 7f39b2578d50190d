package events

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/testkit/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// guard bounds every wait so that a bug hangs one test, not the run; no test relies on it
// elapsing.
const guard = 30 * time.Second

// next receives one event or fails.
func next(t testing.TB, ch <-chan Event) Event {
	t.Helper()
	select {
	case e, ok := <-ch:
		if !ok {
			t.Fatal("subscription closed, want an event")
		}
		return e
	case <-time.After(guard):
		t.Fatalf("no event within %v", guard)
		return Event{}
	}
}

// drain reads a subscription until it is closed.
func drain(t testing.TB, ch <-chan Event) []Event {
	t.Helper()
	var got []Event
	timeout := time.After(guard)
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				return got
			}
			got = append(got, e)
		case <-timeout:
			t.Fatalf("subscription not closed within %v; got %v", guard, got)
		}
	}
}

func topicsOf(es []Event) []string {
	var ts []string
	for _, e := range es {
		ts = append(ts, e.Topic+":"+e.ID)
	}
	return ts
}

func TestLocalFanOutAndTopicFiltering(t *testing.T) {
	bus := NewLocal()
	ctx := context.Background()
	subscribe := func(topics ...string) <-chan Event {
		ch, err := bus.Subscribe(ctx, topics...)
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	all := subscribe()
	sms := subscribe(TopicSMS)
	regOrPolicy := subscribe(TopicRegistration, TopicPolicy)
	sms2 := subscribe(TopicSMS)

	published := []Event{
		{Topic: TopicRegistration, ID: "r1", Status: "OTP_SENT"},
		{Topic: TopicSMS, ID: "s1", Status: "SENT"},
		{Topic: TopicPolicy},
		{Topic: TopicSession, ID: "x1"},
		{Topic: TopicSMS, ID: "s1", Status: "DELIVERED"},
		{Topic: TopicResync},
	}
	for _, e := range published {
		if err := bus.Publish(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := bus.Close(); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		ch   <-chan Event
		want []string
	}{
		{"all topics", all, []string{"registration:r1", "sms:s1", "policy:", "session:x1", "sms:s1", "resync:"}},
		{"sms", sms, []string{"sms:s1", "sms:s1", "resync:"}},
		{"second sms subscriber", sms2, []string{"sms:s1", "sms:s1", "resync:"}},
		{"registration and policy", regOrPolicy, []string{"registration:r1", "policy:", "resync:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := drain(t, tt.ch)
			if !slices.Equal(topicsOf(got), tt.want) {
				t.Errorf("got %v, want %v", topicsOf(got), tt.want)
			}
		})
	}
}

func TestLocalSubscriptionEndsWithContext(t *testing.T) {
	bus := NewLocal()
	defer bus.Close()
	before := runtime.NumGoroutine()

	var cancels []context.CancelFunc
	var chans []<-chan Event
	for range 100 {
		ctx, cancel := context.WithCancel(context.Background())
		ch, err := bus.Subscribe(ctx, TopicSMS)
		if err != nil {
			t.Fatal(err)
		}
		cancels, chans = append(cancels, cancel), append(chans, ch)
	}
	if err := bus.Publish(context.Background(), Event{Topic: TopicSMS, ID: "1"}); err != nil {
		t.Fatal(err)
	}
	for _, cancel := range cancels {
		cancel()
	}
	for i, ch := range chans {
		if got := drain(t, ch); len(got) > 1 {
			t.Errorf("subscription %d: got %v, want at most the one event published before cancel", i, got)
		}
	}
	// Publishing after the subscribers left must not touch their closed channels.
	if err := bus.Publish(context.Background(), Event{Topic: TopicSMS, ID: "2"}); err != nil {
		t.Fatal(err)
	}
	bus.mu.Lock()
	left := len(bus.subs)
	bus.mu.Unlock()
	if left != 0 {
		t.Errorf("%d subscriptions remain registered after their contexts ended", left)
	}
	assertNoGoroutineLeak(t, before)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := bus.Subscribe(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Subscribe with a cancelled context: err = %v, want context.Canceled", err)
	}
}

// assertNoGoroutineLeak waits, a bounded number of times, for goroutines that are merely
// finishing to exit; only a goroutine that never exits fails the test.
func assertNoGoroutineLeak(t *testing.T, before int) {
	t.Helper()
	var now int
	for range 200 {
		if now = runtime.NumGoroutine(); now <= before {
			return
		}
		runtime.Gosched()
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<20)
	t.Errorf("goroutines: %d before, %d after\n%s", before, now, buf[:runtime.Stack(buf, true)])
}

func TestLocalSlowSubscriberGetsResyncAndPublisherNeverBlocks(t *testing.T) {
	bus := NewLocal()
	ctx := context.Background()
	slow, err := bus.Subscribe(ctx, TopicSMS)
	if err != nil {
		t.Fatal(err)
	}
	const n = 10*subscriberBuffer + 7
	published := make(chan error, 1)
	go func() {
		for i := range n {
			if err := bus.Publish(ctx, Event{Topic: TopicSMS, ID: strconv.Itoa(i)}); err != nil {
				published <- err
				return
			}
		}
		published <- nil
	}()
	select {
	case err := <-published:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(guard):
		t.Fatal("Publish blocked on a subscriber that does not read")
	}
	if err := bus.Close(); err != nil {
		t.Fatal(err)
	}
	got := drain(t, slow)
	if len(got) == 0 || len(got) > subscriberBuffer {
		t.Fatalf("slow subscriber holds %d events, want 1..%d", len(got), subscriberBuffer)
	}
	if got[0].Topic != TopicResync {
		t.Fatalf("first event after overflow is %v, want %s", got[0], TopicResync)
	}
	// After the resync come the newest events, in order, ending with the last one published.
	for i, e := range got[1:] {
		want := strconv.Itoa(n - len(got) + 1 + i)
		if e.Topic != TopicSMS || e.ID != want {
			t.Fatalf("event %d after resync = %+v, want sms %s", i, e, want)
		}
	}
}

func TestLocalResyncReachesEverySubscriber(t *testing.T) {
	bus := NewLocal()
	defer bus.Close()
	var chans []<-chan Event
	for _, topics := range [][]string{nil, {TopicSMS}, {TopicPolicy, TopicSession}} {
		ch, err := bus.Subscribe(context.Background(), topics...)
		if err != nil {
			t.Fatal(err)
		}
		chans = append(chans, ch)
	}
	if !bus.deliver(Event{Topic: TopicResync}) {
		t.Fatal("deliver on an open bus reported closed")
	}
	for i, ch := range chans {
		if e := next(t, ch); e.Topic != TopicResync {
			t.Errorf("subscriber %d got %v, want resync", i, e)
		}
	}
}

func TestPublishRefusesBadEvents(t *testing.T) {
	tests := []struct {
		name    string
		e       Event
		wantErr string
	}{
		{"no topic", Event{ID: "1"}, "empty topic"},
		{"too large for NOTIFY", Event{Topic: TopicSMS, ID: strings.Repeat("x", 8000)}, "limit 7999"},
	}
	bus := NewLocal()
	defer bus.Close()
	ch, err := bus.Subscribe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := bus.Publish(context.Background(), tt.e)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
	// The largest event that fits is accepted.
	fits := Event{Topic: TopicSMS}
	b, _ := encode(fits)
	fits.ID = strings.Repeat("x", MaxEncodedSize-len(b)-len(`,"id":""`))
	if err := bus.Publish(context.Background(), fits); err != nil {
		t.Errorf("event of exactly %d bytes refused: %v", MaxEncodedSize, err)
	}
	bus.Close()
	if got := drain(t, ch); len(got) != 1 || got[0].ID != fits.ID {
		t.Errorf("delivered %d events, want only the one that fits", len(got))
	}
}

func TestLocalClosed(t *testing.T) {
	bus := NewLocal()
	ch, err := bus.Subscribe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Close(); err != nil {
		t.Fatal(err)
	}
	if err := bus.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if got := drain(t, ch); len(got) != 0 {
		t.Errorf("closed subscription delivered %v", got)
	}
	if err := bus.Publish(context.Background(), Event{Topic: TopicSMS}); !errors.Is(err, ErrClosed) {
		t.Errorf("Publish after Close: err = %v, want ErrClosed", err)
	}
	if _, err := bus.Subscribe(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Subscribe after Close: err = %v, want ErrClosed", err)
	}
}

func TestEventRoundTrip(t *testing.T) {
	at := time.Date(2025, 3, 1, 9, 30, 0, 123456789, time.FixedZone("ICT", 7*3600))
	tests := []Event{
		{Topic: TopicSMS, ID: "17", Status: "DELIVERED", At: at},
		{Topic: TopicPolicy},
		{Topic: TopicResync},
	}
	for _, e := range tests {
		b, err := encode(e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if got.Topic != e.Topic || got.ID != e.ID || got.Status != e.Status || !got.At.Equal(e.At) {
			t.Errorf("round trip of %+v gave %+v (wire %s)", e, got, b)
		}
	}
	for _, bad := range []string{"", "{", `{"id":"1"}`, `"sms"`} {
		if _, err := decode([]byte(bad)); err == nil {
			t.Errorf("decode(%q) accepted", bad)
		}
	}
}

func BenchmarkLocalPublish(b *testing.B) {
	bus := NewLocal()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := bus.Subscribe(ctx, TopicSMS)
	if err != nil {
		b.Fatal(err)
	}
	go func() {
		for range ch {
		}
	}()
	e := Event{Topic: TopicSMS, ID: "123456", Status: "DELIVERED", At: time.Now()}
	for b.Loop() {
		if err := bus.Publish(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	bus.Close()
}
