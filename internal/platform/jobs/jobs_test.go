package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/motcua/motcua/internal/platform/jobs"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

type tickArgs struct{ Name string }

func (tickArgs) Kind() string { return "test.tick" }

type workArgs struct{ N int }

func (workArgs) Kind() string { return "test.work" }

type tickWorker struct {
	river.WorkerDefaults[tickArgs]
	ran chan string
}

func (w *tickWorker) Work(_ context.Context, j *river.Job[tickArgs]) error {
	w.ran <- j.Args.Name
	return nil
}

type workWorker struct {
	river.WorkerDefaults[workArgs]
	ran chan string
}

// Work reports whether it ran under its queue's timeout (a second).
func (w *workWorker) Work(ctx context.Context, _ *river.Job[workArgs]) error {
	if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > time.Second {
		w.ran <- "work without its queue's timeout"
		return nil
	}
	w.ran <- "work"
	return nil
}

// TestOneRunnerRunsEveryCapability: two capabilities register on one runner,
// one of them a periodic job. Both kinds run, and the periodic one runs
// even though another queue's worker shares the process (with one River
// client per capability, the client that lost the leader election never
// inserted its periodic jobs). Registering after first use is refused.
func TestOneRunnerRunsEveryCapability(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if err := jobs.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		ran := make(chan string, 16)
		r := jobs.New(db, jobs.Config{PollInterval: 50 * time.Millisecond})
		if err := jobs.Add(r, jobs.Queue{Name: "a", MaxWorkers: 1, Timeout: time.Second}, &workWorker{ran: ran}); err != nil {
			t.Fatal(err)
		}
		if err := jobs.Add(r, jobs.Queue{Name: "b", MaxWorkers: 1}, &tickWorker{ran: ran}); err != nil {
			t.Fatal(err)
		}
		if err := jobs.Add(r, jobs.Queue{Name: "b"}, &tickWorker{ran: ran}); err == nil {
			t.Error("a second worker of one kind was accepted")
		}
		err := r.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(time.Second), func() (river.JobArgs, *river.InsertOpts) {
			return tickArgs{Name: "tick"}, &river.InsertOpts{Queue: "b"}
		}, &river.PeriodicJobOpts{RunOnStart: true}))
		if err != nil {
			t.Fatal(err)
		}
		insertInTx(t, ctx, db, r, workArgs{N: 1}, "a")
		if err := jobs.Add(r, jobs.Queue{Name: "c"}, &workWorker{ran: ran}); !errors.Is(err, jobs.ErrOpened) {
			t.Errorf("registering after first use: %v, want ErrOpened", err)
		}
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer func() {
			stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := r.Stop(stop); err != nil {
				t.Error(err)
			}
		}()
		seen := map[string]bool{}
		for !seen["work"] || !seen["tick"] {
			select {
			case name := <-ran:
				if name != "work" && name != "tick" {
					t.Fatal(name)
				}
				seen[name] = true
			case <-ctx.Done():
				t.Fatalf("ran %v; want the queued job and the periodic one", seen)
			}
		}
	})
}

// insertInTx inserts a job of args on queue in a transaction of its own.
func insertInTx(t *testing.T, ctx context.Context, db *store.DB, r *jobs.Runner, args river.JobArgs, queue string) {
	t.Helper()
	err := db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		return r.InsertTx(ctx, tx, args, &river.InsertOpts{Queue: queue})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWakeOnCommit: on PostgreSQL a job inserted in a transaction runs when
// that transaction commits, with an idle poll far longer than the test may
// take: the commit wakes the queue of this replica and of another one
// (LISTEN/NOTIFY), including for a job inserted right after another, which
// River's own insert notification skips (one per queue per FetchCooldown).
func TestWakeOnCommit(t *testing.T) {
	db := testenv.Postgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := jobs.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	const never = time.Hour // no poll during the test
	ran := make(chan string, 16)
	worker := jobs.New(db, jobs.Config{PollInterval: never})
	if err := jobs.Add(worker, jobs.Queue{Name: "a", MaxWorkers: 1}, &workWorker{ran: ran}); err != nil {
		t.Fatal(err)
	}
	if err := worker.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := worker.Stop(stop); err != nil {
			t.Error(err)
		}
	}()
	// Another replica: it only inserts (a CLI, or a replica whose own
	// workers are busy).
	otherDB, err := store.Open(ctx, db.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer otherDB.Close()
	other := jobs.New(otherDB, jobs.Config{PollInterval: never})

	insert := func(r *jobs.Runner, db *store.DB, n int) {
		t.Helper()
		err := db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
			return r.InsertTx(ctx, tx, workArgs{N: n}, &river.InsertOpts{Queue: "a"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	wait := func(what string) {
		t.Helper()
		select {
		case <-ran:
		case <-ctx.Done():
			t.Fatalf("%s never ran", what)
		}
	}
	insert(worker, db, 1)
	wait("a job inserted on the working replica")
	insert(worker, db, 2)
	wait("a second job inserted right after the first")
	insert(other, otherDB, 3)
	wait("a job inserted on another replica")
}
