package jobs

import (
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/motcua/motcua/internal/platform/store"
)

// TestUrgentQueuesPollWhereNothingWakesThem: an urgent queue (OTP SMS) is
// polled every UrgentPollInterval on SQLite and on PostgreSQL without
// LISTEN; where commits wake it, and for other queues, the runner's
// interval stands (River's zero: the client's).
func TestUrgentQueuesPollWhereNothingWakesThem(t *testing.T) {
	cases := []struct {
		name     string
		dialect  string
		pollOnly bool
		urgent   bool
		poll     time.Duration
		want     time.Duration
	}{
		{"sqlite urgent", dialect.SQLite, false, true, 0, UrgentPollInterval},
		{"sqlite urgent, runner polls faster", dialect.SQLite, false, true, 10 * time.Millisecond, 10 * time.Millisecond},
		{"sqlite not urgent", dialect.SQLite, false, false, 0, 0},
		{"postgres urgent, woken on commit", dialect.Postgres, false, true, 0, 0},
		{"postgres urgent, poll only", dialect.Postgres, true, true, 0, UrgentPollInterval},
		{"postgres not urgent, poll only", dialect.Postgres, true, false, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := New(&store.DB{Dialect: c.dialect}, Config{PollOnly: c.pollOnly, PollInterval: c.poll})
			got := r.queueConfig(Queue{Name: "q", MaxWorkers: 3, Urgent: c.urgent})
			if got.FetchPollInterval != c.want || got.MaxWorkers != 3 {
				t.Errorf("queueConfig = poll %s, %d workers; want poll %s, 3 workers", got.FetchPollInterval, got.MaxWorkers, c.want)
			}
			// A woken queue fetches at once, whatever the client's cooldown
			// (which only spaces River's own in-transaction notifications).
			if want := min(fetchCooldown, r.cfg.PollInterval); got.FetchCooldown != want {
				t.Errorf("queueConfig cooldown %s, want %s", got.FetchCooldown, want)
			}
		})
	}
}
