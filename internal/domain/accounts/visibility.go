package accounts

import (
	"context"
	"fmt"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/predicate"
	"github.com/motcua/motcua/ent/schema"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// Data minimisation (docs/SECURITY.md, "Accounts outside an admin's
// scope"): a level-1 admin sees an account in full only inside its scope,
// that is the officers of units in its subtrees and the accounts created at
// desks in them. Outside the scope only an exact identifier (ID number,
// phone, tax code) finds an account, and the admin sees it masked: a masked
// name, the masked ID number and phone, no date of birth, e-mail or unit of
// creation. That is enough to bring the account into user management
// (source §2 step 1). The super admin sees every account in full.
//
// The ent privacy policy (ent/schema/privacy.go accountPolicy) lets a
// level-1 admin read the rows of its scope and, masked, the accounts of
// officers who have no unit yet (just added, by any admin); the searches
// (Search, officers.Service.Search) read exact-identifier matches as the system. Whatever
// the path, the GraphQL fields that show personal data ask Visible first.

// Visibility is how much of an account a viewer sees (GraphQL AccountVisibility).
type Visibility string

// Visibilities.
const (
	Full   Visibility = "FULL"
	Masked Visibility = "MASKED"
)

// InScope is the predicate of the accounts inside scope: officers whose unit
// lies in one of its subtrees, and accounts created at a unit in one
// (schema.AccountsInScope, which the privacy policy uses too). The whole
// tree for a scope of all; nothing for an empty scope.
func InScope(s policy.Scope) predicate.Account {
	if s.All {
		return account.IDNEQ("")
	}
	return predicate.Account(schema.AccountsInScope(s.Paths))
}

// FullView is the predicate of the accounts v sees in full: its own, those
// it created at a desk, and those inside its scope of reading accounts.
// ok is false when v sees every account in full (no condition).
func FullView(v *viewer.Viewer) (p predicate.Account, ok bool) {
	if v == nil {
		return account.IDIn(), true
	}
	scope := v.Scope(policy.ObjAccount, policy.ActRead)
	if v.System || scope.All {
		return nil, false
	}
	alts := []predicate.Account{account.ID(v.AccountID)}
	if v.OfficerID != "" {
		alts = append(alts, account.CreatedByOfficerID(v.OfficerID))
	}
	if !scope.Empty() {
		alts = append(alts, InScope(scope))
	}
	return account.Or(alts...), true
}

// Visible reports whether the viewer of ctx sees the account with id in
// full. It decides from the database, not from a loaded entity, whose
// columns a GraphQL query may have narrowed.
func Visible(ctx context.Context, client *ent.Client, id pulid.ID) (Visibility, error) {
	v := viewer.FromContext(ctx)
	if v != nil && v.AccountID == id && id != "" {
		return Full, nil
	}
	full, ok := FullView(v)
	if !ok {
		return Full, nil
	}
	yes, err := client.Account.Query().Where(account.ID(id), full).Exist(viewer.System(ctx))
	if err != nil {
		return Masked, fmt.Errorf("accounts: visibility: %w", err)
	}
	if yes {
		return Full, nil
	}
	return Masked, nil
}

// IsExact reports whether a search can only be an exact identifier: it has
// words but no letter, so Match reads it as an ID number, CMND, phone or
// tax code compared for equality, never as part of a name. Only such a
// search finds accounts outside a level-1 admin's scope.
func IsExact(search string) bool {
	words := vn.FoldedWords(search)
	return len(words) > 0 && !hasLetter(words)
}
