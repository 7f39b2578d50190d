package audit

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"
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
	n, _, err := seal(ctx, db, limit, true)
	return n, err
}

// seal is Seal; unless wait is set it gives up at once (busy) when another
// sealer holds the lock on PostgreSQL.
func seal(ctx context.Context, db *store.DB, limit int, wait bool) (sealed int, busy bool, err error) {
	err = db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		sealed, busy = 0, false
		if tx.Dialect == dialect.Postgres {
			locked := true
			q := `SELECT pg_try_advisory_xact_lock($1)`
			if wait {
				q = `SELECT true FROM pg_advisory_xact_lock($1)`
			}
			if err := tx.SQL.QueryRowContext(ctx, q, sealLockKey).Scan(&locked); err != nil {
				return fmt.Errorf("audit: seal: lock: %w", err)
			}
			if busy = !locked; busy {
				return nil
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
		links := make([]link, len(evs))
		for i, a := range evs {
			seq++
			h, err := contentOf(a, seq).hash(prev)
			if err != nil {
				return err
			}
			links[i] = link{id: string(a.ID), seq: seq, prev: prev, hash: h}
			prev = h
		}
		if err := writeLinks(ctx, tx, links); err != nil {
			return err
		}
		sealed = len(evs)
		return nil
	})
	return sealed, busy, err
}

// link is one event's place in the chain.
type link struct {
	id         string
	seq        int64
	prev, hash string
}

// writeLinks writes the chain fields of links. The chain fields are
// immutable to the application (Ent has no setter for them); the sealer
// alone writes them, once (seq IS NULL). On PostgreSQL it is one statement
// for the whole batch: the sealer holds its lock for one round trip instead
// of one per event.
func writeLinks(ctx context.Context, tx *store.Tx, links []link) error {
	if len(links) == 0 {
		return nil
	}
	if tx.Dialect == dialect.Postgres {
		ids, seqs, prevs, hashes := make([]string, len(links)), make([]int64, len(links)), make([]string, len(links)), make([]string, len(links))
		for i, l := range links {
			ids[i], seqs[i], prevs[i], hashes[i] = l.id, l.seq, l.prev, l.hash
		}
		res, err := tx.SQL.ExecContext(ctx, `UPDATE audit_events a SET seq = v.seq, prev_hash = v.prev, hash = v.hash
			FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) AS v(id, seq, prev, hash)
			WHERE a.id = v.id AND a.seq IS NULL`,
			pq.Array(ids), pq.Array(seqs), pq.Array(prevs), pq.Array(hashes))
		if err != nil {
			return fmt.Errorf("audit: seal events %d–%d: %w", links[0].seq, links[len(links)-1].seq, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != int64(len(links)) {
			return fmt.Errorf("audit: seal events %d–%d: %d of %d rows sealed (%v)", links[0].seq, links[len(links)-1].seq, n, len(links), err)
		}
		return nil
	}
	for _, l := range links {
		res, err := tx.SQL.ExecContext(ctx, `UPDATE audit_events SET seq = ?, prev_hash = ?, hash = ? WHERE id = ? AND seq IS NULL`, l.seq, l.prev, l.hash, l.id)
		if err != nil {
			return fmt.Errorf("audit: seal event %d: %w", l.seq, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("audit: seal event %d: %d rows sealed (%v)", l.seq, n, err)
		}
	}
	return nil
}

// SealAll seals until nothing committed is left unsealed.
func SealAll(ctx context.Context, db *store.DB) (int, error) {
	return sealAll(ctx, db, true)
}

// sealAll is SealAll; unless wait is set it stops when another sealer is at
// work (which seals what is there, or the next pass will).
func sealAll(ctx context.Context, db *store.DB, wait bool) (int, error) {
	total := 0
	for {
		n, busy, err := seal(ctx, db, SealBatch, wait)
		total += n
		if err != nil || busy || n < SealBatch {
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
// milliseconds rather than up to a period. A background pass that finds
// another sealer at work leaves at once instead of queueing behind it: that
// one seals what is committed, and the next nudge or period what it missed.
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
		if _, err := sealAll(ctx, s.db, false); err != nil && ctx.Err() == nil {
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
	if _, err := sealAll(ctx, w.s.db, false); err != nil {
		return fmt.Errorf("audit: periodic seal: %w", err)
	}
	return nil
}
