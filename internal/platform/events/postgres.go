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

// publishConns is the size of the publishing pool, every connection kept
// idle between publishes. A NOTIFY is one short statement and PostgreSQL
// serialises the commits of notifying transactions anyway, so a few
// connections carry any rate; database/sql's default (any number open, two
// kept idle) opened and closed a connection for most publishes under load —
// a backend forked and torn down each time, which took most of PostgreSQL's
// CPU during the desk flow.
const publishConns = 4

// Postgres carries events between replicas with PostgreSQL LISTEN/NOTIFY. Publish sends a
// NOTIFY; every replica (this one included) receives it on its listener connection and
// fans it out to its own subscribers through a Local. When the listener reconnects after
// losing its connection, notifications sent meanwhile are lost, so every local subscriber
// gets TopicResync.
type Postgres struct {
	db       *sql.DB // publishes, outside any business transaction
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
	db.SetMaxOpenConns(publishConns)
	db.SetMaxIdleConns(publishConns)
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
	p := &Postgres{db: db, listener: listener, local: NewLocal(), logger: logger, pumped: make(chan struct{})}
	go p.pump()
	return p, nil
}

// Publish sends e to the subscribers of every replica. Call it after the change committed:
// it runs on its own connection, outside any transaction.
func (p *Postgres) Publish(ctx context.Context, e Event) error {
	if p.closed.Load() {
		return ErrClosed
	}
	payload, err := encode(e)
	if err != nil {
		return err
	}
	if _, err := p.db.ExecContext(ctx, "SELECT pg_notify('"+channel+"', $1)", string(payload)); err != nil {
		return fmt.Errorf("events: publish %s: %w", e.Topic, err)
	}
	return nil
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
