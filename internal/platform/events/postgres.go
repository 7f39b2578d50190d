package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/lib/pq"
)

// channel is the one NOTIFY channel all replicas share; the topic travels in the payload.
const channel = "motcua_events"

// How soon the listener reconnects after losing its connection: at once if it had been up
// for minReconnect, then doubling after each failed attempt up to maxReconnect.
const (
	minReconnect = 250 * time.Millisecond
	maxReconnect = 10 * time.Second
)

// Publishing is asynchronous and batched: Publish queues the encoded event
// (up to publishQueue of them; a full queue makes Publish wait) and one
// goroutine sends whatever is queued, up to publishBatch events, as the
// notifications of one statement — one transaction, so one commit under
// PostgreSQL's lock on the notification queue, which serialises the commits
// of every notifying transaction in the cluster. Before, each Publish was a
// NOTIFY round trip of its own that the request or SMS worker waited for.
// Each event stays a notification of its own: replicas of any version read
// them. The publisher keeps one connection open (database/sql's default
// pool of any number open and two idle had opened and closed a connection
// for most publishes under load: a backend forked and torn down each time).
const (
	publishQueue = 4096
	publishBatch = 200
)

// Postgres carries events between replicas with PostgreSQL LISTEN/NOTIFY. Publish sends a
// NOTIFY; every replica (this one included) receives it on its listener connection and
// fans it out to its own subscribers through a Local. When the listener reconnects after
// losing its connection, notifications sent meanwhile are lost, so every local subscriber
// gets TopicResync.
type Postgres struct {
	db       *sql.DB       // publishes, outside any business transaction
	out      chan []byte   // encoded events waiting for the publisher
	quit     chan struct{} // closed by Close: the publisher flushes and stops
	flushed  chan struct{} // closed when the publisher has stopped
	listener *pq.Listener
	local    *Local
	logger   *slog.Logger
	closed   atomic.Bool
	pumped   chan struct{} // closed when the notification pump has stopped
}

var _ Bus = (*Postgres)(nil)

// NewPostgres connects to the database at dsn (a lib/pq URL or key=value string) and
// starts listening. It fails if the database cannot be reached before ctx is done.
// A nil logger discards the bus's log lines.
func NewPostgres(ctx context.Context, dsn string, logger *slog.Logger) (*Postgres, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return nil, fmt.Errorf("events: open database: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	// Ping first: the listener retries forever, so a wrong address would otherwise only show as a wait.
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("events: connect: %w", err)
	}
	listener := pq.NewListener(dsn, minReconnect, maxReconnect, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventDisconnected:
			logger.Warn("events: lost the listener connection; reconnecting", "err", err)
		case pq.ListenerEventConnectionAttemptFailed:
			logger.Warn("events: listener reconnection failed; retrying", "err", err)
		case pq.ListenerEventReconnected:
			logger.Info("events: listener reconnected; subscribers will resync")
		}
	})
	listened := make(chan error, 1)
	go func() { listened <- listener.Listen(channel) }()
	select {
	case err = <-listened:
	case <-ctx.Done():
		_ = listener.Close() // makes Listen return
		<-listened
		err = ctx.Err()
	}
	if err != nil {
		_ = listener.Close()
		_ = db.Close()
		return nil, fmt.Errorf("events: listen: %w", err)
	}
	p := &Postgres{db: db, listener: listener, local: NewLocal(), logger: logger, pumped: make(chan struct{}),
		out: make(chan []byte, publishQueue), quit: make(chan struct{}), flushed: make(chan struct{})}
	go p.pump()
	go p.publish()
	return p, nil
}

// Publish sends e to the subscribers of every replica. Call it after the change committed.
// It queues e for the publisher (outside any transaction, on its own connection) and returns:
// an event that cannot be encoded is refused here; one the database then fails to take is
// logged (subscribers catch up on their next resync). It waits only while the queue is full.
func (p *Postgres) Publish(ctx context.Context, e Event) error {
	if p.closed.Load() {
		return ErrClosed
	}
	payload, err := encode(e)
	if err != nil {
		return err
	}
	select {
	case p.out <- payload:
		return nil
	case <-p.quit:
		return ErrClosed
	case <-ctx.Done():
		return fmt.Errorf("events: publish %s: %w", e.Topic, context.Cause(ctx))
	}
}

// publish sends the queued events in batches until Close, then what is left.
func (p *Postgres) publish() {
	defer close(p.flushed)
	batch := make([]string, 0, publishBatch)
	for {
		select {
		case b := <-p.out:
			batch = append(batch[:0], string(b))
		case <-p.quit:
			p.flush(batch[:0])
			return
		}
		for more := true; more && len(batch) < publishBatch; {
			select {
			case b := <-p.out:
				batch = append(batch, string(b))
			default:
				more = false
			}
		}
		_ = p.send(batch)
	}
}

// flush sends everything still queued when the bus closes. Once a batch
// fails (the database is gone) the rest is dropped, so that closing does not
// wait for one timeout per batch.
func (p *Postgres) flush(batch []string) {
	for {
		select {
		case b := <-p.out:
			batch = append(batch, string(b))
			if len(batch) == publishBatch {
				if p.send(batch) != nil {
					p.logger.Warn("events: closing: notifications dropped", "events", len(p.out))
					return
				}
				batch = batch[:0]
			}
		default:
			_ = p.send(batch)
			return
		}
	}
}

// send notifies every replica of batch in one statement (in order); a
// failure is logged and returned.
func (p *Postgres) send(batch []string) error {
	if len(batch) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := p.db.ExecContext(ctx, `SELECT pg_notify('`+channel+`', e) FROM unnest($1::text[]) AS e`, pq.Array(batch))
	if err != nil {
		p.logger.Warn("events: notifications not sent", "events", len(batch), "err", err)
	}
	return err
}

// Subscribe returns a channel of the events of topics (every topic when none are given),
// published by any replica, and of TopicResync. It is closed when ctx is done or the bus is closed.
func (p *Postgres) Subscribe(ctx context.Context, topics ...string) (<-chan Event, error) {
	return p.local.Subscribe(ctx, topics...)
}

// Close stops listening, closes every subscription and the database connections. While the
// database is unreachable it may wait for the listener's current reconnection pause
// (at most maxReconnect).
func (p *Postgres) Close() error {
	if !p.closed.CompareAndSwap(false, true) {
		return nil
	}
	close(p.quit)
	<-p.flushed
	err := p.listener.Close()
	<-p.pumped
	return errors.Join(err, p.local.Close(), p.db.Close())
}

// pump fans notifications out to local subscribers until the listener is closed.
func (p *Postgres) pump() {
	defer close(p.pumped)
	for n := range p.listener.Notify {
		if n == nil { // lib/pq's signal that it reconnected: anything sent meanwhile is lost
			p.local.deliver(Event{Topic: TopicResync})
			continue
		}
		e, err := decode([]byte(n.Extra))
		if err != nil {
			p.logger.Warn("events: ignored a malformed notification", "channel", n.Channel, "bytes", len(n.Extra), "err", err)
			continue
		}
		p.local.deliver(e)
	}
}
