package auth

import (
	"context"
	"fmt"
	"slices"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/officer"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// Me is what the signed-in viewer is shown about itself (Query.viewer).
type Me struct {
	Account *ent.Account
	Officer *ent.Officer // nil when the account is not in user management
	// Roles are the names of the roles held anywhere, sorted, once each.
	Roles []string
	// CanCreateCitizenAccounts: the viewer holds policy.Registrar.
	CanCreateCitizenAccounts bool
	Sessions                 []*ent.Session
	CurrentSessionID         pulid.ID
}

// Me returns the viewer's own account, officer record, roles and, when
// withSessions, sessions; nil when signed out. The account and officer
// record are those the viewer was built with, when it is the cached viewer
// of its session (no read); otherwise they are read through the caller's
// ctx (privacy).
func (s *Service) Me(ctx context.Context, withSessions bool) (*Me, error) {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return nil, nil
	}
	acct, o, cached := s.viewers.profile(v)
	if !cached {
		var err error
		if acct, err = s.db.Client.Account.Get(ctx, v.AccountID); err != nil {
			return nil, fmt.Errorf("auth: viewer: %w", err)
		}
		o, err = s.db.Client.Officer.Query().Where(officer.AccountID(v.AccountID)).Only(ctx)
		if err != nil && !ent.IsNotFound(err) {
			return nil, fmt.Errorf("auth: viewer: officer: %w", err)
		}
	}
	return s.meOf(ctx, v, acct, o, withSessions)
}

// meOf is Me of v from its account and officer record (nil: none), already
// read; roles come from v, sessions (when withSessions) are read through ctx.
func (s *Service) meOf(ctx context.Context, v *viewer.Viewer, acct *ent.Account, o *ent.Officer, withSessions bool) (*Me, error) {
	me := &Me{Account: acct, Officer: o, CurrentSessionID: v.SessionID}
	for _, a := range v.Roles() {
		if !slices.Contains(me.Roles, a.Role) {
			me.Roles = append(me.Roles, a.Role)
		}
		if a.Role == policy.Registrar {
			me.CanCreateCitizenAccounts = true
		}
	}
	slices.Sort(me.Roles)
	if me.Roles == nil {
		me.Roles = []string{}
	}
	if withSessions {
		var err error
		if me.Sessions, err = s.Sessions(ctx); err != nil {
			return nil, err
		}
	}
	return me, nil
}
