package officers

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/officer"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// Audit actions written by this package.
const (
	ActionAdd              = "officer.add"
	ActionAssignUnit       = "officer.assign_unit"
	ActionSetPermissions   = "officer.set_permissions"
	ActionRevokePermission = "officer.revoke_permission"
	ActionGrantAdmin       = "officer.grant_admin"
)

// Add brings a registered portal account into user management (source §2
// step 1, "Add new account"): an Officer with no unit and no grants. Any
// admin may add (the account has no unit yet, so no scope can cover it);
// the audit event carries the admin's own subtree so that they see it in
// their trail. Refusals: UNAUTHENTICATED, FORBIDDEN (not an admin),
// NOT_FOUND (no such account), INVALID_STATE (already in user management).
func (s *Service) Add(ctx context.Context, accountID pulid.ID) (*ent.Officer, error) {
	v, err := admin(ctx, policy.ObjOfficer, policy.ActManage)
	if err != nil {
		return nil, err
	}
	sys := viewer.System(ctx)
	var id pulid.ID
	err = s.change(ctx, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		a, err := tx.Client.Account.Get(sys, accountID)
		if ent.IsNotFound(err) {
			return errAccountNotFound
		}
		if err != nil {
			return fmt.Errorf("officers: add: account: %w", err)
		}
		managed, err := tx.Client.Officer.Query().Where(officer.AccountID(a.ID)).Exist(sys)
		if err != nil {
			return fmt.Errorf("officers: add: %w", err)
		}
		if managed {
			return errAlreadyManaged
		}
		now := s.now()
		o, err := tx.Client.Officer.Create().SetAccountID(a.ID).SetCreatedAt(now).SetUpdatedAt(now).Save(sys)
		if ent.IsConstraintError(err) { // added by someone else in the meantime
			return errAlreadyManaged
		}
		if err != nil {
			return fmt.Errorf("officers: add: %w", err)
		}
		id = o.ID
		c.Record(now, audit.Entry{
			Action: ActionAdd, TargetType: "Officer", TargetID: string(o.ID),
			UnitPath: ownPath(v),
			Detail:   map[string]any{"accountID": string(a.ID), "after": state(o)},
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.reread(ctx, id)
}

// AssignUnit attaches an officer to a unit (source §2 step 2). A level-1
// admin may do it only when both the officer's current unit (if any) and the
// new one lie in their subtree. Moving an officer who holds
// CREATE_CITIZEN_ACCOUNTS to a unit that is not a service desk removes the
// right (it is only ever held at a service desk): a second audit event says
// why, and the returned Notice tells the admin. unit_path follows the unit.
// No admin moves themself. Refusals: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND,
// OUT_OF_SCOPE.
func (s *Service) AssignUnit(ctx context.Context, officerID, unitID pulid.ID) (*ent.Officer, *Notice, error) {
	v, err := admin(ctx, policy.ObjOfficer, policy.ActManage)
	if err != nil {
		return nil, nil, err
	}
	var notice *Notice
	err = s.change(ctx, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		o, u, err := assignment(ctx, tx, v, officerID, unitID)
		if err != nil || o == nil {
			return err
		}
		now := s.now()
		revoke := o.CanCreateCitizenAccounts && !u.IsServiceDesk
		after, err := update(ctx, tx, o.ID, func(upd *ent.OfficerUpdate) {
			upd.SetUnitID(u.ID).SetUnitPath(u.Path).SetUpdatedAt(now)
			if revoke {
				upd.SetCanCreateCitizenAccounts(false)
			}
		})
		if err != nil {
			return fmt.Errorf("officers: assign unit: %w", err)
		}
		c.Record(now, audit.Entry{
			Action: ActionAssignUnit, TargetType: "Officer", TargetID: string(o.ID), UnitPath: u.Path,
			Detail: map[string]any{"before": state(o), "after": state(after)},
		})
		if revoke {
			c.Record(now, audit.Entry{
				Action: ActionRevokePermission, TargetType: "Officer", TargetID: string(o.ID), UnitPath: u.Path,
				Detail: map[string]any{
					"permission": string(CreateCitizenAccounts),
					"reason":     string(refusal.UnitNotServiceDesk),
					"unitID":     string(u.ID),
				},
			})
			notice = revokedNotice(u)
		}
		c.Publish(s.policyChanged(o.ID))
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	o, err := s.reread(ctx, officerID)
	return o, notice, err
}

// assignment reads, and locks, the officer to move and the unit to move
// them to, and checks that the admin v may: nil, nil when the officer is
// already there (nothing to do).
func assignment(ctx context.Context, tx *store.Tx, v *viewer.Viewer, officerID, unitID pulid.ID) (*ent.Officer, *ent.Unit, error) {
	o, err := lockOfficer(ctx, tx, officerID)
	if err != nil {
		return nil, nil, err
	}
	if o.AccountID == v.AccountID {
		return nil, nil, errSelfMove
	}
	old := o.Edges.Unit
	if old != nil && !v.Can(policy.ObjOfficer, policy.ActManage, old.Path) {
		return nil, nil, errOfficerOutOfScope(old.Name)
	}
	u, err := tx.Client.Unit.Get(viewer.System(ctx), unitID)
	if ent.IsNotFound(err) {
		return nil, nil, errUnitNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("officers: assign unit: %w", err)
	}
	if !v.Can(policy.ObjOfficer, policy.ActManage, u.Path) {
		return nil, nil, errUnitOutOfScope(u.Name)
	}
	if old != nil && old.ID == u.ID && o.UnitPath == u.Path {
		return nil, nil, nil
	}
	return o, u, nil
}

// revokedNotice tells the admin that moving the officer to u took their
// right to create citizen accounts away.
func revokedNotice(u *ent.Unit) *Notice {
	return &Notice{
		Code: NoticePermissionRevoked,
		VI:   fmt.Sprintf("Đã thu hồi quyền tạo tài khoản cho công dân của cán bộ, vì đơn vị mới «%s» không phải Trung tâm phục vụ hành chính công hoặc Bộ phận một cửa.", u.Name),
		EN:   fmt.Sprintf("The officer's right to create citizen accounts was removed: the new unit «%s» is not a Public Administration Service Centre or One-Stop Department.", u.Name),
	}
}

// SetPermissions sets an officer's permissions (source §2 step 3); an empty
// list revokes. CREATE_CITIZEN_ACCOUNTS is granted only when the account is
// not of origin VNPOST (VNPOST_ACCOUNT), the officer has a unit
// (OFFICER_HAS_NO_UNIT), the admin's scope covers that unit (OUT_OF_SCOPE)
// and the unit is a service desk (UNIT_NOT_SERVICE_DESK); no admin sets
// their own permissions (FORBIDDEN). Each refusal tells the admin what to fix.
func (s *Service) SetPermissions(ctx context.Context, officerID pulid.ID, perms []Permission) (*ent.Officer, error) {
	v, err := admin(ctx, policy.ObjOfficer, policy.ActManage)
	if err != nil {
		return nil, err
	}
	grant := false
	for _, p := range perms {
		if p != CreateCitizenAccounts {
			return nil, refusal.New(refusal.Validation, "Quyền không hợp lệ.", "Unknown permission.").OnField("permissions")
		}
		grant = true
	}
	sys := viewer.System(ctx)
	err = s.change(ctx, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		o, err := lockOfficer(ctx, tx, officerID)
		if err != nil {
			return err
		}
		if o.AccountID == v.AccountID {
			return errSelfGrant
		}
		a, err := tx.Client.Account.Get(sys, o.AccountID)
		if err != nil {
			return fmt.Errorf("officers: set permissions: account: %w", err)
		}
		u := o.Edges.Unit
		switch {
		case grant && a.Origin == account.OriginVNPOST:
			return errVNPost
		case u == nil && grant:
			return errNoUnit
		case u != nil && !v.Can(policy.ObjOfficer, policy.ActManage, u.Path):
			return errOfficerOutOfScope(u.Name)
		case grant && !u.IsServiceDesk:
			return errNotServiceDesk(u.Name)
		case o.CanCreateCitizenAccounts == grant:
			return nil // nothing changes, nothing to record
		}
		now := s.now()
		after, err := update(ctx, tx, o.ID, func(upd *ent.OfficerUpdate) {
			upd.SetCanCreateCitizenAccounts(grant).SetUpdatedAt(now)
		})
		if err != nil {
			return fmt.Errorf("officers: set permissions: %w", err)
		}
		c.Record(now, audit.Entry{
			Action: ActionSetPermissions, TargetType: "Officer", TargetID: string(o.ID), UnitPath: o.UnitPath,
			Detail: map[string]any{"before": state(o), "after": state(after)},
		})
		c.Publish(s.policyChanged(o.ID))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.reread(ctx, officerID)
}

// GrantAdmin makes the account a level-1 administrator of the unit's
// subtree (source §1 b: ministry/province administrators). Only a super
// admin may (FORBIDDEN otherwise); VNPOST accounts (VNPOST_ACCOUNT) and the
// super admin themself (FORBIDDEN) are refused. An account not yet in user
// management gets its Officer record here. An officer administers one
// subtree: a new grant replaces the previous one.
func (s *Service) GrantAdmin(ctx context.Context, accountID, unitID pulid.ID) (*ent.Officer, error) {
	v, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if v.Scope(policy.ObjAdmin, policy.ActGrant).Empty() {
		return nil, errNotSuperAdmin
	}
	sys := viewer.System(ctx)
	var id pulid.ID
	err = s.change(ctx, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		a, u, err := adminGrant(ctx, tx, v, accountID, unitID)
		if err != nil {
			return err
		}
		q := tx.Client.Officer.Query().Where(officer.AccountID(a.ID))
		if tx.Dialect == dialect.Postgres {
			q = q.ForUpdate()
		}
		o, err := q.Only(sys)
		now := s.now()
		var before map[string]any
		switch {
		case ent.IsNotFound(err):
			o, err = tx.Client.Officer.Create().SetAccountID(a.ID).SetAdminUnitID(u.ID).
				SetCreatedAt(now).SetUpdatedAt(now).Save(sys)
		case err != nil:
		case o.AdminUnitID != nil && *o.AdminUnitID == u.ID:
			id = o.ID
			return nil // already the admin of this subtree
		default:
			before = state(o)
			o, err = update(ctx, tx, o.ID, func(upd *ent.OfficerUpdate) {
				upd.SetAdminUnitID(u.ID).SetUpdatedAt(now)
			})
		}
		if err != nil {
			return fmt.Errorf("officers: grant admin: %w", err)
		}
		id = o.ID
		c.Record(now, audit.Entry{
			Action: ActionGrantAdmin, TargetType: "Officer", TargetID: string(o.ID), UnitPath: u.Path,
			Detail: map[string]any{"accountID": string(a.ID), "before": before, "after": state(o)},
		})
		c.Publish(s.policyChanged(o.ID))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.reread(ctx, id)
}

// adminGrant reads the account to make an admin and the unit of the
// subtree, and checks that the super admin v may grant it.
func adminGrant(ctx context.Context, tx *store.Tx, v *viewer.Viewer, accountID, unitID pulid.ID) (*ent.Account, *ent.Unit, error) {
	sys := viewer.System(ctx)
	a, err := tx.Client.Account.Get(sys, accountID)
	if ent.IsNotFound(err) {
		return nil, nil, errAccountNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("officers: grant admin: account: %w", err)
	}
	if a.ID == v.AccountID {
		return nil, nil, errSelfGrant
	}
	if a.Origin == account.OriginVNPOST {
		return nil, nil, errVNPost
	}
	u, err := tx.Client.Unit.Get(sys, unitID)
	if ent.IsNotFound(err) {
		return nil, nil, errUnitNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("officers: grant admin: unit: %w", err)
	}
	if !v.Can(policy.ObjAdmin, policy.ActGrant, u.Path) {
		return nil, nil, errUnitOutOfScope(u.Name)
	}
	return a, u, nil
}

// lockOfficer reads the officer and its unit for a change. On PostgreSQL the
// row is locked until the transaction ends, so that two admins changing the
// same officer take turns; SQLite transactions are already serial
// (store opens them IMMEDIATE).
func lockOfficer(ctx context.Context, tx *store.Tx, id pulid.ID) (*ent.Officer, error) {
	sys := viewer.System(ctx)
	q := tx.Client.Officer.Query().Where(officer.ID(id))
	if tx.Dialect == dialect.Postgres {
		q = q.ForUpdate()
	}
	o, err := q.Only(sys)
	if ent.IsNotFound(err) {
		return nil, errOfficerNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("officers: read officer: %w", err)
	}
	if o.UnitID != nil {
		u, err := tx.Client.Unit.Get(sys, *o.UnitID)
		if err != nil {
			return nil, fmt.Errorf("officers: read officer's unit: %w", err)
		}
		o.Edges.Unit = u
	}
	return o, nil
}

// update changes one officer and returns it as stored. It is an UPDATE …
// WHERE id = ? rather than UpdateOne: Ent's UpdateOne opens a transaction of
// its own, which the driver bound to a store.Tx cannot do.
func update(ctx context.Context, tx *store.Tx, id pulid.ID, set func(*ent.OfficerUpdate)) (*ent.Officer, error) {
	sys := viewer.System(ctx)
	upd := tx.Client.Officer.Update().Where(officer.ID(id))
	set(upd)
	if err := upd.Exec(sys); err != nil {
		return nil, err
	}
	return tx.Client.Officer.Get(sys, id)
}

// reread returns the officer from the database after the commit (entities
// read inside a transaction stay bound to it), for the caller to resolve
// its edges with their own privacy.
func (s *Service) reread(ctx context.Context, id pulid.ID) (*ent.Officer, error) {
	o, err := s.db.Client.Officer.Get(viewer.System(ctx), id)
	if err != nil {
		return nil, fmt.Errorf("officers: read back: %w", err)
	}
	return o, nil
}

// state is what the audit trail keeps of an officer: ids and grants only.
func state(o *ent.Officer) map[string]any {
	perms := []string{}
	for _, p := range Permissions(o) {
		perms = append(perms, string(p))
	}
	return map[string]any{
		"unitID":      idOrEmpty(o.UnitID),
		"unitPath":    o.UnitPath,
		"permissions": perms,
		"adminUnitID": idOrEmpty(o.AdminUnitID),
		"superAdmin":  o.SuperAdmin,
	}
}

func idOrEmpty(id *pulid.ID) string {
	if id == nil {
		return ""
	}
	return string(*id)
}

// ownPath is the subtree an admin's own events are filed under, so that a
// level-1 admin finds in their trail the officers they added; "" (seen by
// super admins only) for an admin of everything.
func ownPath(v *viewer.Viewer) string {
	sc := v.Scope(policy.ObjOfficer, policy.ActManage)
	if sc.All || len(sc.Paths) == 0 {
		return ""
	}
	return sc.Paths[0]
}
