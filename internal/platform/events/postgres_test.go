package events

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/testkit/dbtest"
)

// replica starts a Postgres bus on dsn, closed when the test ends.
func replica(t testing.TB, dsn string) *Postgres {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	bus, err := NewPostgres(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	return bus
}

func subscribe(t testing.TB, bus Bus, topics ...string) <-chan Event {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch, err := bus.Subscribe(ctx, topics...)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestPostgresCarriesEventsBetweenReplicas(t *testing.T) {
	t.Parallel()
	dsn := dbtest.PostgresURL(t)
	a, b := replica(t, dsn), replica(t, dsn)
	onA, onB := subscribe(t, a, TopicSMS), subscribe(t, b, TopicSMS)
	allOnB := subscribe(t, b)

	at := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	ctx := context.Background()
	for _, e := range []Event{
		{Topic: TopicRegistration, ID: "r7", Status: "CREATED", At: at},
		{Topic: TopicSMS, ID: "s9", Status: "DELIVERED", At: at},
	} {
		if err := a.Publish(ctx, e); err != nil {
			t.Fatal(err)
		}
	}

	// The sms subscribers on both replicas (the publisher's own included) see only the sms event.
	for name, ch := range map[string]<-chan Event{"replica A": onA, "replica B": onB} {
		e := next(t, ch)
		if e.Topic != TopicSMS || e.ID != "s9" || e.Status != "DELIVERED" || !e.At.Equal(at) {
			t.Errorf("%s got %+v, want sms s9 DELIVERED at %v", name, e, at)
		}
	}
	// An every-topic subscriber sees both, in publishing order.
	if e := next(t, allOnB); e.Topic != TopicRegistration || e.ID != "r7" {
		t.Errorf("first event on B = %+v, want registration r7", e)
	}
	if e := next(t, allOnB); e.Topic != TopicSMS || e.ID != "s9" {
		t.Errorf("second event on B = %+v, want sms s9", e)
	}
	if err := a.Publish(ctx, Event{Topic: ""}); err == nil {
		t.Error("Postgres bus published an event without topic")
	}
}

func TestPostgresReconnectSendsResync(t *testing.T) {
	t.Parallel()
	dsn := dbtest.PostgresURL(t)
	a, b := replica(t, dsn), replica(t, dsn)
	onB := subscribe(t, b, TopicSMS)

	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Kill the listener connections of this database, as a failover or a network cut would.
	var killed int
	if err := db.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`).Scan(&killed); err != nil {
		t.Fatal(err)
	}
	if killed != 2 {
		t.Fatalf("terminated %d listener connections, want 2 (one per replica)", killed)
	}

	if e := next(t, onB); e.Topic != TopicResync {
		t.Fatalf("after the listener lost its connection B got %+v, want %s", e, TopicResync)
	}
	// Once resync is announced, the listener is listening again: events flow.
	if err := a.Publish(context.Background(), Event{Topic: TopicSMS, ID: "after"}); err != nil {
		t.Fatal(err)
	}
	if e := next(t, onB); e.Topic != TopicSMS || e.ID != "after" {
		t.Fatalf("after reconnecting B got %+v, want sms after", e)
	}
}

func TestPostgresCloseReleasesEverything(t *testing.T) {
	dsn := dbtest.PostgresURL(t)
	runtime.GC()
	before := runtime.NumGoroutine()

	bus, err := NewPostgres(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := bus.Subscribe(context.Background(), TopicPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Publish(context.Background(), Event{Topic: TopicPolicy}); err != nil {
		t.Fatal(err)
	}
	if e := next(t, ch); e.Topic != TopicPolicy {
		t.Fatalf("got %+v, want policy", e)
	}
	if err := bus.Close(); err != nil {
		t.Fatal(err)
	}
	if err := bus.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if got := drain(t, ch); len(got) != 0 {
		t.Errorf("subscription delivered %v after Close", got)
	}
	if err := bus.Publish(context.Background(), Event{Topic: TopicPolicy}); !errors.Is(err, ErrClosed) {
		t.Errorf("Publish after Close: err = %v, want ErrClosed", err)
	}
	if _, err := bus.Subscribe(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Subscribe after Close: err = %v, want ErrClosed", err)
	}
	assertNoGoroutineLeak(t, before)
}

func TestNewPostgresFailsWithoutDatabase(t *testing.T) {
	t.Parallel()
	// Port 1 on loopback: nothing listens there, the connection is refused at once.
	if _, err := NewPostgres(context.Background(), "postgres://motcua@127.0.0.1:1/motcua?sslmode=disable", nil); err == nil {
		t.Error("NewPostgres succeeded without a database")
	}
	dsn := dbtest.PostgresURL(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewPostgres(ctx, dsn, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("NewPostgres with a cancelled context: err = %v, want context.Canceled", err)
	}
}

// BenchmarkPostgresPublish measures Publish alone: one pg_notify round trip.
func BenchmarkPostgresPublish(b *testing.B) {
	dsn := dbtest.PostgresURL(b)
	a, other := replica(b, dsn), replica(b, dsn)
	ch := subscribe(b, other, TopicSMS)
	go func() {
		for range ch {
		}
	}()
	e := Event{Topic: TopicSMS, ID: "123456", Status: "DELIVERED", At: time.Now()}
	ctx := context.Background()
	for b.Loop() {
		if err := a.Publish(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPostgresDelivery measures the latency from Publish on one replica to receipt by
// a subscriber on another.
func BenchmarkPostgresDelivery(b *testing.B) {
	dsn := dbtest.PostgresURL(b)
	a, other := replica(b, dsn), replica(b, dsn)
	ch := subscribe(b, other, TopicSMS)
	e := Event{Topic: TopicSMS, ID: "123456", Status: "DELIVERED", At: time.Now()}
	ctx := context.Background()
	for b.Loop() {
		if err := a.Publish(ctx, e); err != nil {
			b.Fatal(err)
		}
		if got := next(b, ch); got.Topic != TopicSMS {
			b.Fatalf("got %+v", got)
		}
	}
}

// TestPostgresPublishKeepsItsConnections: many goroutines publishing at once
// reuse the bus's few connections instead of opening one per publish.
func TestPostgresPublishKeepsItsConnections(t *testing.T) {
	t.Parallel()
	dsn := dbtest.PostgresURL(t)
	bus := replica(t, dsn)
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	sessions := func() int {
		t.Helper()
		var n int
		if err := db.QueryRow(`SELECT sessions FROM pg_stat_database WHERE datname = current_database()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	ctx := context.Background()
	publish := func(publishers, each int) {
		t.Helper()
		errs := make(chan error, publishers)
		for range publishers {
			go func() {
				var err error
				for i := 0; i < each && err == nil; i++ {
					err = bus.Publish(ctx, Event{Topic: TopicSMS, ID: "s"})
				}
				errs <- err
			}()
		}
		for range publishers {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	}
	publish(50, 1) // the pool's connections are open from here on
	before := sessions()
	publish(50, 20)
	// The statistics collector publishes its counters lazily: force them.
	if _, err := db.Exec(`SELECT pg_stat_force_next_flush()`); err != nil {
		t.Fatal(err)
	}
	if opened := sessions() - before; opened > 0 {
		t.Errorf("1,000 publishes from 50 goroutines opened %d new connections, want none (the pool's are kept)", opened)
	}
}

// TestPostgresPublishesInOrderAndFlushesOnClose: events published by one
// goroutine arrive at another replica in order, and those still queued when
// the bus closes are sent before Close returns.
func TestPostgresPublishesInOrderAndFlushesOnClose(t *testing.T) {
	t.Parallel()
	dsn := dbtest.PostgresURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	a, err := NewPostgres(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	onB := subscribe(t, replica(t, dsn), TopicSMS)
	const n = subscriberBuffer - 1 // all fit in B's buffer: none is dropped for a slow reader
	for i := range n {
		if err := a.Publish(ctx, Event{Topic: TopicSMS, ID: strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Publish(ctx, Event{Topic: TopicSMS, ID: "late"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Publish after Close: err = %v, want ErrClosed", err)
	}
	for i := range n {
		select {
		case e := <-onB:
			if e.ID != strconv.Itoa(i) {
				t.Fatalf("event %d: got id %q, want %d (in order; \"\" is a resync)", i, e.ID, i)
			}
		case <-ctx.Done():
			t.Fatalf("only %d of %d events arrived", i, n)
		}
	}
}
