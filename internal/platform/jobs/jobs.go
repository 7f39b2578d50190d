// Package jobs is the process's one background-job runner: a River client
// on the product's own database, shared by every capability that queues
// work (SMS sends, receipt deadlines, back-channel logouts).
//
// There must be one client per process, not one per capability: River
// elects a single leader per database among the clients that work jobs, and
// only the leader inserts periodic jobs. Two clients in one process would
// compete for that leadership, and the periodic jobs of the one that lost
// would never run.
//
// Capabilities register their queues, workers and periodic jobs while they
// are built (Add, AddPeriodic); the client is created on first use
// (InsertTx or Start), after which registering is refused.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/motcua/motcua/internal/platform/store"
)

// DefaultPollInterval is how often an idle replica looks for due jobs when
// the database cannot notify it (River's database/sql drivers poll).
const DefaultPollInterval = 500 * time.Millisecond

// rescueGrace is added to the longest job timeout: a job still running that
// long after it started belongs to a replica that died, and is retried.
const rescueGrace = 15 * time.Second

// Config configures a Runner.
type Config struct {
	// PollInterval: 0 means DefaultPollInterval.
	PollInterval time.Duration
	Logger       *slog.Logger
}

// Queue describes one queue and the longest an attempt of its jobs may run.
type Queue struct {
	Name       string
	MaxWorkers int
	// Timeout bounds one attempt of the queue's jobs (the workers' own
	// Timeout methods may shorten it). A job whose replica died is rescued
	// Timeout + 15 s after it started.
	Timeout time.Duration
}

// Runner is the River client of a process, built on first use.
type Runner struct {
	db  *store.DB
	cfg Config

	mu       sync.Mutex
	workers  *river.Workers
	queues   map[string]river.QueueConfig
	periodic []*river.PeriodicJob
	timeout  time.Duration
	client   *river.Client[*sql.Tx]
	started  bool
}

// New returns a runner on db; it talks to the database only when used.
func New(db *store.DB, cfg Config) *Runner {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Runner{db: db, cfg: cfg, workers: river.NewWorkers(), queues: map[string]river.QueueConfig{}}
}

// ErrOpened refuses a registration once the client exists.
var ErrOpened = errors.New("jobs: registration after the runner was first used")

// Add registers worker w on queue q (several workers may share a queue; the
// first registration's MaxWorkers counts).
func Add[T river.JobArgs](r *Runner, q Queue, w river.Worker[T]) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.client != nil {
		return ErrOpened
	}
	if err := river.AddWorkerSafely(r.workers, w); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	if _, ok := r.queues[q.Name]; !ok {
		r.queues[q.Name] = river.QueueConfig{MaxWorkers: max(q.MaxWorkers, 1)}
	}
	r.timeout = max(r.timeout, q.Timeout)
	return nil
}

// AddPeriodic registers a periodic job, inserted by whichever replica is
// River's leader at the time.
func (r *Runner) AddPeriodic(p *river.PeriodicJob) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.client != nil {
		return ErrOpened
	}
	r.periodic = append(r.periodic, p)
	return nil
}

// open builds the client once, from what was registered so far.
func (r *Runner) open() (*river.Client[*sql.Tx], error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.client != nil {
		return r.client, nil
	}
	cfg := &river.Config{
		PeriodicJobs:      r.periodic,
		FetchPollInterval: r.cfg.PollInterval,
		FetchCooldown:     min(r.cfg.PollInterval, river.FetchCooldownDefault),
		Logger:            r.cfg.Logger,
	}
	if len(r.queues) > 0 {
		cfg.Queues, cfg.Workers = r.queues, r.workers
	}
	if r.timeout > 0 {
		cfg.JobTimeout = r.timeout
		cfg.RescueStuckJobsAfter = r.timeout + rescueGrace
	}
	c, err := river.NewClient(driverFor(r.db), cfg)
	if err != nil {
		return nil, fmt.Errorf("jobs: river client: %w", err)
	}
	r.client = c
	return c, nil
}

// InsertTx adds a job in tx: it exists once tx commits, not if it rolls back.
func (r *Runner) InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	c, err := r.open()
	if err != nil {
		return err
	}
	if _, err := c.InsertTx(ctx, tx, args, opts); err != nil {
		return fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return nil
}

// Start starts this replica's workers (and its bid for leadership). A
// process that only inserts jobs, such as a CLI command, never starts.
func (r *Runner) Start(ctx context.Context) error {
	c, err := r.open()
	if err != nil {
		return err
	}
	if err := c.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	r.mu.Lock()
	r.started = true
	r.mu.Unlock()
	return nil
}

// Stop stops fetching jobs and waits for those running until ctx is done.
func (r *Runner) Stop(ctx context.Context) error {
	r.mu.Lock()
	c, started := r.client, r.started
	r.started = false
	r.mu.Unlock()
	if !started {
		return nil
	}
	if err := c.Stop(ctx); err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

// driverFor picks River's driver for the database: riverdatabasesql on
// PostgreSQL (our *sql.DB is lib/pq, and the transactions to insert in are
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
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	if db.IsPostgres() {
		conn, err := db.SQL.Conn(ctx)
		if err != nil {
			return fmt.Errorf("jobs: migrate: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(7234001)"); err != nil {
			return fmt.Errorf("jobs: migrate: lock: %w", err)
		}
		defer func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(7234001)") }()
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}
