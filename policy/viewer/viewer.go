// Package viewer is who is asking: the signed-in account, its officer record
// and what it may do. Identity enters in one place (the HTTP middleware and
// the WebSocket init both call NewContext); everything else reads it here.
package viewer

import (
	"context"

	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/policy"
)

// Viewer is the identity of a request.
type Viewer struct {
	AccountID pulid.ID
	SessionID pulid.ID
	OfficerID pulid.ID // "" when the account is not in user management
	UnitID    pulid.ID // the officer's unit, "" when none
	UnitPath  string
	// PasswordChangeOnly: signed in with an initial password; may only change it.
	PasswordChangeOnly bool
	// System is the product itself: CLI commands and background jobs.
	System bool

	authz *policy.Authorizer
	// grants, when set, answer every question from memory (Bind).
	grants *policy.Grants
}

// New returns a viewer that answers authorisation questions with authz.
func New(authz *policy.Authorizer) *Viewer { return &Viewer{authz: authz} }

// Bind makes v answer Can, Scope and Roles from g, computed once for the
// viewer's account, instead of asking the enforcer each time: the viewer
// of a request (built by auth) is bound; per-row and per-event checks are
// then set lookups and path-prefix comparisons.
func (v *Viewer) Bind(g *policy.Grants) { v.grants = g }

// Now is v answering from the assignments in force now rather than from the
// grants it was bound to when its session was read: what a long-lived
// subscription re-checks its scope with after a policy reload.
func (v *Viewer) Now() *Viewer {
	if v == nil || v.grants == nil || v.authz == nil {
		return v
	}
	c := *v
	c.grants = nil
	return &c
}

// Grants are the grants v is bound to, nil when it is not.
func (v *Viewer) Grants() *policy.Grants {
	if v == nil {
		return nil
	}
	return v.grants
}

// SystemViewer is the product acting on its own behalf (CLI, background jobs).
func SystemViewer() *Viewer { return &Viewer{System: true} }

// Can reports whether the viewer may do act on obj at the unit with the given path.
func (v *Viewer) Can(obj, act, path string) bool {
	if v == nil {
		return false
	}
	if v.System {
		return true
	}
	if v.grants != nil {
		return v.AccountID != "" && v.grants.Allowed(path, obj, act)
	}
	if v.authz == nil {
		return false
	}
	return v.authz.Allowed(string(v.AccountID), path, obj, act)
}

// Scope returns the unit subtrees in which the viewer may do act on obj.
func (v *Viewer) Scope(obj, act string) policy.Scope {
	if v == nil {
		return policy.Scope{}
	}
	if v.System {
		return policy.Scope{All: true}
	}
	if v.grants != nil {
		if v.AccountID == "" {
			return policy.Scope{}
		}
		return v.grants.Scope(obj, act)
	}
	if v.authz == nil {
		return policy.Scope{}
	}
	return v.authz.Scope(string(v.AccountID), obj, act)
}

// Roles returns the roles the viewer holds (as bound, when bound).
func (v *Viewer) Roles() []policy.Assignment {
	if v == nil || v.AccountID == "" {
		return nil
	}
	if v.grants != nil {
		return v.grants.Roles()
	}
	return v.RolesNow()
}

// RolesNow returns the roles the viewer's account holds under the
// assignments in force now, whatever v is bound to: what a long-lived
// connection compares its viewer's roles with after a reload.
func (v *Viewer) RolesNow() []policy.Assignment {
	if v == nil || v.authz == nil || v.AccountID == "" {
		return nil
	}
	return v.authz.Roles(string(v.AccountID))
}

// Has reports whether the viewer holds role anywhere.
func (v *Viewer) Has(role string) bool {
	for _, a := range v.Roles() {
		if a.Role == role {
			return true
		}
	}
	return false
}

// SignedIn reports whether the viewer is an account (not anonymous, not system).
func (v *Viewer) SignedIn() bool { return v != nil && !v.System && v.AccountID != "" }

type ctxKey struct{}

// NewContext returns ctx carrying v.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

// FromContext returns the viewer of ctx, nil when anonymous.
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(ctxKey{}).(*Viewer)
	return v
}

// System returns ctx acting as the product itself.
func System(ctx context.Context) context.Context {
	return NewContext(ctx, SystemViewer())
}
