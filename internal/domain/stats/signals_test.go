package stats

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/auditevent"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/ent/signal"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

// TestSignals: each rule fires on data made to cross its threshold and
// stays quiet on data just under it; a second run adds nothing; a review is
// audited and hides the signal from the default list.
func TestSignals(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.oneOfEachKind()
		*w.clock = w.now().Add(12 * time.Hour) // 22:00 the same day
		if _, err := w.svc.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Detect(context.Background(), w.now()); err != nil {
			t.Fatal(err)
		}
		want := map[signal.Kind]string{
			signal.KindSHARED_PHONE: w.deskA1.Path, signal.KindAFTER_HOURS: w.deskB1.Path,
			signal.KindUNUSED_PASSWORDS: w.deskB1.Path, signal.KindLOOKUP_BUDGET: w.deskA1.Path,
		}
		got := w.signals(t)
		if len(got) != len(want) {
			t.Errorf("%d signals, want %d: %v", len(got), len(want), describe(got))
		}
		for _, s := range got {
			if want[s.Kind] != s.UnitPath {
				t.Errorf("unexpected %s at %s (value %v, threshold %v)", s.Kind, s.UnitPath, s.Value, s.Threshold)
			}
		}
		// A1 drops 16 more of 20 (24 of 40), A2 2 of 20 more and a new desk
		// A3 2 of 20: median 0.1, threshold 0.2; A1 fires at 0.6.
		w.cases(w.offA1, 20, 16)
		w.cases(w.offA2, 20, 2)
		w.cases(w.deskOfficer(t, w.provA, "Bộ phận một cửa xã A3"), 20, 2)
		if _, err := w.svc.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		for range 2 { // twice: the second run adds nothing
			if _, err := w.svc.Detect(context.Background(), w.now()); err != nil {
				t.Fatal(err)
			}
		}
		got = w.signals(t)
		var drop *ent.Signal
		for _, s := range got {
			if s.Kind == signal.KindDESK_DROP_OFF {
				if drop != nil || s.UnitPath != w.deskA1.Path {
					t.Errorf("DESK_DROP_OFF at %s (value %v, threshold %v)", s.UnitPath, s.Value, s.Threshold)
				}
				drop = s
			}
		}
		if drop == nil || len(got) != len(want)+1 || len(drop.SubjectIds) == 0 {
			t.Fatalf("after A1's drop-off: %v", describe(got))
		}
		reviewDropOff(t, w, drop)
	})
}

// oneOfEachKind writes what should raise one signal of each kind but
// DESK_DROP_OFF, and as much below each threshold elsewhere.
func (w *world) oneOfEachKind() {
	// SHARED_PHONE: three accounts on one phone by desk A1 (fires), two on another by A2 (quiet).
	for range 3 {
		w.deskAccount(w.offA1, "+84961110001", w.now(), true)
	}
	for range 2 {
		w.deskAccount(w.offA2, "+84961110002", w.now(), true)
	}
	// AFTER_HOURS: B1 completes a case at 21:00 (fires); A2 at 10:00 (quiet).
	w.completedCase(w.offB1, w.now().Add(11*time.Hour))
	w.completedCase(w.offA2, w.now())
	// UNUSED_PASSWORDS: B1 made 6 accounts 10 days ago, 4 never used
	// (fires); A2 made 6, 1 never used (quiet).
	old := w.now().AddDate(0, 0, -10)
	for i := range 6 {
		w.deskAccount(w.offB1, fmt.Sprintf("+8491222%04d", i), old, i < 4)
		w.deskAccount(w.offA2, fmt.Sprintf("+8491333%04d", i), old, i < 1)
	}
	// DESK_DROP_OFF in province A: A1 drops 8 of 20 cases, A2 2 of 20;
	// median 0.25, threshold 0.5: nobody fires. Then A1 drops 16 of 20.
	w.cases(w.offA1, 20, 8)
	w.cases(w.offA2, 20, 2)
	// LOOKUP_BUDGET: A1 used 250 of 300 lookups (fires at 240), B1 100 (quiet).
	w.budget(w.offA1, 250)
	w.budget(w.offB1, 100)
}

// reviewDropOff reviews the DESK_DROP_OFF signal drop as admin A: audited,
// refused to admin B, then out of A's default list and in it with
// includeReviewed.
func reviewDropOff(t *testing.T, w *world, drop *ent.Signal) {
	t.Helper()
	// Review: audited, then out of the default list, in it with includeReviewed.
	note := "Đã kiểm tra với trưởng bộ phận"
	rv, err := w.svc.Review(w.as(w.adminA), drop.ID, &note)
	if err != nil || !rv.Reviewed || rv.ReviewedBy == nil || *rv.ReviewNote != note {
		t.Fatalf("review: %+v %v", rv, err)
	}
	if n, _ := w.db.Client.AuditEvent.Query().Where(auditevent.Action("signal.review"), auditevent.TargetID(string(drop.ID))).Count(sys()); n != 1 {
		t.Errorf("%d audit events of the review, want 1", n)
	}
	if _, err := w.svc.Review(w.as(w.adminB), drop.ID, nil); err == nil {
		t.Error("admin B reviewed a signal of province A")
	}
	open, err := w.svc.Signals(w.as(w.adminA), store.Page{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	all := true
	every, err := w.svc.Signals(w.as(w.adminA), store.Page{}, &SignalFilter{IncludeReviewed: &all})
	if err != nil {
		t.Fatal(err)
	}
	// Province A's: SHARED_PHONE, LOOKUP_BUDGET, DESK_DROP_OFF (reviewed).
	if open.TotalCount != 2 || every.TotalCount != 3 {
		t.Errorf("admin A's signals: %d open, %d in all; want 2 and 3", open.TotalCount, every.TotalCount)
	}
}

func describe(ss []*ent.Signal) []string {
	var out []string
	for _, s := range ss {
		out = append(out, fmt.Sprintf("%s@%s=%v/%v", s.Kind, s.UnitPath, s.Value, s.Threshold))
	}
	return out
}

func (w *world) signals(t *testing.T) []*ent.Signal {
	ss, err := w.db.Client.Signal.Query().All(sys())
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

// deskAccount is an account created at off's desk at t, whose initial
// password is unused or was used.
func (w *world) deskAccount(off *ent.Officer, phone string, at time.Time, unused bool) *ent.Account {
	w.t.Helper()
	w.seq++
	c := w.db.Client.Account.Create().SetIDNumber(fmt.Sprintf("001095%06d", w.seq)).
		SetFullName("Công Dân").SetNameFolded(vn.Fold("Công Dân")).SetDateOfBirth(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)).
		SetPhone(phone).SetOrigin(account.OriginONE_STOP_DESK).SetCreatedByOfficerID(off.ID).SetCreatedAtUnitID(*off.UnitID).
		SetCreatedAt(at).SetUpdatedAt(at)
	if !unused {
		c.SetInitialPasswordUsedAt(at.Add(time.Hour))
	}
	a, err := c.Save(sys())
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

func (w *world) newCase(off *ent.Officer, at time.Time, state registration.State) *ent.RegistrationCreate {
	w.seq++
	return w.db.Client.Registration.Create().SetCode(fmt.Sprintf("S%07d", w.seq)).SetIDNumber(fmt.Sprintf("0020%08d", w.seq)).
		SetFullName("Thử").SetDateOfBirth(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)).SetPhone("+84961234567").
		SetOfficerID(off.ID).SetUnitID(*off.UnitID).SetUnitPath(off.UnitPath).SetState(state).
		SetExpiresAt(at.Add(24 * time.Hour)).SetCreatedAt(at).SetUpdatedAt(at)
}

// completedCase is a case of off completed at t, with its account.
func (w *world) completedCase(off *ent.Officer, at time.Time) {
	w.t.Helper()
	a := w.deskAccount(off, fmt.Sprintf("+8498%07d", w.seq), at, false)
	if err := w.newCase(off, at, registration.StateCREATED).SetAccountID(a.ID).SetCompletedAt(at).Exec(sys()); err != nil {
		w.t.Fatal(err)
	}
}

// cases starts n cases of off now, dropped of them cancelled.
func (w *world) cases(off *ent.Officer, n, dropped int) {
	w.t.Helper()
	for i := range n {
		st := registration.StateOTP_SENT
		if i < dropped {
			st = registration.StateCANCELLED
		}
		if err := w.newCase(off, w.now(), st).Exec(sys()); err != nil {
			w.t.Fatal(err)
		}
	}
}

func (w *world) budget(off *ent.Officer, used int) {
	w.t.Helper()
	err := w.db.Client.Budget.Create().SetKey("lookup:" + string(off.ID) + ":day").SetUsed(used).
		SetWindowStart(w.now().Add(-time.Hour).UTC()).Exec(sys())
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) deskOfficer(t *testing.T, parent *ent.Unit, name string) *ent.Officer {
	desk := w.unit(name, parent)
	w.seq++
	return w.officer(w.account("Cán Bộ "+name, fmt.Sprintf("+8496999%04d", w.seq)), desk)
}
