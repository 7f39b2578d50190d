package app_test

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/smsqueue"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/gqlclient"
)

// A thousand SMS monitors on a real server: every one gets the event, and
// once they have all gone the server is back to the goroutines it had
// before (the shared feed, its bus subscription and the keep-alive ticker
// stop with the last subscriber).
func TestThousandMonitorsComeAndGo(t *testing.T) {
	databases(t, func(t *testing.T, s *testServer) {
		super := s.signIn(t, superAdmin, superPass)
		const query = `subscription { smsActivity { id status } }`
		// One monitor first, so that what runs once per process (connection
		// pools, the River client's goroutines) is counted in before.
		warm, err := super.Subscribe(context.Background(), query, nil)
		if err != nil {
			t.Fatal(err)
		}
		waitSubscribed(t, s, 1)
		if id := enqueueSMS(t, s); !waitFor(t, warm, id) {
			t.Fatal("the first monitor did not get the event")
		}
		warm.Close()
		settle(t, -1)
		before := runtime.NumGoroutine()

		const n = 1000
		subs := make([]*gqlclient.Subscription, n)
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for w := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < n; i += 20 {
					sub, err := (&gqlclient.Client{BaseURL: s.URL, Token: super.Token}).Subscribe(context.Background(), query, nil)
					if err != nil {
						errs <- err
						return
					}
					subs[i] = sub
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		// A subscribe message is answered only by events: wait until the
		// server holds all of them before publishing.
		waitSubscribed(t, s, n)
		id := enqueueSMS(t, s)
		for i, sub := range subs {
			if !waitFor(t, sub, id) {
				t.Fatalf("monitor %d did not get the event", i)
			}
		}
		for _, sub := range subs {
			sub.Close()
		}
		// The server's background work (River's leader election and
		// workers, connection pools) comes and goes on its own schedule, so
		// "back to idle" allows it a margin; anything left per monitor (five
		// goroutines each before the feeds were shared) would be thousands.
		settle(t, before+backgroundMargin)
	})
}

// backgroundMargin is how many goroutines the server's own background work
// may add between two counts.
const backgroundMargin = 50

// enqueueSMS commits one message (QUEUED) at the root, which the super
// admin's scope covers, and returns its id.
func enqueueSMS(t testing.TB, s *testServer) string {
	t.Helper()
	var id string
	err := s.App.DB.InTx(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		m, err := s.App.Queue.Enqueue(ctx, tx, smsqueue.Outgoing{
			Kind: sms.ResetOTP, Phone: "0912000111", Body: "Ma xac nhan: 123456", UnitPath: "/",
		})
		if err == nil {
			id = string(m.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// waitFor reads sub until it gets a status of message id; false if the
// stream ended first.
func waitFor(t *testing.T, sub *gqlclient.Subscription, id string) bool {
	t.Helper()
	for {
		typ, resp, err := sub.Next(30 * time.Second)
		if err != nil || typ != "next" {
			t.Logf("stream ended: %s %v", typ, err)
			return false
		}
		var out struct{ SmsActivity struct{ ID string } }
		if err := resp.Decode(&out); err == nil && out.SmsActivity.ID == id {
			return true
		}
	}
}

// waitSubscribed waits (bounded) until n monitors are subscribed.
func waitSubscribed(t *testing.T, s *testServer, n int) {
	t.Helper()
	for range 600 {
		if s.App.Queue.Monitors() >= n {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%d monitors subscribed, want %d", s.App.Queue.Monitors(), n)
}

// settle waits (bounded) until the goroutines are at most want (or, with
// want < 0, stop changing), failing with their stacks otherwise.
func settle(t *testing.T, want int) {
	t.Helper()
	last := -1
	for range 600 {
		now := runtime.NumGoroutine()
		if (want >= 0 && now <= want) || (want < 0 && now == last) {
			return
		}
		last = now
		time.Sleep(50 * time.Millisecond)
	}
	if want >= 0 {
		buf := make([]byte, 4<<20)
		t.Fatalf("goroutines: %d before the monitors, %d after they left\n%s", want, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
	}
}
