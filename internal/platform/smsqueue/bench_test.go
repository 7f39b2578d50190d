package smsqueue

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/jobs"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

// BenchmarkEnqueue measures the write path of an SMS (message row, River
// job, commit, then the two events) on PostgreSQL, with the events going to
// an in-process bus or out as NOTIFY through events.Postgres: the cost of
// NOTIFY is the difference.
func BenchmarkEnqueue(b *testing.B) {
	for _, bus := range []string{"local", "notify"} {
		for _, parallel := range []bool{false, true} {
			name := bus + "/serial"
			if parallel {
				name = bus + "/parallel"
			}
			b.Run(name, func(b *testing.B) {
				db := testenv.Postgres(b)
				var opt options
				if bus == "notify" {
					opt.bus = postgresBus(b, db)
				}
				e := newEnv(b, db, opt)
				// A subscriber on another replica, as in production.
				if bus == "notify" {
					drainAll(b, postgresBus(b, replicaOf(b, db)))
				} else {
					drainAll(b, e.bus)
				}
				out := e.otp(phone)
				enqueue := func() {
					if err := db.InTx(context.Background(), func(ctx context.Context, tx *store.Tx) error {
						_, err := e.q.Enqueue(ctx, tx, out)
						return err
					}); err != nil {
						b.Error(err)
					}
				}
				if parallel {
					b.SetParallelism(4) // 4×GOMAXPROCS writers
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							enqueue()
						}
					})
					return
				}
				for b.Loop() {
					enqueue()
				}
			})
		}
	}
}

func drainAll(b *testing.B, bus events.Bus) {
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	ch, err := bus.Subscribe(ctx)
	if err != nil {
		b.Fatal(err)
	}
	go func() {
		for range ch {
		}
	}()
}

// timedProvider notes when each message reached the provider.
type timedProvider struct {
	mu   sync.Mutex
	at   map[string]time.Time
	sent chan struct{}
}

func (p *timedProvider) Name() string { return "timed" }

func (p *timedProvider) Send(_ context.Context, m sms.Message) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.at[m.ID]; !ok {
		p.at[m.ID] = time.Now()
		p.sent <- struct{}{}
	}
	return "timed-" + m.ID, nil
}

// BenchmarkEnqueueToSend measures, on PostgreSQL, the time from the start
// of the transaction that enqueues an OTP to the provider's Send, with the
// production poll interval: "poll" without the wake on commit (the job
// waits for the queue's next poll), "wake" with it. Messages come one at a
// time, alternately 5 ms and 55 ms apart (River's own insert notification
// is skipped for a job within 100 ms of the previous one). Reported as
// p50-ms and p99-ms; run with -benchtime=300x for a stable p99.
func BenchmarkEnqueueToSend(b *testing.B) {
	for _, mode := range []string{"poll", "wake"} {
		b.Run(mode, func(b *testing.B) {
			db := testenv.Postgres(b)
			prov := &timedProvider{at: map[string]time.Time{}, sent: make(chan struct{}, 1<<16)}
			runner := jobs.New(db, jobs.Config{PollOnly: mode == "poll"})
			e := newEnv(b, db, options{cfg: func(c *Config) { c.Jobs, c.Provider, c.Now = runner, prov, time.Now }})
			e.jobs = runner
			e.start(b)
			out := e.otp(phone)
			started := map[string]time.Time{}
			for i := 0; b.Loop(); i++ {
				t0 := time.Now()
				m := e.enqueue(b, out)
				started[string(m.ID)] = t0
				time.Sleep(time.Duration(5+50*(i%2)) * time.Millisecond)
			}
			b.StopTimer()
			for range started {
				select {
				case <-prov.sent:
				case <-time.After(guard):
					b.Fatal("a message never reached the provider")
				}
			}
			var lat []time.Duration
			prov.mu.Lock()
			for id, t0 := range started {
				lat = append(lat, prov.at[id].Sub(t0))
			}
			prov.mu.Unlock()
			slices.Sort(lat)
			ms := func(q float64) float64 {
				return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))].Microseconds()) / 1000
			}
			b.ReportMetric(ms(0.50), "p50-ms")
			b.ReportMetric(ms(0.99), "p99-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}
