package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/motcua/motcua/internal/testkit/proctest"
)

// killDuringCompletions is proctest.RunKillRestart with a longer stream.
func killDuringCompletions(ctx context.Context, e *env) (*proctest.Report, error) {
	db, err := e.postgres(ctx)
	if err != nil {
		return nil, err
	}
	dir, err := e.dir()
	if err != nil {
		return nil, err
	}
	return proctest.RunKillRestart(ctx, proctest.KillRestartConfig{
		Bin: e.bin, Dir: dir, Database: db, SecretKey: e.secretKey, Scan: e.scan,
		Citizens: 40, Newcomers: 12, Desks: 6, Workers: 4, KillAfter: 12, FinalWithin: 60 * time.Second,
		Series: e.series, Log: e.log("kill9"),
	})
}

// killAnytime kills the server at whatever moment the stream has reached,
// the gateway answering normally; a message whose send the kill cut before
// it reached the gateway waits for River's rescuer, so the deadline is
// four minutes.
func killAnytime(ctx context.Context, e *env) (*proctest.Report, error) {
	db, err := e.postgres(ctx)
	if err != nil {
		return nil, err
	}
	dir, err := e.dir()
	if err != nil {
		return nil, err
	}
	return proctest.RunKillRestart(ctx, proctest.KillRestartConfig{
		Bin: e.bin, Dir: dir, Database: db, SecretKey: e.secretKey, Scan: e.scan,
		Citizens: 40, Newcomers: 12, Desks: 6, Workers: 4, KillAfter: 12, FinalWithin: 4 * time.Minute,
		Anytime: true, Delay: 150 * time.Millisecond, Series: e.series, Log: e.log("kill9-anytime"),
	})
}

// replicasAtOnce starts two `serve --dev` replicas at the same instant on
// one empty PostgreSQL database, as an orchestrator starting a deployment
// does: both must come up (migrations take an advisory lock; the demo data
// must be seeded once).
func replicasAtOnce(ctx context.Context, e *env) (*proctest.Report, error) {
	rep := &proctest.Report{Name: "two replicas starting at once on an empty database"}
	const rounds = 3
	failures := 0
	var detail string
	for round := range rounds {
		db, err := e.postgres(ctx)
		if err != nil {
			return nil, err
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range 2 {
			dir, err := e.dir()
			if err != nil {
				return nil, err
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := proctest.StartServer(ctx, proctest.ServerConfig{
					Bin: e.bin, Dir: dir, Database: db, Dev: true, SecretKey: e.secretKey,
					Log: e.log(fmt.Sprintf("replicas-at-once-%d-%d", round, i)),
				})
				if err != nil {
					errs[i] = err
					return
				}
				_ = s.Stop()
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				failures++
				detail = firstLine(lastLine(err.Error()))
			}
		}
	}
	rep.Triedf("%d rounds: two `serve --dev` processes started at the same instant on a new database", rounds)
	msg := fmt.Sprintf("%d of %d starts failed", failures, 2*rounds)
	if failures > 0 {
		msg += "; last error: " + detail
	}
	rep.Expect(failures == 0, "both replicas start", "%s", msg)
	return rep, nil
}

func lastLine(s string) string {
	for len(s) > 0 && s[len(s)-1] == '\n' {
		s = s[:len(s)-1]
	}
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '\n' {
			return s[i+1:]
		}
	}
	return s
}

func firstLine(s string) string {
	for i := range len(s) {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
