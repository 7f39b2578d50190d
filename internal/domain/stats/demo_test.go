package stats

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/ent/officer"
	"github.com/motcua/motcua/internal/domain/officers"
	"github.com/motcua/motcua/internal/domain/seed"
	"github.com/motcua/motcua/internal/domain/units"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// TestDemoHistoryFillsEveryChart: after `make run`'s seeding every chart of
// the super admin has figures and at least two kinds of signal fired.
// SQLite only: the demo is the dev mode's.
func TestDemoHistoryFillsEveryChart(t *testing.T) {
	db := testenv.SQLite(t)
	now := time.Now()
	clock := func() time.Time { return now }
	seedDemoWithHistory(t, db, now)
	svc := New(Config{DB: db, Bus: events.NewLocal(), Now: clock, OTPMaxAttempts: 5, LookupsPerDay: 300})
	refreshTwice(t, svc, db)
	if _, err := svc.Detect(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	ctx := asSuperAdmin(t, db)
	r, err := svc.Statistics(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	perDay, err1 := r.AccountsPerDay(ctx)
	bars, err2 := r.AccountsBy(ctx, ByUnit, nil)
	funnel, err3 := r.Funnel(ctx)
	rows, err4 := r.SMS(ctx)
	delivery, err5 := r.SMSDelivery(ctx)
	health, err6 := r.Otp(ctx)
	for _, err := range []error{err1, err2, err3, err4, err5, err6} {
		if err != nil {
			t.Fatal(err)
		}
	}
	nonZero := 0
	for _, d := range perDay {
		if d.Count > 0 {
			nonZero++
		}
	}
	carriers := map[Carrier]bool{}
	statuses := 0
	for _, row := range rows {
		carriers[row.Carrier] = true
		if row.Undelivered > 0 && row.Failed > 0 && row.NoReport > 0 && row.Delivered > 0 {
			statuses++
		}
	}
	p95 := 0
	for _, d := range delivery {
		if d.P95Seconds != nil {
			p95++
		}
	}
	if nonZero < 20 || len(bars) < 4 || bars[0].Count == 0 || funnel.Cancelled == 0 || funnel.Expired == 0 ||
		len(carriers) < 6 || statuses == 0 || p95 < 20 || health.Resends == 0 || health.AttemptsExhausted == 0 || health.CodesPerAccount == nil {
		t.Errorf("thin demo: %d days with accounts, %d bars, funnel %+v, %d carriers, %d rows of every status, %d days with p95, OTP %+v",
			nonZero, len(bars), funnel, len(carriers), statuses, p95, health)
	}
	checkDemoSignals(t, svc, ctx)
}

// refreshTwice rebuilds the statistics, then refreshes the same days again
// (nothing changed), and logs how long each took.
func refreshTwice(t *testing.T, svc *Service, db *store.DB) {
	t.Helper()
	t0 := time.Now()
	days, err := svc.Refresh(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rebuilt := time.Since(t0)
	t0 = time.Now()
	if _, err := svc.Refresh(context.Background()); err != nil { // the same days again, nothing changed
		t.Fatal(err)
	}
	cases, _ := db.Client.Registration.Query().Count(sys())
	msgs, _ := db.Client.SMSMessage.Query().Count(sys())
	t.Logf("refresh: %d days (%d cases, %d SMS) in %v; again, unchanged, in %v", len(days), cases, msgs, rebuilt, time.Since(t0))
}

// seedDemoWithHistory writes the demo data and its history at now, the
// history twice (a restart adds nothing).
func seedDemoWithHistory(t *testing.T, db *store.DB, now time.Time) {
	t.Helper()
	clock := func() time.Time { return now }
	hash := func(context.Context, string) (string, error) { return "$argon2id$demo", nil }
	if _, err := seed.DemoData(sys(), db, units.New(db, clock), hash, clock); err != nil {
		t.Fatal(err)
	}
	if err := seed.DemoHistory(sys(), db, now); err != nil {
		t.Fatal(err)
	}
	if err := seed.DemoHistory(sys(), db, now); err != nil { // a restart adds nothing
		t.Fatal(err)
	}
}

// asSuperAdmin is a context acting as the demo's super admin.
func asSuperAdmin(t *testing.T, db *store.DB) context.Context {
	t.Helper()
	authz, err := policy.New(context.Background(), officers.Assignments(db.Client))
	if err != nil {
		t.Fatal(err)
	}
	super, err := db.Client.Officer.Query().Where(officer.SuperAdmin(true)).Only(sys())
	if err != nil {
		t.Fatal(err)
	}
	v := viewer.New(authz)
	v.AccountID, v.OfficerID = super.AccountID, super.ID
	return viewer.NewContext(context.Background(), v)
}

// checkDemoSignals checks that the demo raises signals of at least two kinds.
func checkDemoSignals(t *testing.T, svc *Service, ctx context.Context) {
	t.Helper()
	conn, err := svc.Signals(ctx, store.Page{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, e := range conn.Edges {
		kinds[string(e.Node.Kind)] = true
	}
	if len(kinds) < 2 {
		t.Errorf("demo signals: %v", kinds)
	}
	t.Logf("demo: %d signals of kinds %v", conn.TotalCount, kinds)
}
