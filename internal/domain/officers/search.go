package officers

import (
	"context"
	"fmt"

	"entgo.io/contrib/entgql"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/officer"
	"github.com/motcua/motcua/ent/predicate"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/domain/accounts"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// OfficerSearch is the officers list of source §2 step 1 ("System
// administration >> User management").
type OfficerSearch struct {
	Search  string          // accounts.Match: name, phone, ID number, CMND, tax code
	Status  *account.Status // the account's status
	UnitID  *pulid.ID       // exactly this unit (not its subtree)
	OrderBy []*ent.OfficerOrder
	Where   *ent.OfficerWhereInput
	store.Page
}

// Search lists the officers the viewer administers, newest first unless
// ordered otherwise. A level-1 admin sees the officers of their subtree; the
// ent privacy policy applies that scope, so it holds for every other path to
// officers too. Officers with no unit yet (just added) are in no level-1
// admin's subtree: the privacy policy lets every admin read them, so that the
// one who added an officer can attach its unit, but the list shows them only
// to an exact identifier (accounts.IsExact), with their account masked.
//
// The unit filter is the exact unit, not its subtree: the screen picks the
// one-stop unit whose officers to manage, and a province admin listing
// "everything below me" simply leaves the filter out. A unit outside the
// viewer's scope is refused (OUT_OF_SCOPE) rather than answered with an empty
// list that would look like "no officers there".
// Long because the filters are one list, each a few lines, applied to one
// query; it is left whole while list paging is being reshaped.
func (s *Service) Search(ctx context.Context, q OfficerSearch) (*ent.OfficerConnection, error) {
	v, err := admin(ctx, policy.ObjOfficer, policy.ActRead)
	if err != nil {
		return nil, err
	}
	page, err := q.Page.Check()
	if err != nil {
		return nil, err
	}
	if len(q.OrderBy) > 1 {
		return nil, refusal.New(refusal.Validation,
			"Danh sách cán bộ chỉ sắp xếp được theo một tiêu chí.",
			"The officers list sorts by one field only.").OnField("orderBy")
	}
	var where []func(*ent.OfficerQuery) *ent.OfficerQuery
	if q.UnitID != nil {
		u, err := s.db.Client.Unit.Get(viewer.System(ctx), *q.UnitID)
		if ent.IsNotFound(err) {
			return nil, errUnitNotFound
		}
		if err != nil {
			return nil, fmt.Errorf("officers: search: unit: %w", err)
		}
		if !v.Can(policy.ObjOfficer, policy.ActRead, u.Path) {
			return nil, errUnitOutOfScope(u.Name)
		}
		id := u.ID
		where = append(where, func(oq *ent.OfficerQuery) *ent.OfficerQuery { return oq.Where(officer.UnitID(id)) })
	}
	match, ok, err := accounts.Match(q.Search)
	if err != nil {
		return nil, err
	}
	if ok {
		where = append(where, func(oq *ent.OfficerQuery) *ent.OfficerQuery { return oq.Where(officer.HasAccountWith(match)) })
	}
	if scope := v.Scope(policy.ObjOfficer, policy.ActRead); !scope.All {
		if accounts.IsExact(q.Search) {
			if q.Where != nil {
				return nil, accounts.ErrWhereWithExact
			}
		} else {
			own := officer.AccountID(v.AccountID)
			where = append(where, func(oq *ent.OfficerQuery) *ent.OfficerQuery {
				return oq.Where(officer.Or(own, officerInScope(scope)))
			})
		}
	}
	if q.Status != nil {
		st := *q.Status
		where = append(where, func(oq *ent.OfficerQuery) *ent.OfficerQuery {
			return oq.Where(officer.HasAccountWith(account.StatusEQ(st)))
		})
	}
	order := &ent.OfficerOrder{Direction: entgql.OrderDirectionDesc, Field: ent.DefaultOfficerOrder.Field}
	if len(q.OrderBy) == 1 {
		order = q.OrderBy[0]
	}
	conn, err := s.db.Client.Officer.Query().Paginate(ctx, page.After, page.First, page.Before, page.Last,
		ent.WithOfficerOrder(order),
		ent.WithOfficerFilter(func(oq *ent.OfficerQuery) (*ent.OfficerQuery, error) {
			for _, w := range where {
				oq = w(oq)
			}
			if q.Where != nil {
				return q.Where.Filter(oq)
			}
			return oq, nil
		}))
	if err != nil {
		return nil, fmt.Errorf("officers: search: %w", err)
	}
	return conn, nil
}

// officerInScope: officers whose unit lies in one of the scope's subtrees.
func officerInScope(scope policy.Scope) predicate.Officer {
	ps := []predicate.Officer{officer.IDIn()} // IN () is FALSE: an empty scope has none
	for _, p := range scope.Paths {
		ps = append(ps, officer.UnitPathHasPrefix(p))
	}
	return officer.Or(ps...)
}
