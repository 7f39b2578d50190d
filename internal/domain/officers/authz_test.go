package officers

import (
	"context"
	"testing"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/domain/accounts"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// TestAuthorizationTable: every role against every query and mutation of
// the admin operations, at the service level: allowed, or the exact refusal code. Each
// case gets targets of its own, so that one case's success cannot change the
// next one's answer.
// Long because it is a table: one row per case, so that the cases read side
// by side and a missing one shows.
func TestAuthorizationTable(t *testing.T) {
	const (
		ok         = refusal.Code("")
		unauth     = refusal.Unauthenticated
		forbidden  = refusal.Forbidden
		outOfScope = refusal.OutOfScope
		validation = refusal.Validation
	)
	type op struct {
		name string
		// run performs the operation as ctx on fresh targets and checks a
		// successful answer.
		run func(t *testing.T, w *world, ctx context.Context) error
	}
	ops := []op{
		{"addOfficer", func(t *testing.T, w *world, ctx context.Context) error {
			a := w.account("Hoàng Văn Mới", "SELF_REGISTERED")
			o, err := w.svc.Add(ctx, a.ID)
			if err == nil && (o.AccountID != a.ID || o.UnitID != nil || o.CanCreateCitizenAccounts) {
				t.Errorf("added officer: %+v", o)
			}
			return err
		}},
		{"assignOfficerUnit", func(t *testing.T, w *world, ctx context.Context) error {
			target := w.newOfficer(w.account("Vũ Thị Chuyển", "SELF_REGISTERED"), w.hanoiDesk, false)
			o, _, err := w.svc.AssignUnit(ctx, target.ID, w.hanoiJustice.ID)
			if err == nil && (o.UnitID == nil || *o.UnitID != w.hanoiJustice.ID || o.UnitPath != w.hanoiJustice.Path) {
				t.Errorf("moved officer: %+v", o)
			}
			return err
		}},
		{"setOfficerPermissions", func(t *testing.T, w *world, ctx context.Context) error {
			target := w.newOfficer(w.account("Đỗ Văn Quyền", "SELF_REGISTERED"), w.hanoiDesk, false)
			o, err := w.svc.SetPermissions(ctx, target.ID, []Permission{CreateCitizenAccounts})
			if err == nil && !o.CanCreateCitizenAccounts {
				t.Errorf("granted officer: %+v", o)
			}
			return err
		}},
		{"grantAdmin", func(t *testing.T, w *world, ctx context.Context) error {
			a := w.account("Bùi Văn Trị", "SELF_REGISTERED")
			o, err := w.svc.GrantAdmin(ctx, a.ID, w.hanoi.ID)
			if err == nil && (o.AdminUnitID == nil || *o.AdminUnitID != w.hanoi.ID) {
				t.Errorf("new admin: %+v", o)
			}
			return err
		}},
		{"officers", func(t *testing.T, w *world, ctx context.Context) error {
			conn, err := w.svc.Search(ctx, OfficerSearch{UnitID: &w.hanoiDesk.ID})
			if err == nil && !containsOfficer(conn, w.officerOf(w.officer).ID) {
				t.Errorf("officers of the desk lack its officer")
			}
			return err
		}},
		// A citizen who registered online is in no level-1 admin's scope:
		// any admin finds the account by its exact phone (shown masked but
		// to the super admin), only the super admin by name.
		{"accounts by exact phone", func(t *testing.T, w *world, ctx context.Context) error {
			conn, err := accounts.Search(ctx, w.db, accounts.Query{Search: w.citizen.Phone})
			if err == nil && (len(conn.Edges) != 1 || conn.Edges[0].Node.ID != w.citizen.ID) {
				t.Errorf("accounts search: %d results", len(conn.Edges))
			}
			if err == nil {
				vis, verr := accounts.Visible(ctx, w.db.Client, w.citizen.ID)
				super := viewer.FromContext(ctx).Scope(policy.ObjAccount, policy.ActRead).All
				if verr != nil || (vis == accounts.Full) != super {
					t.Errorf("visibility %s (%v), super admin %v", vis, verr, super)
				}
			}
			return err
		}},
		{"accounts by name", func(t *testing.T, w *world, ctx context.Context) error {
			conn, err := accounts.Search(ctx, w.db, accounts.Query{Search: "Ngô Thị Dân"})
			super := viewer.FromContext(ctx).Scope(policy.ObjAccount, policy.ActRead).All
			if err == nil && len(conn.Edges) != map[bool]int{true: 1, false: 0}[super] {
				t.Errorf("accounts search by name out of scope: %d results", len(conn.Edges))
			}
			return err
		}},
		{"accounts by exact phone with where", func(t *testing.T, w *world, ctx context.Context) error {
			_, err := accounts.Search(ctx, w.db, accounts.Query{Search: w.citizen.Phone, Where: &ent.AccountWhereInput{}})
			return err
		}},
		{"auditEvents", func(t *testing.T, w *world, ctx context.Context) error {
			_, err := audit.List(ctx, w.db.Client, store.Page{}, nil)
			return err
		}},
	}
	roles := []string{"super admin", "level-1 admin in scope", "level-1 admin out of scope", "officer", "citizen", "anonymous"}
	want := map[string][]refusal.Code{
		"addOfficer":                         {ok, ok, ok, forbidden, forbidden, unauth},
		"assignOfficerUnit":                  {ok, ok, outOfScope, forbidden, forbidden, unauth},
		"setOfficerPermissions":              {ok, ok, outOfScope, forbidden, forbidden, unauth},
		"grantAdmin":                         {ok, forbidden, forbidden, forbidden, forbidden, unauth},
		"officers":                           {ok, ok, outOfScope, forbidden, forbidden, unauth},
		"accounts by exact phone":            {ok, ok, ok, forbidden, forbidden, unauth},
		"accounts by name":                   {ok, ok, ok, forbidden, forbidden, unauth},
		"accounts by exact phone with where": {ok, validation, validation, forbidden, forbidden, unauth},
		"auditEvents":                        {ok, ok, ok, forbidden, forbidden, unauth},
	}
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		who := []*ent.Account{w.super, w.adminHN, w.adminHue, w.officer, w.citizen, nil}
		for _, o := range ops {
			for i, role := range roles {
				t.Run(o.name+"/"+role, func(t *testing.T) {
					w.t = t
					before := w.snapshot()
					err := o.run(t, w, w.as(who[i]))
					wantCode(t, err, want[o.name][i])
					if err != nil {
						// The fixture created targets; the refusal itself wrote nothing.
						if got := w.auditCount(); got != before.audit {
							t.Errorf("audit trail grew after a refusal: %d → %d", before.audit, got)
						}
					}
				})
			}
		}
	})
}

func containsOfficer(conn *ent.OfficerConnection, id pulid.ID) bool {
	for _, e := range conn.Edges {
		if e.Node.ID == id {
			return true
		}
	}
	return false
}
