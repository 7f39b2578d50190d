package schema

import (
	"context"

	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/entql"

	gen "github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/privacy"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
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
// scope (AccountsInScope) and the accounts of officers who have no unit yet,
// which it sees masked; an officer reads the accounts they created; anyone
// their own. The searches find other accounts by exact identifier as the
// system, and those too are shown masked.
func accountPolicy() ent.Policy {
	return readPolicy(privacy.AccountQueryRuleFunc(func(ctx context.Context, q *gen.AccountQuery) error {
		v := viewer.FromContext(ctx)
		scope := v.Scope(policy.ObjAccount, policy.ActRead)
		if scope.All {
			return privacy.Allow
		}
		q.Where(func(s *sql.Selector) {
			ors := []*sql.Predicate{sql.EQ(s.C("id"), string(v.AccountID))}
			if v.OfficerID != "" {
				ors = append(ors, sql.EQ(s.C("created_by_officer_id"), string(v.OfficerID)))
			}
			if !scope.Empty() {
				// Just added to user management: the admin who added the
				// officer attaches the unit next (source §2 step 2).
				ors = append(ors, inScope(s, scope.Paths), ofOfficersWithoutUnit(s))
			}
			s.Where(sql.Or(ors...))
		})
		return privacy.Allow
	}))
}

// AccountsInScope is the condition, on the accounts table, of the accounts
// inside the unit subtrees at paths: officers whose unit lies in one, and
// accounts created at a unit in one. The privacy policy and the admin
// searches (accounts.InScope) share it. The subqueries are uncorrelated, so
// that each runs once per query (PostgreSQL: a hashed subplan), not once
// per account.
func AccountsInScope(paths []string) func(*sql.Selector) {
	return func(s *sql.Selector) { s.Where(inScope(s, paths)) }
}

func inScope(s *sql.Selector, paths []string) *sql.Predicate {
	if len(paths) == 0 {
		return sql.False()
	}
	b := sql.Dialect(s.Dialect())
	officers, units := b.Table("officers"), b.Table("units")
	var byOfficer, byUnit []*sql.Predicate
	for _, p := range paths {
		byOfficer = append(byOfficer, sql.HasPrefix(officers.C("unit_path"), p))
		byUnit = append(byUnit, sql.HasPrefix(units.C("path"), p))
	}
	return sql.Or(
		sql.In(s.C("id"), b.Select(officers.C("account_id")).From(officers).Where(sql.Or(byOfficer...))),
		sql.In(s.C("created_at_unit_id"), b.Select(units.C("id")).From(units).Where(sql.Or(byUnit...))),
	)
}

// ofOfficersWithoutUnit is the condition of the accounts of officers who
// have no unit yet.
func ofOfficersWithoutUnit(s *sql.Selector) *sql.Predicate {
	b := sql.Dialect(s.Dialect())
	officers := b.Table("officers")
	return sql.In(s.C("id"), b.Select(officers.C("account_id")).From(officers).
		Where(sql.Or(sql.IsNull(officers.C("unit_path")), sql.EQ(officers.C("unit_path"), ""))))
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

// OIDC clients and their back-channel deliveries: admins within the scope
// of the client's unit.
func oidcClientPolicy() ent.Policy {
	return readPolicy(scoped(policy.ObjOIDCClient, policy.ActRead, nil))
}
