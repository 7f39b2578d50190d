package stats

import (
	"context"
	"entgo.io/ent/dialect"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

// BenchmarkS9Charts is S9 of docs/PERFORMANCE.md: each chart query of a
// province admin, of the super admin, and of the super admin narrowed to a
// province (its desks as bars) over 90 days, on roll-ups of
// S9_DESKS desks (default 200) × 3 officers × 90 days, the rows a year of
// national activity leaves per desk whatever the number of accounts, and
// the coarse rows built from them. It reports p50 and p95 in milliseconds.
//
//	go test -run - -bench S9 -benchtime 40x ./internal/domain/stats/
func BenchmarkS9Charts(b *testing.B) {
	desks := 200
	if n, err := strconv.Atoi(os.Getenv("S9_DESKS")); err == nil {
		desks = n
	}
	for _, c := range []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", testenv.SQLite}, {"postgres", testenv.Postgres}} {
		b.Run(c.name, func(b *testing.B) {
			db := c.open(b)
			w := benchWorld(b, db, desks)
			ninety := Last90Days
			provA := w.provA.ID
			for _, who := range []struct {
				name string
				ctx  context.Context
				unit *pulid.ID
			}{{"province", w.as(w.adminA), nil}, {"country", w.as(w.super), nil}, {"provinceUnits", w.as(w.super), &provA}} {
				r, err := w.svc.Statistics(who.ctx, &Filter{Period: &ninety, UnitID: who.unit})
				if err != nil {
					b.Fatal(err)
				}
				charts := map[string]func() error{
					"accountsPerDay": func() error { _, err := r.AccountsPerDay(who.ctx); return err },
					"accountsBy":     func() error { _, err := r.AccountsBy(who.ctx, ByUnit, nil); return err },
					"funnel":         func() error { _, err := r.Funnel(who.ctx); return err },
					"funnelBy":       func() error { _, err := r.FunnelBy(who.ctx, nil); return err },
					"sms":            func() error { _, err := r.SMS(who.ctx); return err },
					"smsDelivery":    func() error { _, err := r.SMSDelivery(who.ctx); return err },
					"otp":            func() error { _, err := r.Otp(who.ctx); return err },
				}
				for name, run := range charts {
					b.Run(who.name+"/"+name, func(b *testing.B) {
						var took []time.Duration
						for b.Loop() {
							t0 := time.Now()
							if err := run(); err != nil {
								b.Fatal(err)
							}
							took = append(took, time.Since(t0))
						}
						sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
						b.ReportMetric(ms(took[len(took)/2]), "p50_ms")
						b.ReportMetric(ms(took[len(took)*95/100]), "p95_ms")
					})
				}
			}
		})
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchWorld is the test world plus n desk units in province A (half) and B,
// with 90 days of roll-ups.
func benchWorld(b *testing.B, db *store.DB, n int) *world {
	w := newWorld(b, db)
	r := rand.New(rand.NewPCG(9, 9))
	today := dayStart(w.now())
	var rows []*ent.StatsDayCreate
	flush := func(force bool) {
		if len(rows) >= 3000 || force && len(rows) > 0 {
			if err := db.Client.StatsDay.CreateBulk(rows...).Exec(sys()); err != nil {
				b.Fatal(err)
			}
			rows = rows[:0]
		}
	}
	add := func(day, path, officer, metric, kind, carrier string, bucket int, v int64) {
		rows = append(rows, db.Client.StatsDay.Create().SetID(pulid.New("SD")).SetDay(day).SetUnitPath(path).
			SetOfficerID(officer).SetMetric(metric).SetKind(kind).SetCarrier(carrier).SetBucket(bucket).SetN(v))
		flush(false)
	}
	carriers := []Carrier{Viettel, Vinaphone, Mobifone, Vietnamobile}
	for i := range n {
		prov := w.provA
		if i%2 == 1 {
			prov = w.provB
		}
		// Real units, so that a province's bars are its desks.
		path := w.unit(fmt.Sprintf("Bộ phận một cửa xã %03d", i), prov).Path
		for d := range 90 {
			day := today.AddDate(0, 0, -d).Format(time.DateOnly)
			for o := range 3 {
				off := fmt.Sprintf("OFBENCH%017d%04d", i, o)
				for _, m := range []string{mStarted, mOTPSent, mCreated, mCancelled, mExpired, mAccounts} {
					add(day, path, off, m, "", "", 0, int64(1+r.IntN(20)))
				}
			}
			for _, m := range []string{mCodesSent, mResends, mExhausted} {
				add(day, path, "", m, "", "", 0, int64(1+r.IntN(30)))
			}
			for _, k := range []string{"REGISTRATION_OTP", "INITIAL_PASSWORD"} {
				for _, c := range carriers {
					for _, st := range []string{"DELIVERED", "UNDELIVERED", "NO_REPORT"} {
						add(day, path, "", mSMSPrefix+st, k, string(c), 0, int64(1+r.IntN(40)))
					}
				}
			}
			for bucket := 2; bucket < 10; bucket++ {
				add(day, path, "", mDelivery, "", "", bucket, int64(1+r.IntN(50)))
			}
		}
	}
	flush(true)
	completeBenchWorld(b, w)
	return w
}

// completeBenchWorld builds the coarse rows from the desk rows, as the
// refresh job does, and analyses PostgreSQL's tables.
func completeBenchWorld(b *testing.B, w *world) {
	db := w.db
	// The coarse rows, as the refresh job builds them from the desk rows.
	if err := w.svc.BackfillCoarse(context.Background()); err != nil {
		b.Fatal(err)
	}
	// Statistics and visibility as autovacuum keeps them; without, PostgreSQL
	// plans the freshly loaded tables blind and reads no index alone.
	if db.Dialect == dialect.Postgres {
		if _, err := db.SQL.Exec(`VACUUM ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	count, _ := db.Client.StatsDay.Query().Count(sys())
	coarse, _ := db.Client.StatsUnitDay.Query().Count(sys())
	b.Logf("%d desk roll-up rows (90 days), %d coarse rows", count, coarse)
}
