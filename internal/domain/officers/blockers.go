package officers

import (
	"context"
	"fmt"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// Blocker is a reason why an officer cannot create citizen accounts (source
// §4.1 "The officer cannot choose a unit"); the GraphQL enum OfficerBlocker.
type Blocker string

// The blockers, in the order Blockers lists them.
const (
	BlockerNoUnit               Blocker = "NO_UNIT"
	BlockerUnitNotServiceDesk   Blocker = "UNIT_NOT_SERVICE_DESK"
	BlockerPermissionNotGranted Blocker = "PERMISSION_NOT_GRANTED"
	BlockerVNPostAccount        Blocker = "VNPOST_ACCOUNT"
)

// Blockers lists every reason why officer o, of unit u (nil when none) and
// account a, cannot create citizen accounts; empty when they can. Source
// §4.1 names the first two causes (no service-desk unit attached; the unit
// not named as a service desk); the others are the grant itself (§2 step 3)
// and the VNPost rule (§2, footnote). The unit's is_service_desk flag is the
// one the policy uses (RolesOf), derived from its name whenever it is written.
func Blockers(o *ent.Officer, u *ent.Unit, a *ent.Account) []Blocker {
	out := []Blocker{}
	switch {
	case u == nil:
		out = append(out, BlockerNoUnit)
	case !u.IsServiceDesk:
		out = append(out, BlockerUnitNotServiceDesk)
	}
	if !o.CanCreateCitizenAccounts {
		out = append(out, BlockerPermissionNotGranted)
	}
	if a != nil && a.Origin == account.OriginVNPOST {
		out = append(out, BlockerVNPostAccount)
	}
	return out
}

// Permissions lists the permissions granted to o.
func Permissions(o *ent.Officer) []Permission {
	if o.CanCreateCitizenAccounts {
		return []Permission{CreateCitizenAccounts}
	}
	return []Permission{}
}

// IsAdmin reports whether o administers anything (a subtree, or everything).
func IsAdmin(o *ent.Officer) bool { return o.SuperAdmin || o.AdminUnitID != nil }

// BlockersOf is Blockers for an officer the caller has already read: its unit
// and account come from the loaded edges, or are read as the system (the
// caller may see the officer; the blockers reveal nothing else of them).
func (s *Service) BlockersOf(ctx context.Context, o *ent.Officer) ([]Blocker, error) {
	sys := viewer.System(ctx)
	u := o.Edges.Unit
	if u == nil && o.UnitID != nil {
		var err error
		if u, err = s.db.Client.Unit.Get(sys, *o.UnitID); err != nil {
			return nil, fmt.Errorf("officers: blockers: unit: %w", err)
		}
	}
	a := o.Edges.Account
	if a == nil {
		var err error
		if a, err = s.db.Client.Account.Get(sys, o.AccountID); err != nil {
			return nil, fmt.Errorf("officers: blockers: account: %w", err)
		}
	}
	return Blockers(o, u, a), nil
}

// Manageable reports whether the viewer of ctx may change o's unit and
// grants: an admin whose scope covers o's unit (any admin when o has no
// unit yet), and never o themself.
func Manageable(ctx context.Context, o *ent.Officer) bool {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() || o.AccountID == v.AccountID {
		return false
	}
	if o.UnitID == nil {
		return !v.Scope(policy.ObjOfficer, policy.ActManage).Empty()
	}
	return v.Can(policy.ObjOfficer, policy.ActManage, o.UnitPath)
}
