package smsqueue

import (
	"context"
	"testing"

	"github.com/motcua/motcua/internal/platform/events"
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
