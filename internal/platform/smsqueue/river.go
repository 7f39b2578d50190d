package smsqueue

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/store"
)

// queueName is River's queue for SMS jobs, apart from any other job kind
// the product may add later.
const queueName = "sms"

// sendArgs is the job: only the message id. The body stays sealed in the
// message row, never in River's tables or logs.
type sendArgs struct {
	MessageID string `json:"message_id"`
}

// Kind implements river.JobArgs.
func (sendArgs) Kind() string { return "sms.send" }

// driverFor picks River's driver for the database: riverdatabasesql on
// PostgreSQL (our *sql.DB is lib/pq, and the transactions to enqueue in are
// *sql.Tx), riversqlite on SQLite (modernc.org/sqlite through database/sql).
func driverFor(db *store.DB) riverdriver.Driver[*sql.Tx] {
	if db.IsPostgres() {
		return riverdatabasesql.New(db.SQL)
	}
	return riversqlite.New(db.SQL)
}

// Migrate creates or upgrades River's tables (river_job, river_leader, …)
// in db, each version in its own transaction (PostgreSQL cannot use an enum
// value in the transaction that added it). Several replicas may run it at
// once: on PostgreSQL they take turns on a session advisory lock; on SQLite
// each version's transaction is exclusive (store opens immediate
// transactions) and a version already applied is skipped.
func Migrate(ctx context.Context, db *store.DB) error {
	migrator, err := rivermigrate.New(driverFor(db), nil)
	if err != nil {
		return fmt.Errorf("smsqueue: migrate: %w", err)
	}
	if db.IsPostgres() {
		conn, err := db.SQL.Conn(ctx)
		if err != nil {
			return fmt.Errorf("smsqueue: migrate: %w", err)
		}
		defer conn.Close()
		// Any constant: it only has to differ from the product's other advisory locks.
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(7234001)"); err != nil {
			return fmt.Errorf("smsqueue: migrate: lock: %w", err)
		}
		defer func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(7234001)") }()
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("smsqueue: migrate: %w", err)
	}
	return nil
}

func newRiverClient(q *Queue, cfg Config) (*river.Client[*sql.Tx], error) {
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &sendWorker{q: q}); err != nil {
		return nil, fmt.Errorf("smsqueue: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &receiptDeadlineWorker{q: q}); err != nil {
		return nil, fmt.Errorf("smsqueue: %w", err)
	}
	sweep := cfg.ReceiptSweep
	if sweep <= 0 {
		sweep = q.deadlines.sweepInterval()
	}
	n := cfg.Workers
	if n <= 0 {
		n = DefaultWorkers
	}
	jobTimeout := cfg.JobTimeout
	if jobTimeout <= 0 {
		jobTimeout = DefaultJobTimeout
	}
	poll := cfg.PollInterval
	if poll <= 0 {
		poll = DefaultPollInterval
	}
	client, err := river.NewClient(driverFor(cfg.DB), &river.Config{
		Queues:  map[string]river.QueueConfig{queueName: {MaxWorkers: n}},
		Workers: workers,
		// The receipt deadlines are enforced by a periodic job, which only
		// River's elected leader inserts: one sweep at a time across the
		// replicas, taken over by another replica when the leader dies.
		PeriodicJobs:      []*river.PeriodicJob{receiptDeadlineJob(sweep)},
		MaxAttempts:       q.maxAttempts,
		RetryPolicy:       retryPolicy{b: q.retry},
		JobTimeout:        jobTimeout,
		FetchPollInterval: poll,
		FetchCooldown:     min(poll, river.FetchCooldownDefault),
		// A replica that died mid-send leaves its job running; another
		// replica takes it over after this and sends again with the same id.
		RescueStuckJobsAfter: jobTimeout + 15*time.Second,
		Logger:               q.log,
	})
	if err != nil {
		return nil, fmt.Errorf("smsqueue: river client: %w", err)
	}
	return client, nil
}

// sendWorker runs a send job.
type sendWorker struct {
	river.WorkerDefaults[sendArgs]
	q *Queue
}

// Work sends the message of the job; see Queue.send.
func (w *sendWorker) Work(ctx context.Context, job *river.Job[sendArgs]) error {
	return w.q.send(ctx, pulid.ID(job.Args.MessageID), job.Attempt, job.MaxAttempts)
}
