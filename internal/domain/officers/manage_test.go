package officers

import (
	"context"
	"strings"
	"testing"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/officer"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy"
)

// refusalCase is one refused call: who, what, and the code expected.
type refusalCase struct {
	name string
	code refusal.Code
	// call prepares the targets and returns the refused action.
	call func(w *world) func() error
}

// runRefusals runs every case on a fresh world and checks that nothing changed.
func runRefusals(t *testing.T, cases []refusalCase) {
	t.Helper()
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				w.t = t
				act := c.call(w)
				before := w.snapshot()
				wantCode(t, act(), c.code)
				w.unchanged(before)
			})
		}
	})
}

func TestAddRefusals(t *testing.T) {
	runRefusals(t, []refusalCase{
		{"anonymous", refusal.Unauthenticated, func(w *world) func() error {
			return func() error {
				_, err := w.svc.Add(w.as(nil), w.citizen.ID)
				return err
			}
		}},
		{"not an admin", refusal.Forbidden, func(w *world) func() error {
			return func() error {
				_, err := w.svc.Add(w.as(w.officer), w.citizen.ID)
				return err
			}
		}},
		{"unknown account", refusal.NotFound, func(w *world) func() error {
			return func() error {
				_, err := w.svc.Add(w.as(w.adminHN), pulid.New("AC"))
				return err
			}
		}},
		{"already managed", refusal.InvalidState, func(w *world) func() error {
			return func() error {
				_, err := w.svc.Add(w.as(w.adminHN), w.officer.ID)
				return err
			}
		}},
	})
}

func TestAssignUnitRefusals(t *testing.T) {
	runRefusals(t, []refusalCase{
		{"anonymous", refusal.Unauthenticated, func(w *world) func() error {
			return func() error {
				_, _, err := w.svc.AssignUnit(w.as(nil), w.officerOf(w.officer).ID, w.hanoiJustice.ID)
				return err
			}
		}},
		{"citizen", refusal.Forbidden, func(w *world) func() error {
			return func() error {
				_, _, err := w.svc.AssignUnit(w.as(w.citizen), w.officerOf(w.officer).ID, w.hanoiJustice.ID)
				return err
			}
		}},
		{"officer", refusal.Forbidden, func(w *world) func() error {
			return func() error {
				_, _, err := w.svc.AssignUnit(w.as(w.officer), w.officerOf(w.officer).ID, w.hanoiJustice.ID)
				return err
			}
		}},
		{"unknown officer", refusal.NotFound, func(w *world) func() error {
			return func() error {
				_, _, err := w.svc.AssignUnit(w.as(w.adminHN), pulid.New("OF"), w.hanoiJustice.ID)
				return err
			}
		}},
		{"unknown unit", refusal.NotFound, func(w *world) func() error {
			return func() error {
				_, _, err := w.svc.AssignUnit(w.as(w.adminHN), w.officerOf(w.officer).ID, pulid.New("UN"))
				return err
			}
		}},
		{"moving oneself", refusal.Forbidden, func(w *world) func() error {
			return func() error {
				_, _, err := w.svc.AssignUnit(w.as(w.adminHN), w.officerOf(w.adminHN).ID, w.hanoiDesk.ID)
				return err
			}
		}},
		{"old unit out of scope", refusal.OutOfScope, func(w *world) func() error {
			o := w.newOfficer(w.account("Lý Văn Huế", account.OriginSELF_REGISTERED), w.hueDesk, true)
			return func() error {
				_, _, err := w.svc.AssignUnit(w.as(w.adminHN), o.ID, w.hanoiDesk.ID)
				return err
			}
		}},
		{"new unit out of scope", refusal.OutOfScope, func(w *world) func() error {
			return func() error {
				_, _, err := w.svc.AssignUnit(w.as(w.adminHN), w.officerOf(w.officer).ID, w.hueDesk.ID)
				return err
			}
		}},
		{"no old unit, new unit out of scope", refusal.OutOfScope, func(w *world) func() error {
			o := w.newOfficer(w.account("Mai Văn Chưa", account.OriginSELF_REGISTERED), nil, false)
			return func() error {
				_, _, err := w.svc.AssignUnit(w.as(w.adminHue), o.ID, w.hanoiDesk.ID)
				return err
			}
		}},
	})
}

// TestSetPermissionsRefusals is long because it is a table: one row per
// case, so that the cases read side by side and a missing one shows.
func TestSetPermissionsRefusals(t *testing.T) {
	grant := []Permission{CreateCitizenAccounts}
	runRefusals(t, []refusalCase{
		{"anonymous", refusal.Unauthenticated, func(w *world) func() error {
			return func() error {
				_, err := w.svc.SetPermissions(w.as(nil), w.officerOf(w.officer).ID, nil)
				return err
			}
		}},
		{"officer", refusal.Forbidden, func(w *world) func() error {
			return func() error {
				_, err := w.svc.SetPermissions(w.as(w.officer), w.officerOf(w.officer).ID, nil)
				return err
			}
		}},
		{"unknown permission", refusal.Validation, func(w *world) func() error {
			return func() error {
				_, err := w.svc.SetPermissions(w.as(w.adminHN), w.officerOf(w.officer).ID, []Permission{"FLY"})
				return err
			}
		}},
		{"unknown officer", refusal.NotFound, func(w *world) func() error {
			return func() error {
				_, err := w.svc.SetPermissions(w.as(w.adminHN), pulid.New("OF"), grant)
				return err
			}
		}},
		{"granting oneself", refusal.Forbidden, func(w *world) func() error {
			me := w.account("Tự Cấp Quyền", account.OriginSELF_REGISTERED)
			w.newOfficer(me, w.hanoiDesk, false)
			w.mustCreate(w.db.Client.Officer.Update().Where(officer.AccountID(me.ID)).SetAdminUnitID(w.hanoi.ID))
			w.reload()
			return func() error {
				_, err := w.svc.SetPermissions(w.as(me), w.officerOf(me).ID, grant)
				return err
			}
		}},
		{"VNPost account", refusal.VNPostAccount, func(w *world) func() error {
			o := w.newOfficer(w.account("Bưu Điện Văn", account.OriginVNPOST), w.hanoiDesk, false)
			return func() error {
				_, err := w.svc.SetPermissions(w.as(w.adminHN), o.ID, grant)
				return err
			}
		}},
		{"no unit", refusal.OfficerHasNoUnit, func(w *world) func() error {
			o := w.newOfficer(w.account("Chưa Có Đơn Vị", account.OriginSELF_REGISTERED), nil, false)
			return func() error {
				_, err := w.svc.SetPermissions(w.as(w.adminHN), o.ID, grant)
				return err
			}
		}},
		{"unit out of scope", refusal.OutOfScope, func(w *world) func() error {
			o := w.newOfficer(w.account("Ở Huế Văn", account.OriginSELF_REGISTERED), w.hueDesk, false)
			return func() error {
				_, err := w.svc.SetPermissions(w.as(w.adminHN), o.ID, grant)
				return err
			}
		}},
		{"revoking out of scope", refusal.OutOfScope, func(w *world) func() error {
			return func() error {
				_, err := w.svc.SetPermissions(w.as(w.adminHue), w.officerOf(w.officer).ID, nil)
				return err
			}
		}},
		{"unit not a service desk", refusal.UnitNotServiceDesk, func(w *world) func() error {
			o := w.newOfficer(w.account("Tư Pháp Văn", account.OriginSELF_REGISTERED), w.hanoiJustice, false)
			return func() error {
				_, err := w.svc.SetPermissions(w.as(w.adminHN), o.ID, grant)
				if r, ok := refusal.As(err); ok && (!strings.Contains(r.VI, "«Sở Tư pháp thành phố Hà Nội»") ||
					!strings.Contains(r.VI, "Trung tâm phục vụ hành chính công") || !strings.Contains(r.VI, "Bộ phận một cửa")) {
					w.t.Errorf("the message does not say which unit and which rule: %s", r.VI)
				}
				return err
			}
		}},
	})
}

func TestGrantAdminRefusals(t *testing.T) {
	runRefusals(t, []refusalCase{
		{"anonymous", refusal.Unauthenticated, func(w *world) func() error {
			return func() error {
				_, err := w.svc.GrantAdmin(w.as(nil), w.citizen.ID, w.hanoi.ID)
				return err
			}
		}},
		{"level-1 admin", refusal.Forbidden, func(w *world) func() error {
			return func() error {
				_, err := w.svc.GrantAdmin(w.as(w.adminHN), w.citizen.ID, w.hanoiDesk.ID)
				return err
			}
		}},
		{"oneself", refusal.Forbidden, func(w *world) func() error {
			return func() error {
				_, err := w.svc.GrantAdmin(w.as(w.super), w.super.ID, w.hanoi.ID)
				return err
			}
		}},
		{"VNPost account", refusal.VNPostAccount, func(w *world) func() error {
			return func() error {
				_, err := w.svc.GrantAdmin(w.as(w.super), w.account("Bưu Điện Thị", account.OriginVNPOST).ID, w.hanoi.ID)
				return err
			}
		}},
		{"unknown account", refusal.NotFound, func(w *world) func() error {
			return func() error {
				_, err := w.svc.GrantAdmin(w.as(w.super), pulid.New("AC"), w.hanoi.ID)
				return err
			}
		}},
		{"unknown unit", refusal.NotFound, func(w *world) func() error {
			return func() error {
				_, err := w.svc.GrantAdmin(w.as(w.super), w.citizen.ID, pulid.New("UN"))
				return err
			}
		}},
	})
}

// policyEvents subscribes to the bus's policy topic.
func policyEvents(t *testing.T, w *world) <-chan events.Event {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch, err := w.bus.Subscribe(ctx, events.TopicPolicy)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// wantPolicyEvent checks that a policy event for the officer was published.
// Publishing happens on commit, before the call returns: no waiting needed.
func wantPolicyEvent(t *testing.T, ch <-chan events.Event, officerID pulid.ID) {
	t.Helper()
	select {
	case e := <-ch:
		if e.Topic != events.TopicPolicy || e.ID != string(officerID) {
			t.Errorf("event %+v, want policy for %s", e, officerID)
		}
	default:
		t.Errorf("no policy event published")
	}
}

func mayRegister(w *world, a *ent.Account, u *ent.Unit) bool {
	return w.authz.Allowed(string(a.ID), u.Path, policy.ObjRegistration, policy.ActCreate)
}

// TestMoveToNonDeskRevokes: moving an officer who may create citizen
// accounts to a unit that is not a service desk removes the right, says so,
// records why, and the policy no longer lets them register anyone.
func TestMoveToNonDeskRevokes(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ch := policyEvents(t, w)
		if !mayRegister(w, w.officer, w.hanoiDesk) {
			t.Fatal("fixture: the officer should be a registrar at the desk")
		}
		ctx := requestinfo.NewContext(w.as(w.adminHN), requestinfo.Info{ClientIP: "203.0.113.7"})
		target := w.officerOf(w.officer)

		o, notice, err := w.svc.AssignUnit(ctx, target.ID, w.hanoiJustice.ID)
		if err != nil {
			t.Fatal(err)
		}
		if o.CanCreateCitizenAccounts || o.UnitID == nil || *o.UnitID != w.hanoiJustice.ID || o.UnitPath != w.hanoiJustice.Path {
			t.Errorf("after the move: %+v", o)
		}
		if notice == nil || notice.Code != NoticePermissionRevoked || !strings.Contains(notice.VI, "Sở Tư pháp thành phố Hà Nội") ||
			!strings.Contains(notice.Message("en"), "removed") {
			t.Errorf("notice: %+v", notice)
		}
		evs := w.auditOf(target.ID)
		if len(evs) != 2 || evs[0].Action != ActionAssignUnit || evs[1].Action != ActionRevokePermission {
			t.Fatalf("audit events: %v", actions(evs))
		}
		for _, e := range evs {
			if e.Actor != string(w.adminHN.ID) || e.ClientIP != "203.0.113.7" || !e.At.Equal(testNow) || e.UnitPath != w.hanoiJustice.Path {
				t.Errorf("audit event %s: actor %s ip %s at %s path %s", e.Action, e.Actor, e.ClientIP, e.At, e.UnitPath)
			}
		}
		if evs[1].Detail["reason"] != "UNIT_NOT_SERVICE_DESK" || evs[1].Detail["permission"] != "CREATE_CITIZEN_ACCOUNTS" {
			t.Errorf("revocation detail: %v", evs[1].Detail)
		}
		before, _ := evs[0].Detail["before"].(map[string]any)
		after, _ := evs[0].Detail["after"].(map[string]any)
		if before["unitID"] != string(w.hanoiDesk.ID) || after["unitID"] != string(w.hanoiJustice.ID) {
			t.Errorf("move detail: %v", evs[0].Detail)
		}
		// The policy changed at once, without anyone calling Reload.
		if mayRegister(w, w.officer, w.hanoiDesk) || mayRegister(w, w.officer, w.hanoiJustice) {
			t.Error("the officer may still register citizens")
		}
		wantPolicyEvent(t, ch, target.ID)
		if _, err := audit.SealAll(context.Background(), db); err != nil {
			t.Fatal(err)
		}
		if rep, err := audit.Verify(context.Background(), db.Client); err != nil || rep.Broken != nil || rep.Unsealed != 0 {
			t.Errorf("audit chain: %+v %v", rep, err)
		}
	})
}

// TestMoveBetweenDesksKeepsTheRight: a desk-to-desk move keeps the grant
// and gives no notice; the right now applies at the new desk.
func TestMoveBetweenDesksKeepsTheRight(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		desk2 := w.unit("000.01.00.H26", "Bộ phận một cửa phường Hoàn Kiếm", unit.KindCOMMUNE, w.hanoi)
		target := w.officerOf(w.officer)
		o, notice, err := w.svc.AssignUnit(w.as(w.adminHN), target.ID, desk2.ID)
		if err != nil {
			t.Fatal(err)
		}
		if notice != nil || !o.CanCreateCitizenAccounts || o.UnitPath != desk2.Path {
			t.Errorf("officer %+v, notice %+v", o, notice)
		}
		if !mayRegister(w, w.officer, desk2) || mayRegister(w, w.officer, w.hanoiDesk) {
			t.Error("the right did not follow the officer")
		}
		if evs := w.auditOf(target.ID); len(evs) != 1 || evs[0].Action != ActionAssignUnit {
			t.Errorf("audit events: %v", actions(evs))
		}
		// Moving to the unit they are in already changes and records nothing.
		before := w.snapshot()
		if _, _, err := w.svc.AssignUnit(w.as(w.adminHN), target.ID, desk2.ID); err != nil {
			t.Fatal(err)
		}
		w.unchanged(before)
	})
}

// TestGrantAndRevoke: the grant takes effect on the next request, is
// audited with before and after, and an empty list revokes.
func TestGrantAndRevoke(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ch := policyEvents(t, w)
		a := w.account("Đặng Thị Ánh", account.OriginONE_STOP_DESK)
		o := w.newOfficer(a, w.hanoiDesk, false)
		if mayRegister(w, a, w.hanoiDesk) {
			t.Fatal("fixture: not granted yet")
		}
		got, err := w.svc.SetPermissions(w.as(w.adminHN), o.ID, []Permission{CreateCitizenAccounts})
		if err != nil {
			t.Fatal(err)
		}
		if !got.CanCreateCitizenAccounts || !mayRegister(w, a, w.hanoiDesk) {
			t.Error("grant not in force")
		}
		wantPolicyEvent(t, ch, o.ID)
		evs := w.auditOf(o.ID)
		if len(evs) != 1 || evs[0].Action != ActionSetPermissions {
			t.Fatalf("audit: %v", actions(evs))
		}
		after, _ := evs[0].Detail["after"].(map[string]any)
		if perms, _ := after["permissions"].([]any); len(perms) != 1 || perms[0] != "CREATE_CITIZEN_ACCOUNTS" {
			t.Errorf("audit detail: %v", evs[0].Detail)
		}

		got, err = w.svc.SetPermissions(w.as(w.super), o.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.CanCreateCitizenAccounts || mayRegister(w, a, w.hanoiDesk) {
			t.Error("revocation not in force")
		}
		wantPolicyEvent(t, ch, o.ID)
		if n := len(w.auditOf(o.ID)); n != 2 {
			t.Errorf("%d audit events, want 2", n)
		}
	})
}

// TestAddThenGrant walks source §2 from the start: add the account, attach
// the unit, grant; the blockers shrink at each step.
func TestAddThenGrant(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		admin := w.as(w.adminHN)
		o, err := w.svc.Add(admin, w.citizen.ID)
		if err != nil {
			t.Fatal(err)
		}
		steps := [][]Blocker{{BlockerNoUnit, BlockerPermissionNotGranted}}
		blockers := func(o *ent.Officer) {
			bs, err := w.svc.BlockersOf(admin, o)
			if err != nil {
				t.Fatal(err)
			}
			want := steps[len(steps)-1]
			if strings.Join(blockerStrings(bs), ",") != strings.Join(blockerStrings(want), ",") {
				t.Errorf("blockers %v, want %v", bs, want)
			}
		}
		blockers(o)
		if !Manageable(admin, o) || !Manageable(w.as(w.adminHue), o) || Manageable(w.as(w.officer), o) {
			t.Error("an officer with no unit is manageable by every admin and only by admins")
		}
		o, _, err = w.svc.AssignUnit(admin, o.ID, w.hanoiDesk.ID)
		if err != nil {
			t.Fatal(err)
		}
		steps = append(steps, []Blocker{BlockerPermissionNotGranted})
		blockers(o)
		if Manageable(w.as(w.adminHue), o) || !Manageable(admin, o) {
			t.Error("manageable does not follow the unit")
		}
		o, err = w.svc.SetPermissions(admin, o.ID, []Permission{CreateCitizenAccounts})
		if err != nil {
			t.Fatal(err)
		}
		steps = append(steps, []Blocker{})
		blockers(o)
		evs := w.auditOf(o.ID)
		if got := actions(evs); got != "officer.add,officer.assign_unit,officer.set_permissions" {
			t.Errorf("audit: %s", got)
		}
		// Adding is filed under the admin's own subtree: they see it in their trail.
		if evs[0].UnitPath != w.hanoi.Path {
			t.Errorf("add filed under %q", evs[0].UnitPath)
		}
	})
}

// TestGrantAdmin: a super admin makes a level-1 admin, who may act in the
// subtree at once.
func TestGrantAdmin(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ch := policyEvents(t, w)
		a := w.account("Võ Văn Tỉnh", account.OriginSELF_REGISTERED)
		if _, err := w.svc.Search(w.as(a), OfficerSearch{}); !refusal.Is(err, refusal.Forbidden) {
			t.Fatalf("before the grant: %v", err)
		}
		o, err := w.svc.GrantAdmin(w.as(w.super), a.ID, w.hue.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !IsAdmin(o) || o.SuperAdmin || o.UnitID != nil {
			t.Errorf("new admin: %+v", o)
		}
		wantPolicyEvent(t, ch, o.ID)
		if !w.authz.Allowed(string(a.ID), w.hueDesk.Path, policy.ObjOfficer, policy.ActManage) ||
			w.authz.Allowed(string(a.ID), w.hanoiDesk.Path, policy.ObjOfficer, policy.ActManage) {
			t.Error("the new admin's scope is wrong")
		}
		// Granting a subtree to an officer already managed updates its record.
		o2, err := w.svc.GrantAdmin(w.as(w.super), w.officer.ID, w.hanoi.ID)
		if err != nil {
			t.Fatal(err)
		}
		if o2.ID != w.officerOf(w.officer).ID || o2.AdminUnitID == nil || *o2.AdminUnitID != w.hanoi.ID || !o2.CanCreateCitizenAccounts {
			t.Errorf("officer made admin: %+v", o2)
		}
		evs := w.auditOf(o.ID)
		if len(evs) != 1 || evs[0].Action != ActionGrantAdmin || evs[0].UnitPath != w.hue.Path {
			t.Errorf("audit: %v", actions(evs))
		}
	})
}

// TestAuditEventsScope: a level-1 admin reads the events of their subtree
// only, newest first.
func TestAuditEventsScope(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hn := w.newOfficer(w.account("Hà Nội Một", account.OriginSELF_REGISTERED), w.hanoiDesk, false)
		hue := w.newOfficer(w.account("Huế Một", account.OriginSELF_REGISTERED), w.hueDesk, false)
		if _, _, err := w.svc.AssignUnit(w.as(w.adminHN), hn.ID, w.hanoiJustice.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.SetPermissions(w.as(w.adminHue), hue.ID, []Permission{CreateCitizenAccounts}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.SetPermissions(w.as(w.adminHue), hue.ID, nil); err != nil {
			t.Fatal(err)
		}
		targets := func(a *ent.Account) []string {
			conn, err := audit.List(w.as(a), w.db.Client, store.Page{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range conn.Edges {
				out = append(out, e.Node.TargetID+" "+e.Node.Action)
			}
			return out
		}
		if got := targets(w.adminHN); len(got) != 1 || got[0] != string(hn.ID)+" "+ActionAssignUnit {
			t.Errorf("Hà Nội admin sees %v", got)
		}
		want := []string{string(hue.ID) + " " + ActionSetPermissions, string(hue.ID) + " " + ActionSetPermissions}
		if got := targets(w.adminHue); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("Huế admin sees %v", got)
		}
		all := targets(w.super)
		if len(all) != 3 || all[2] != string(hn.ID)+" "+ActionAssignUnit {
			t.Errorf("super admin sees %v (want 3, newest first)", all)
		}
	})
}

func actions(evs []*ent.AuditEvent) string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Action)
	}
	return strings.Join(out, ",")
}

func blockerStrings(bs []Blocker) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = string(b)
	}
	return out
}
