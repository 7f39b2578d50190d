package auth

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/password"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

// databases runs fn on SQLite and on PostgreSQL as sub-benchmarks.
func databases(b *testing.B, fn func(b *testing.B, db *store.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, testenv.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, testenv.Postgres(b)) })
}

// BenchmarkSignIn compares successful sign-ins per second (argon2id check,
// session row, audit record) with bare password.Hasher hashes per second,
// in the same run, with one hashing slot per CPU: sign-in should be bound by
// the hash, not by the database.
func BenchmarkSignIn(b *testing.B) {
	b.Run("hash", func(b *testing.B) {
		h := password.NewHasher(0)
		ctx := context.Background()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
	})
	databases(b, func(b *testing.B, db *store.DB) {
		e := newEnv(b, db)
		e.hasher = password.NewHasher(0)
		e.svc.hasher = e.hasher
		// Several accounts, so the runs do not all queue on one row.
		const accounts = 16
		for i := range accounts {
			e.account(b, person{id: fmt.Sprintf("0010900%05d", i), phone: fmt.Sprintf("+8491%07d", i), name: "Nguyễn Văn Hùng", password: hung.password})
		}
		var next atomic.Int64
		// Like a server: more requests in flight than CPUs, so one
		// request's database work overlaps another's hashing; the hasher
		// still runs at most one hash per CPU.
		b.SetParallelism(4)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := next.Add(1) % accounts
				if _, err := e.svc.SignIn(e.ctx, fmt.Sprintf("0010900%05d", i), hung.password); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signins/s")
	})
}

// BenchmarkRequestPasswordReset compares, with the real clock and timer,
// how long a reset request takes when a code is sent and when nothing is
// (unknown login, LOCKED account). "work" runs without the floor, to show
// how far below it the slowest path stays; "floored" is what a caller sees.
func BenchmarkRequestPasswordReset(b *testing.B) {
	open := map[string]func(testing.TB) *store.DB{"sqlite": testenv.SQLite, "postgres": testenv.Postgres}
	locked := person{id: "079190054321", phone: "+84987654321", name: "Lê Thị Hoa", status: account.StatusLOCKED}
	for _, dbName := range []string{"sqlite", "postgres"} {
		for _, mode := range []string{"work", "floored"} {
			for _, c := range []struct{ name, login string }{
				{"sent", hung.id}, {"unknown", "001090099999"}, {"locked", locked.id},
			} {
				b.Run(dbName+"/"+mode+"/"+c.name, func(b *testing.B) {
					e := newEnv(b, open[dbName](b))
					e.svc.sleep = sleepCtx
					e.svc.resetIPLimit.max = 1 << 30
					if mode == "work" {
						e.svc.resetFloor = 0
					}
					e.account(b, hung)
					e.account(b, locked)
					ctx := requestinfo.NewContext(context.Background(), requestinfo.Info{ClientIP: "203.0.113.9"})
					b.ResetTimer()
					for range b.N {
						// Three hours apart: the cooldown and the caps never refuse.
						e.clock.Advance(3 * time.Hour)
						if err := e.svc.RequestPasswordReset(ctx, c.login); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

// BenchmarkSignInFailure compares a wrong password for an existing account
// with an unknown login and a malformed one (the slow-down switched off and
// the caps raised, so that only the work is timed): the dummy check makes
// them cost the same, give or take a database query.
func BenchmarkSignInFailure(b *testing.B) {
	databases(b, func(b *testing.B, db *store.DB) {
		e := newEnv(b, db)
		e.svc.accountLimit.max, e.svc.ipLimit.max = 1<<30, 1<<30
		e.account(b, hung)
		for _, c := range []struct{ name, login string }{
			{"known", hung.id}, {"unknown", "001090099999"}, {"malformed", "not a login"},
		} {
			b.Run(c.name, func(b *testing.B) {
				for range b.N {
					if _, err := e.svc.SignIn(e.ctx, c.login, "wrong password"); err == nil {
						b.Fatal("signed in with a wrong password")
					}
				}
			})
		}
	})
}
