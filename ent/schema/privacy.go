package schema

import (
	"context"

	"entgo.io/ent"
	"entgo.io/ent/entql"

	"github.com/motcua/motcua/ent/privacy"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/viewer"
)

// The privacy policies guard every read and write, whatever the path to it:
// a resolver, node(id:), a nested edge or a background job. Each ends in deny.
// Writes are made by domain packages, which decide with the policy package and
// then act as the system; a write that forgot to decide is refused here.

// allowSystem lets the product itself (CLI, background jobs, domain writes) through.
func allowSystem() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if v := viewer.FromContext(ctx); v != nil && v.System {
			return privacy.Allow
		}
		return privacy.Skip
	})
}

// denySignedOut refuses anyone who is not signed in.
func denySignedOut() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if !viewer.FromContext(ctx).SignedIn() {
			return privacy.Denyf("not signed in")
		}
		return privacy.Skip
	})
}

// scoped filters rows by the viewer's scope for obj/act (a prefix of the
// row's unit_path), or-ed with extra row filters of the viewer's own.
func scoped(obj, act string, own func(v *viewer.Viewer) []entql.P) privacy.QueryRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		v := viewer.FromContext(ctx)
		scope := v.Scope(obj, act)
		if scope.All {
			return privacy.Allow
		}
		var preds []entql.P
		for _, p := range scope.Paths {
			preds = append(preds, entql.FieldHasPrefix("unit_path", p))
		}
		if own != nil {
			preds = append(preds, own(v)...)
		}
		if len(preds) == 0 {
			return privacy.Denyf("out of scope")
		}
		f.Where(anyOf(preds))
		return privacy.Allow
	})
}

func readPolicy(query ...privacy.QueryRule) ent.Policy {
	q := privacy.QueryPolicy{allowSystem(), denySignedOut()}
	q = append(q, query...)
	q = append(q, privacy.AlwaysDenyRule())
	return privacy.Policy{
		Query:    q,
		Mutation: privacy.MutationPolicy{allowSystem(), privacy.AlwaysDenyRule()},
	}
}

// Units are public names: every signed-in account may read them.
func unitPolicy() ent.Policy { return readPolicy(privacy.AlwaysAllowRule()) }

// Accounts (data minimisation; accounts.Visible decides what is shown):
// the super admin reads every account; a level-1 admin the accounts of its
// scope (officers of units in its subtrees, accounts created at desks in
// them) and the accounts of officers who have no unit yet, which it sees
// masked; an officer reads the accounts they created; anyone their own.
// The searches find other accounts by exact identifier as the system, and
// those too are shown masked. accounts.InScope is the same rule in Ent
// predicates: keep the two together.
func accountPolicy() ent.Policy {
	return readPolicy(privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		v := viewer.FromContext(ctx)
		scope := v.Scope(policy.ObjAccount, policy.ActRead)
		if scope.All {
			return privacy.Allow
		}
		preds := []entql.P{entql.FieldEQ("id", string(v.AccountID))}
		if v.OfficerID != "" {
			preds = append(preds, entql.FieldEQ("created_by_officer_id", string(v.OfficerID)))
		}
		if !scope.Empty() {
			var byOfficer, byUnit []entql.P
			for _, p := range scope.Paths {
				byOfficer = append(byOfficer, entql.FieldHasPrefix("unit_path", p))
				byUnit = append(byUnit, entql.FieldHasPrefix("path", p))
			}
			preds = append(preds,
				entql.HasEdgeWith("officer", anyOf(byOfficer)),
				entql.HasEdgeWith("created_at_unit", anyOf(byUnit)),
				// Just added to user management: the admin who added the
				// officer attaches the unit next (source §2 step 2).
				entql.HasEdgeWith("officer", entql.Or(entql.FieldNil("unit_path"), entql.FieldEQ("unit_path", ""))),
			)
		}
		f.Where(anyOf(preds))
		return privacy.Allow
	}))
}

// Officers: admins in scope, plus officers with no unit yet (just added);
// an officer reads their own record.
func officerPolicy() ent.Policy {
	return readPolicy(scoped(policy.ObjOfficer, policy.ActRead, func(v *viewer.Viewer) []entql.P {
		own := []entql.P{entql.FieldEQ("account_id", string(v.AccountID))}
		if !v.Scope(policy.ObjOfficer, policy.ActRead).Empty() {
			own = append(own, entql.FieldNil("unit_path"), entql.FieldEQ("unit_path", ""))
		}
		return own
	}))
}

// Sessions: one's own only.
func sessionPolicy() ent.Policy {
	return readPolicy(privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		f.Where(entql.FieldEQ("account_id", string(viewer.FromContext(ctx).AccountID)))
		return privacy.Allow
	}))
}

// Audit events: admins within scope.
func auditPolicy() ent.Policy {
	return readPolicy(scoped(policy.ObjAudit, policy.ActRead, nil))
}

// Registrations: the officer who opened them, and admins within scope.
func registrationPolicy() ent.Policy {
	return readPolicy(scoped(policy.ObjRegistration, policy.ActRead, ownByOfficer))
}

// SMS messages: the officer whose case sent them, and admins within scope.
func smsPolicy() ent.Policy {
	return readPolicy(scoped(policy.ObjSMS, policy.ActMonitor, ownByOfficer))
}

func ownByOfficer(v *viewer.Viewer) []entql.P {
	if v.OfficerID == "" {
		return nil
	}
	return []entql.P{entql.FieldEQ("officer_id", string(v.OfficerID))}
}

// OTP challenges, scans and sign-in throttles are never read through the API.
func systemOnlyPolicy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{allowSystem(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{allowSystem(), privacy.AlwaysDenyRule()},
	}
}

// anyOf is the disjunction of ps (one or more).
func anyOf(ps []entql.P) entql.P {
	if len(ps) == 1 {
		return ps[0]
	}
	return entql.Or(ps[0], ps[1], ps[2:]...)
}
