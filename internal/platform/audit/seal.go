package audit

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"entgo.io/ent/dialect"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/auditevent"
	"github.com/motcua/motcua/internal/platform/jobs"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/policy/viewer"
)

// sealLockKey makes sealers take turns on PostgreSQL (SQLite transactions
// are already serial). Only sealers take it: writers never wait for it.
const sealLockKey = 7_286_002

// SealBatch is how many events one sealing transaction chains at most.
const SealBatch = 500

// Seal chains up to limit committed, unsealed events, in their append
// order, after the last sealed one, and returns how many it sealed.
//
// It never skips an event: it takes whatever is unsealed and committed now,
// not the events above a mark. An event whose transaction commits after a
// higher-numbered one (sequence order is not commit order on PostgreSQL)
// is simply sealed by the next pass, after it. The chain's order is
// therefore the order in which events became visible to the sealer, which
// is their commit order up to one sealing pass.
//
// A sealer that dies before committing leaves nothing behind (its
// transaction rolls back); the next one starts from the last sealed event.
func Seal(ctx context.Context, db *store.DB, limit int) (int, error) {
	sealed := 0
	err := db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		sealed = 0
		if tx.Dialect == dialect.Postgres {
			if _, err := tx.SQL.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, sealLockKey); err != nil {
				return fmt.Errorf("audit: seal: lock: %w", err)
			}
		}
		sys := viewer.System(ctx)
		seq, prev := int64(0), genesis
		head, err := tx.Client.AuditEvent.Query().Where(auditevent.SeqNotNil()).
			Order(ent.Desc(auditevent.FieldSeq)).First(sys)
		switch {
		case err == nil:
			seq, prev = *head.Seq, head.Hash
		case !ent.IsNotFound(err):
			return fmt.Errorf("audit: seal: last sealed event: %w", err)
		}
		evs, err := tx.Client.AuditEvent.Query().Where(auditevent.SeqIsNil()).
			Order(ent.Asc(auditevent.FieldAppendSeq), ent.Asc(auditevent.FieldID)).Limit(limit).All(sys)
		if err != nil {
			return fmt.Errorf("audit: seal: unsealed events: %w", err)
		}
		// The chain fields are immutable to the application (Ent has no
		// setter for them); the sealer alone writes them, once.
		update := `UPDATE audit_events SET seq = ?, prev_hash = ?, hash = ? WHERE id = ? AND seq IS NULL`
		if tx.Dialect == dialect.Postgres {
			update = `UPDATE audit_events SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4 AND seq IS NULL`
		}
		for _, a := range evs {
			seq++
			h, err := contentOf(a, seq).hash(prev)
			if err != nil {
				return err
			}
			res, err := tx.SQL.ExecContext(ctx, update, seq, prev, h, string(a.ID))
			if err != nil {
				return fmt.Errorf("audit: seal event %d: %w", seq, err)
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				return fmt.Errorf("audit: seal event %d: %d rows sealed (%v)", seq, n, err)
			}
			prev = h
		}
		sealed = len(evs)
		return nil
	})
	return sealed, err
}

// SealAll seals until nothing committed is left unsealed.
func SealAll(ctx context.Context, db *store.DB) (int, error) {
	total := 0
	for {
		n, err := Seal(ctx, db, SealBatch)
		total += n
		if err != nil || n < SealBatch {
			return total, err
		}
	}
}

// SealerConfig configures a Sealer.
type SealerConfig struct {
	DB     *store.DB
	Jobs   *jobs.Runner
	Logger *slog.Logger
	// Every is the period of the sealing job (default one second).
	Every time.Duration
}

// Sealer seals the trail in the background: a periodic job of the
// process's job runner (whichever replica is River's leader inserts it,
// one replica works it), plus, in each replica, a nudge after every
// transaction that recorded an event, so that events stay unsealed for
// milliseconds rather than up to a period.
type Sealer struct {
	db    *store.DB
	log   *slog.Logger
	nudge chan struct{}
}

// nudgeCooldown spaces the nudged passes: under a steady stream of audited
// writes one pass seals what a few hundred milliseconds brought, instead of
// one pass per write.
const nudgeCooldown = 200 * time.Millisecond

// NewSealer registers the sealing job on cfg.Jobs and the nudge on cfg.DB.
// Call Run to act on nudges.
func NewSealer(cfg SealerConfig) (*Sealer, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Every <= 0 {
		cfg.Every = time.Second
	}
	s := &Sealer{db: cfg.DB, log: cfg.Logger, nudge: make(chan struct{}, 1)}
	if err := jobs.Add(cfg.Jobs, jobs.Queue{Name: "audit", MaxWorkers: 1, Timeout: time.Minute}, &sealWorker{s: s}); err != nil {
		return nil, fmt.Errorf("audit: sealer: %w", err)
	}
	err := cfg.Jobs.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(cfg.Every),
		func() (river.JobArgs, *river.InsertOpts) { return sealArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true}))
	if err != nil {
		return nil, fmt.Errorf("audit: sealer: %w", err)
	}
	cfg.DB.OnSignal(sealSignal, s.Nudge)
	return s, nil
}

// Nudge asks for a sealing pass soon; it never blocks.
func (s *Sealer) Nudge() {
	select {
	case s.nudge <- struct{}{}:
	default:
	}
}

// Run seals after nudges until ctx is done.
func (s *Sealer) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.nudge:
		}
		if _, err := SealAll(ctx, s.db); err != nil && ctx.Err() == nil {
			s.log.Error("audit: sealing", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(nudgeCooldown):
		}
	}
}

type sealArgs struct{}

func (sealArgs) Kind() string { return "audit.seal" }

func (sealArgs) InsertOpts() river.InsertOpts {
	// A pass waiting or running covers the next one: passes do not pile up
	// behind a slow database (the nudges cover the gap).
	return river.InsertOpts{Queue: "audit", UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateScheduled,
	}}}
}

type sealWorker struct {
	river.WorkerDefaults[sealArgs]
	s *Sealer
}

func (w *sealWorker) Work(ctx context.Context, _ *river.Job[sealArgs]) error {
	if _, err := SealAll(ctx, w.s.db); err != nil {
		return fmt.Errorf("audit: periodic seal: %w", err)
	}
	return nil
}
