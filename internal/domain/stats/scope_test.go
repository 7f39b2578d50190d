package stats

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

// TestStatisticsScope: who may read which figures, and that a province
// admin's figures are its desks' only.
func TestStatisticsScope(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.startThreeCases(t)
		if _, err := w.svc.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		started := func(ctx context.Context, f *Filter) (int, error) {
			r, err := w.svc.Statistics(ctx, f)
			if err != nil {
				return 0, err
			}
			fn, err := r.Funnel(ctx)
			if err != nil {
				return 0, err
			}
			return fn.Started, nil
		}
		deskA1, provA := w.deskA1.ID, w.provA.ID
		for _, tc := range []struct {
			name string
			ctx  context.Context
			f    *Filter
			want int
			code refusal.Code
		}{
			{"anonymous", context.Background(), nil, 0, refusal.Unauthenticated},
			{"citizen", w.as(w.citizen), nil, 0, refusal.Forbidden},
			{"officer", w.as(w.plainOfficer), nil, 0, refusal.Forbidden},
			{"admin A, whole scope", w.as(w.adminA), nil, 2, ""},
			{"admin A, its desk", w.as(w.adminA), &Filter{UnitID: &deskA1}, 2, ""},
			{"admin B, whole scope", w.as(w.adminB), nil, 1, ""},
			{"admin B, A's province", w.as(w.adminB), &Filter{UnitID: &provA}, 0, refusal.OutOfScope},
			{"super admin, country", w.as(w.super), nil, 3, ""},
			{"super admin, province A", w.as(w.super), &Filter{UnitID: &provA}, 2, ""},
		} {
			got, err := started(tc.ctx, tc.f)
			if tc.code != "" {
				if !refusal.Is(err, tc.code) {
					t.Errorf("%s: err %v, want %s", tc.name, err, tc.code)
				}
				continue
			}
			if err != nil || got != tc.want {
				t.Errorf("%s: started %d (%v), want %d", tc.name, got, err, tc.want)
			}
		}
		// Bars: the super admin's are the provinces; A's province drills into its desks.
		r, err := w.svc.Statistics(w.as(w.super), nil)
		if err != nil {
			t.Fatal(err)
		}
		bars, err := r.FunnelBy(w.as(w.super), nil)
		if err != nil || len(bars) != 2 || bars[0].Unit.ID != w.provA.ID || bars[0].Funnel.Started != 2 {
			t.Fatalf("super admin's funnel bars: %+v %v", bars, err)
		}
		refusalsBeyondTheFunnel(t, w)
	})
}

// startThreeCases starts two cases at desk A1 and one at B1, now.
func (w *world) startThreeCases(t *testing.T) {
	t.Helper()
	c := w.db.Client
	for _, off := range []*ent.Officer{w.offA1, w.offA1, w.offB1} {
		w.seq++
		if err := c.Registration.Create().SetCode("K" + string(rune('A'+w.seq))).SetIDNumber("00109" + pad(w.seq)).
			SetFullName("Thử").SetDateOfBirth(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)).SetPhone(phones[0]).
			SetOfficerID(off.ID).SetUnitID(*off.UnitID).SetUnitPath(off.UnitPath).SetExpiresAt(w.now().Add(time.Hour)).
			SetCreatedAt(w.now()).SetUpdatedAt(w.now()).Exec(sys()); err != nil {
			t.Fatal(err)
		}
	}
}

// refusalsBeyondTheFunnel: a CUSTOM period needs both ends and at most 366
// days; admin B reads no signals of province A; admin A changes no
// thresholds.
func refusalsBeyondTheFunnel(t *testing.T, w *world) {
	t.Helper()
	provA := w.provA.ID
	custom := Custom
	from, to := w.now().AddDate(-2, 0, 0), w.now()
	if _, err := w.svc.Statistics(w.as(w.adminA), &Filter{Period: &custom, From: &from, To: &to}); !refusal.Is(err, refusal.Validation) {
		t.Errorf("two-year period: %v", err)
	}
	if _, err := w.svc.Statistics(w.as(w.adminA), &Filter{Period: &custom}); !refusal.Is(err, refusal.Validation) {
		t.Errorf("CUSTOM without dates: %v", err)
	}
	if _, err := w.svc.Signals(w.as(w.adminB), store.Page{}, &SignalFilter{UnitID: &provA}); !refusal.Is(err, refusal.OutOfScope) {
		t.Errorf("admin B's signals of A: %v", err)
	}
	if _, err := w.svc.UpdateSignalSettings(w.as(w.adminA), SettingsInput{}); !refusal.Is(err, refusal.Forbidden) {
		t.Errorf("admin A changes thresholds: %v", err)
	}
}

func pad(n int) string {
	s := "0000000" + string(rune('0'+n%10)) + string(rune('0'+n/10%10))
	return s[len(s)-7:]
}
