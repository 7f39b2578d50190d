package main

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// waitSampler looks at what the motcua role's PostgreSQL backends are doing
// every 50 ms while a load runs (pg_stat_activity): running, waiting for a
// lock (the audit sealer's advisory lock is one), for the WAL flush of a
// commit, or idle in a transaction while the server works. The averages say
// where a database-bound request spends its time.
type waitSampler struct {
	mu      sync.Mutex
	counts  map[string]float64
	samples int
	stop    chan struct{}
	done    chan struct{}
}

// waitShare is the average number of backends in one state.
type waitShare struct {
	State    string
	Backends float64
}

func sampleWaits(ctx context.Context, db *sql.DB) *waitSampler {
	w := &waitSampler{counts: map[string]float64{}, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			// 7286002 is audit.sealLockKey (only sealers wait for it), 7286001 store.migrationLockKey.
			rows, err := db.QueryContext(ctx, `SELECT CASE
				  WHEN a.state = 'active' AND a.wait_event IS NULL THEN 'running'
				  WHEN a.state = 'active' AND a.wait_event = 'advisory' THEN
				    CASE (SELECT min(l.objid) FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND NOT l.granted)
				      WHEN 7286002 THEN 'waiting for the audit sealer lock' ELSE 'waiting for another advisory lock' END
				  WHEN a.state = 'active' THEN 'waiting: ' || a.wait_event_type || '/' || a.wait_event
				  ELSE a.state END, count(*)
				FROM pg_stat_activity a WHERE a.usename = 'motcua' AND a.state <> 'idle' AND a.backend_type = 'client backend'
				GROUP BY 1`)
			if err == nil {
				w.mu.Lock()
				for rows.Next() {
					var state string
					var n float64
					if rows.Scan(&state, &n) == nil {
						w.counts[state] += n
					}
				}
				w.samples++
				w.mu.Unlock()
				rows.Close()
			}
			select {
			case <-w.stop:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

// end stops sampling and returns the average backends per state, most first.
func (w *waitSampler) end() []waitShare {
	if w == nil {
		return nil
	}
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []waitShare
	for k, v := range w.counts {
		if w.samples > 0 && v/float64(w.samples) >= 0.05 {
			out = append(out, waitShare{State: k, Backends: v / float64(w.samples)})
		}
	}
	slices.SortFunc(out, func(a, b waitShare) int {
		switch {
		case a.Backends > b.Backends:
			return -1
		case a.Backends < b.Backends:
			return 1
		}
		return 0
	})
	return out
}

func waitsText(ws []waitShare) string {
	var parts []string
	for _, w := range ws {
		parts = append(parts, fmt.Sprintf("%s %.1f", w.State, w.Backends))
	}
	return strings.Join(parts, ", ")
}
