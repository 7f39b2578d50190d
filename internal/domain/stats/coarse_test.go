package stats

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/statsunitday"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

// TestCoarseEqualsDeskRows: the coarse roll-up the refresh job keeps is
// exactly the sum of the desk rows, every chart of every view is the same
// read from the coarse rows as from the desk rows, and a wrong coarse row
// shows in the comparison.
func TestCoarseEqualsDeskRows(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		district := w.unit("Huyện A3", w.provA)
		deskA3 := w.unit("Bộ phận một cửa xã A3", district)
		sim := &simulation{w: w, rnd: rand.New(rand.NewPCG(5, 17))}
		for range 60 {
			sim.step(t)
			if _, err := w.svc.Refresh(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		// A desk below a district and messages of no desk, on earlier days,
		// rolled up the way days from before the coarse roll-up are.
		addDeskRows(t, w, rand.New(rand.NewPCG(5, 18)), deskA3.Path, "")
		if err := w.svc.BackfillCoarse(context.Background()); err != nil {
			t.Fatal(err)
		}
		assertCoarseIsSum(t, w)
		views := coarseViews(w, district, deskA3)
		if diffs := compareGrains(t, w, views); len(diffs) > 0 {
			t.Fatalf("coarse and desk rows differ:\n%v", diffs)
		}
		// One coarse row of province A off by one: the country's bars show it.
		row, err := db.Client.StatsUnitDay.Query().Where(statsunitday.Level(1), statsunitday.UnitPath(w.provA.Path),
			statsunitday.Metric(mStarted)).First(sys())
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Client.StatsUnitDay.UpdateOne(row).AddN(1).Exec(sys()); err != nil {
			t.Fatal(err)
		}
		if diffs := compareGrains(t, w, views); len(diffs) == 0 {
			t.Fatal("a wrong coarse row went unnoticed")
		}
	})
}

type coarseView struct {
	name string
	ctx  context.Context
	f    *Filter
	// coarse: the totals and the unit bars are read from the coarse rows.
	coarse bool
}

func coarseViews(w *world, district, desk *ent.Unit) []coarseView {
	ninety := Last90Days
	f := func(u *ent.Unit) *Filter {
		if u == nil {
			return &Filter{Period: &ninety}
		}
		id := u.ID
		return &Filter{Period: &ninety, UnitID: &id}
	}
	return []coarseView{
		{"super admin, country", w.as(w.super), f(nil), true},
		{"admin A, its province", w.as(w.adminA), f(nil), true},
		{"admin B, its province", w.as(w.adminB), f(nil), true},
		{"super admin, province A", w.as(w.super), f(w.provA), true},
		{"admin A, a district", w.as(w.adminA), f(district), false},
		{"admin A, a desk", w.as(w.adminA), f(w.deskA1), false},
		{"super admin, a desk below a district", w.as(w.super), f(desk), false},
	}
}

// compareGrains computes every chart of every view from both grains and
// returns the differences.
func compareGrains(t *testing.T, w *world, views []coarseView) []string {
	t.Helper()
	var diffs []string
	for _, v := range views {
		r, err := w.svc.Statistics(v.ctx, v.f)
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		groups, err := r.groups(v.ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, totalsCoarse := r.coarseWhere(totals, nil)
		_, barsCoarse := r.coarseWhere(r.unitBars(), groups)
		if v.coarse && !(totalsCoarse && barsCoarse) {
			t.Fatalf("%s: reads the desk rows (totals %v, bars %v)", v.name, totalsCoarse, barsCoarse)
		}
		coarse := allCharts(t, v.ctx, r)
		desk := *r
		desk.deskRows = true
		fine := allCharts(t, v.ctx, &desk)
		for name, c := range coarse {
			if c != fine[name] {
				diffs = append(diffs, fmt.Sprintf("%s, %s:\n coarse %s\n desk   %s", v.name, name, c, fine[name]))
			}
		}
		if v.name == "super admin, country" && coarse["funnel"] == fmt.Sprint(`{"Started":0,"OTPSent":0,"Created":0,"Cancelled":0,"Expired":0}`) {
			t.Fatal("the country's funnel is empty: the test compares nothing")
		}
	}
	return diffs
}

// allCharts is every chart of r, as JSON.
func allCharts(t *testing.T, ctx context.Context, r *Report) map[string]string {
	t.Helper()
	out := map[string]string{}
	add := func(name string, v any, err error) {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = string(b)
	}
	v1, err := r.AccountsPerDay(ctx)
	add("accountsPerDay", v1, err)
	v2, err := r.AccountsBy(ctx, ByUnit, nil)
	add("accountsBy unit", v2, err)
	v3, err := r.AccountsBy(ctx, ByOfficer, nil)
	add("accountsBy officer", v3, err)
	v4, err := r.Funnel(ctx)
	add("funnel", v4, err)
	v5, err := r.FunnelBy(ctx, nil)
	add("funnelBy", v5, err)
	v6, err := r.SMS(ctx)
	add("sms", v6, err)
	v7, err := r.SMSDelivery(ctx)
	add("smsDelivery", v7, err)
	v8, err := r.Otp(ctx)
	add("otp", v8, err)
	return out
}

// addDeskRows writes random desk rows of every metric on 20 days between
// 80 and 20 days ago at the given paths ("" is no desk).
func addDeskRows(t *testing.T, w *world, rnd *rand.Rand, paths ...string) {
	t.Helper()
	var rows []*ent.StatsDayCreate
	add := func(day, path, officer, metric, kind, carrier string, bucket int) {
		rows = append(rows, w.db.Client.StatsDay.Create().SetID(pulid.New("SD")).SetDay(day).SetUnitPath(path).
			SetOfficerID(officer).SetMetric(metric).SetKind(kind).SetCarrier(carrier).SetBucket(bucket).
			SetN(int64(1+rnd.IntN(9))))
	}
	today := dayStart(w.now())
	for range 20 {
		day := today.AddDate(0, 0, -20-rnd.IntN(60)).Format(time.DateOnly)
		for _, p := range paths {
			if p != "" {
				for _, m := range []string{mStarted, mOTPSent, mCreated, mCancelled, mExpired, mAccounts} {
					add(day, p, string(w.offA1.ID), m, "", "", 0)
				}
			}
			for _, m := range []string{mCodesSent, mResends, mExhausted} {
				add(day, p, "", m, "", "", 0)
			}
			add(day, p, "", mSMSPrefix+"DELIVERED", "PASSWORD_RESET", string(Viettel), 0)
			add(day, p, "", mDelivery, "", "", 2+rnd.IntN(8))
		}
	}
	if err := w.db.Client.StatsDay.CreateBulk(rows...).OnConflict().DoNothing().Exec(sys()); err != nil {
		t.Fatal(err)
	}
}

// assertCoarseIsSum: the stored coarse rows are the sums of the stored
// desk rows, row for row.
func assertCoarseIsSum(t *testing.T, w *world) {
	t.Helper()
	want := coarseOf(storedRollups(t, w))
	rows, err := w.db.Client.StatsUnitDay.Query().All(sys())
	if err != nil {
		t.Fatal(err)
	}
	got := map[coarseKey]int64{}
	for _, r := range rows {
		got[coarseKey{r.Day, r.Level, r.UnitPath, r.Metric, r.Kind, r.Carrier, r.Bucket}] += r.N
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%+v: coarse %d, sum of desk rows %d", k, got[k], n)
		}
	}
	for k, n := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%+v: coarse %d, no desk rows", k, n)
		}
	}
	if len(want) == 0 {
		t.Fatal("no roll-ups at all")
	}
}
