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
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/motcua/motcua/internal/platform/store"
)

// DefaultPollInterval is how often an idle replica looks for due jobs. On
// PostgreSQL it is only the safety net: a job inserted for now wakes every
// replica's queue at its commit, through LISTEN/NOTIFY (see listenerPool
// and notifyInsert). SQLite has no notifications and polls.
const DefaultPollInterval = 500 * time.Millisecond

// fetchCooldown: see open.
const fetchCooldown = 5 * time.Millisecond

// UrgentPollInterval is how often an Urgent queue looks for due jobs where
// nothing wakes it on commit: on SQLite (no notifications; the one process
// polls its own file, a local query) and on PostgreSQL with PollOnly. A
// person at the desk waits for what such a queue does (an OTP SMS), and
// DefaultPollInterval would add up to half a second to each.
const UrgentPollInterval = 50 * time.Millisecond

// rescueGrace is added to the shortest queue timeout: a job still running
// that long after it started is taken to belong to a replica that died, and
// is retried. River has one rescue window for every queue, so it must suit
// the queue that needs its retries soonest (an SMS whose code expires): jobs
// of queues with a longer timeout may then run twice, and are written so
// that this is harmless (idempotent work serialised by its own lock).
const rescueGrace = 15 * time.Second

// Config configures a Runner.
type Config struct {
	// PollInterval: 0 means DefaultPollInterval.
	PollInterval time.Duration
	// PollOnly turns off the wake on commit on PostgreSQL (no LISTEN): for
	// a connection pooler in transaction mode, which cannot hold a LISTEN.
	PollOnly bool
	Logger   *slog.Logger
}

// Queue describes one queue and the longest an attempt of its jobs may run.
type Queue struct {
	Name       string
	MaxWorkers int
	// Timeout bounds one attempt of each of the queue's jobs (0: the
	// shortest Timeout of the other queues). A job whose replica died is rescued 15 s after the
	// shortest Timeout of all queues (see rescueGrace).
	Timeout time.Duration
	// Urgent: someone waits for the queue's jobs. Where the queue is not
	// woken on commit, it is polled every UrgentPollInterval.
	Urgent bool
}

// Runner is the River client of a process, built on first use.
type Runner struct {
	db  *store.DB
	cfg Config

	mu       sync.Mutex
	workers  *river.Workers
	queues   map[string]river.QueueConfig
	periodic []*river.PeriodicJob
	timeout  time.Duration // the shortest queue timeout
	client   *river.Client[*sql.Tx]
	// listen is the pgx pool River takes its LISTEN connection from
	// (PostgreSQL only); closed by Stop.
	listen  *pgxpool.Pool
	started bool
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
	if q.Timeout > 0 {
		w = timed[T]{Worker: w, timeout: q.Timeout}
	}
	if err := river.AddWorkerSafely(r.workers, w); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	if _, ok := r.queues[q.Name]; !ok {
		r.queues[q.Name] = r.queueConfig(q)
	}
	if q.Timeout > 0 && (r.timeout == 0 || q.Timeout < r.timeout) {
		r.timeout = q.Timeout
	}
	return nil
}

// queueConfig is River's configuration of q.
func (r *Runner) queueConfig(q Queue) river.QueueConfig {
	// FetchCooldown: the least time between two fetches of the queue.
	// River's 100 ms would hold a job inserted just after another for up to
	// that long when it is woken; wake-ups come only with jobs, so a short
	// one costs a fetch per job at most.
	c := river.QueueConfig{MaxWorkers: max(q.MaxWorkers, 1), FetchCooldown: min(fetchCooldown, r.cfg.PollInterval)}
	if q.Urgent && (!r.db.IsPostgres() || r.cfg.PollOnly) {
		c.FetchPollInterval = min(UrgentPollInterval, r.cfg.PollInterval)
	}
	return c
}

// timed gives a worker its queue's timeout: River has one default for
// every queue, and the queues' needs differ (an SMS send, a roll-up rebuild).
type timed[T river.JobArgs] struct {
	river.Worker[T]
	timeout time.Duration
}

// Timeout implements river.Worker.
func (w timed[T]) Timeout(*river.Job[T]) time.Duration { return w.timeout }

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

// open builds the client, from what was registered so far. A client built
// to insert (forWork false) has no LISTEN connection: a process that only
// inserts, such as a CLI command, must not hold one. When such a client is
// then started, open rebuilds it once with the listener; the discarded
// client never ran, so it never took part in River's leader election.
func (r *Runner) open(forWork bool) (*river.Client[*sql.Tx], error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.client != nil && (!forWork || r.listen != nil || !r.wantsListener()) {
		return r.client, nil
	}
	cfg := &river.Config{
		PeriodicJobs:      r.periodic,
		FetchPollInterval: r.cfg.PollInterval,
		// River also limits its own insert notification with the client's
		// FetchCooldown, and sends it inside the inserting transaction:
		// PostgreSQL serialises the commits of transactions that NOTIFY (one
		// lock held through the commit's WAL flush), so at the desks' pace
		// every SMS-enqueuing commit queued behind the others. With the
		// poll interval here River notifies at most once per poll per
		// queue; wake (after the commit, outside the transaction) wakes the
		// queues for every job, and each queue's own FetchCooldown (see
		// queueConfig) keeps fetches prompt.
		FetchCooldown: r.cfg.PollInterval,
		Logger:        r.cfg.Logger,
	}
	if len(r.queues) > 0 {
		cfg.Queues, cfg.Workers = r.queues, r.workers
	}
	if r.timeout > 0 {
		// River wants its default timeout within the rescue window; every
		// queue with a Timeout has its own (timed).
		cfg.JobTimeout = r.timeout
		cfg.RescueStuckJobsAfter = r.timeout + rescueGrace
	}
	driver := driverFor(r.db)
	if forWork && r.wantsListener() {
		pool, err := listenerPool(r.db.DSN)
		if err != nil {
			return nil, err
		}
		r.listen = pool
		driver = riverdatabasesql.NewWithPgxListener(r.db.SQL, pool)
	}
	c, err := river.NewClient(driver, cfg)
	if err != nil {
		if r.listen != nil {
			r.listen.Close()
			r.listen = nil
		}
		return nil, fmt.Errorf("jobs: river client: %w", err)
	}
	r.client = c
	return c, nil
}

// wantsListener: a replica that works jobs on PostgreSQL LISTENs, unless
// told to poll only.
func (r *Runner) wantsListener() bool {
	return r.db.IsPostgres() && len(r.queues) > 0 && !r.cfg.PollOnly
}

// listenerPool is where River takes the one connection it keeps LISTENing
// on. River's database/sql driver cannot LISTEN through database/sql; its
// NewWithPgxListener takes the listening connection from a pgx pool (pgx
// is already what River's drivers are built on), while every query and
// the transactions we insert in stay on our lib/pq *sql.DB. The pool
// connects lazily and its one connection is River's for good.
func listenerPool(dsn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("jobs: listener: %w", err)
	}
	cfg.MinConns, cfg.MaxConns = 0, 1
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("jobs: listener: %w", err)
	}
	return pool, nil
}

// InsertTx adds a job in tx: it exists once tx commits, not if it rolls back.
func (r *Runner) InsertTx(ctx context.Context, tx *store.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	c, err := r.open(false)
	if err != nil {
		return err
	}
	res, err := c.InsertTx(ctx, tx.SQL, args, opts)
	if err != nil {
		return fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	if r.db.IsPostgres() && !r.cfg.PollOnly && res.Job.State == rivertype.JobStateAvailable {
		queue := res.Job.Queue
		ctx := context.WithoutCancel(ctx)
		tx.OnCommit(func() { r.wake(ctx, queue) })
	}
	return nil
}

// wake wakes queue on every replica once a job was committed: River's
// producers fetch when they hear this notification (LISTEN, see
// listenerPool), on this replica as on the others. River sends the same
// notification itself, but at most once per poll interval per queue (see
// open), so a job inserted just after another would wait for the next
// poll; this one is sent for every job. It is sent after the commit, on a
// connection of its own: a NOTIFY inside the business transaction would
// make its commit wait for every other notifying commit (PostgreSQL
// serialises them), while a transaction that only notifies writes nothing
// to flush. A lost wake-up costs a poll interval, so it is logged, not
// returned. The channel and payload are River's insert notification: its
// schema-qualified "river_insert" topic and {"queue": name}.
func (r *Runner) wake(ctx context.Context, queue string) {
	payload, err := json.Marshal(struct {
		Queue string `json:"queue"`
	}{queue})
	if err == nil {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_, err = r.db.SQL.ExecContext(ctx, `SELECT pg_notify(concat(current_schema(), '.river_insert'), $1)`, string(payload))
	}
	if err != nil {
		r.cfg.Logger.Warn("jobs: wake", "queue", queue, "err", err)
	}
}

// Start starts this replica's workers (and its bid for leadership). A
// process that only inserts jobs, such as a CLI command, never starts.
func (r *Runner) Start(ctx context.Context) error {
	c, err := r.open(true)
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
	c, started, listen := r.client, r.started, r.listen
	r.started, r.listen = false, nil
	r.mu.Unlock()
	if listen != nil {
		// Stopping the client closes the LISTEN connection it took.
		defer listen.Close()
	}
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
