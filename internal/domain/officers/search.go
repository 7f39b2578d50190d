package officers

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/officer"
	"github.com/motcua/motcua/ent/predicate"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/domain/accounts"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// Page sizes of the admin lists.
const (
	DefaultPageSize = 20
	MaxPageSize     = 200
)

// Page is a Relay page request: First/After forwards, Last/Before backwards.
type Page struct {
	First, Last   *int
	After, Before *ent.Cursor
}

// check refuses a bad page request and fills in the default size.
func (p Page) check() (Page, error) {
	bad := func(field string) error {
		return refusal.New(refusal.Validation,
			fmt.Sprintf("Số bản ghi mỗi trang phải từ 0 đến %d.", MaxPageSize),
			fmt.Sprintf("A page holds 0 to %d records.", MaxPageSize)).OnField(field)
	}
	switch {
	case p.First != nil && p.Last != nil:
		return p, refusal.New(refusal.Validation,
			"Chỉ dùng một trong hai tham số first và last.",
			"Use first or last, not both.").OnField("last")
	case p.First != nil && (*p.First < 0 || *p.First > MaxPageSize):
		return p, bad("first")
	case p.Last != nil && (*p.Last < 0 || *p.Last > MaxPageSize):
		return p, bad("last")
	case p.First == nil && p.Last == nil:
		n := DefaultPageSize
		p.First = &n
	}
	return p, nil
}

// OfficerSearch is the officers list of source §2 step 1 ("System
// administration >> User management").
type OfficerSearch struct {
	Search  string          // accounts.Match: name, phone, ID number, CMND, tax code
	Status  *account.Status // the account's status
	UnitID  *pulid.ID       // exactly this unit (not its subtree)
	OrderBy []*ent.OfficerOrder
	Where   *ent.OfficerWhereInput
	Page
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
func (s *Service) Search(ctx context.Context, q OfficerSearch) (*ent.OfficerConnection, error) {
	v, err := admin(ctx, policy.ObjOfficer, policy.ActRead)
	if err != nil {
		return nil, err
	}
	page, err := q.Page.check()
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
				return nil, errWhereWithExact
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

// errWhereWithExact: outside a level-1 admin's scope an exact identifier
// finds an account, shown masked; a where filter on it (by name, say) would
// tell what the mask hides.
var errWhereWithExact = refusal.New(refusal.Validation,
	"Khi tìm theo số định danh, số điện thoại hoặc mã số thuế, không dùng thêm bộ lọc (where) hay sắp xếp theo họ tên: tài khoản ngoài phạm vi quản trị của bạn chỉ hiển thị dạng che.",
	"A search by ID number, phone or tax code takes no where filter and no ordering by name: accounts outside the units you administer are shown masked.").OnField("where")

// exactSearchOnly refuses, for a search that may find accounts outside the
// admin's scope, a where filter and any order but the time of creation.
func exactSearchOnly(where bool, orderBy []*ent.AccountOrder) error {
	if where {
		return errWhereWithExact
	}
	for _, o := range orderBy {
		if o == nil || o.Field == nil || o.Field.String() != ent.AccountOrderFieldCreatedAt.String() {
			return errWhereWithExact.OnField("orderBy")
		}
	}
	return nil
}

// AccountSearch is the list of every portal account, where an admin finds
// an account to bring into user management ("Add new account").
type AccountSearch struct {
	Search  string // accounts.Match
	Status  *account.Status
	OrderBy []*ent.AccountOrder
	Where   *ent.AccountWhereInput
	Page
}

// SearchAccounts lists portal accounts for admins, newest first unless
// ordered otherwise. The super admin finds every account. A level-1 admin
// finds the accounts it sees in full (accounts.FullView: its scope), and with
// an exact identifier (accounts.IsExact) also the accounts outside it, which
// the GraphQL fields then show masked (accounts.Visible); such a search takes
// no where filter and no ordering by name, which would tell what the mask
// hides. An account outside every scope (a citizen who registered online)
// is found by its ID number, phone or tax code, as source §2 step 1 needs.
func (s *Service) SearchAccounts(ctx context.Context, q AccountSearch) (*ent.AccountConnection, error) {
	v, err := admin(ctx, policy.ObjAccount, policy.ActRead)
	if err != nil {
		return nil, err
	}
	page, err := q.Page.check()
	if err != nil {
		return nil, err
	}
	match, ok, err := accounts.Match(q.Search)
	if err != nil {
		return nil, err
	}
	// An exact search by a level-1 admin reads as the system: the one place
	// where accounts outside its scope are read for it, decided here.
	full, limited := accounts.FullView(v)
	asSystem := limited && accounts.IsExact(q.Search)
	readCtx := ctx
	if asSystem {
		if err := exactSearchOnly(q.Where != nil, q.OrderBy); err != nil {
			return nil, err
		}
		readCtx, limited = viewer.System(ctx), false
	}
	filter := func(aq *ent.AccountQuery) (*ent.AccountQuery, error) {
		if limited {
			aq = aq.Where(full)
		}
		if ok {
			aq = aq.Where(match)
		}
		if q.Status != nil {
			aq = aq.Where(account.StatusEQ(*q.Status))
		}
		if q.Where != nil {
			return q.Where.Filter(aq)
		}
		return aq, nil
	}
	var conn *ent.AccountConnection
	if len(q.OrderBy) == 0 {
		conn, err = newestAccounts(readCtx, s.db.Client.Account.Query(), filter, page)
	} else {
		conn, err = s.db.Client.Account.Query().Paginate(readCtx, page.After, page.First, page.Before, page.Last,
			ent.WithAccountOrder(q.OrderBy), ent.WithAccountFilter(filter))
	}
	if err != nil {
		return nil, fmt.Errorf("officers: search accounts: %w", err)
	}
	if asSystem {
		// Only the rows were the system's to read: their edges (officer,
		// createdBy) are read again, lazily, with the viewer's rights.
		for _, e := range conn.Edges {
			e.Node.Edges = ent.AccountEdges{}
		}
	}
	return conn, nil
}

// newestAccounts pages accounts newest first: by id descending, since ids
// are ULIDs, so that every page is a range of the primary key on both
// databases (created_at has no index of its own). Ent's multi-order pager
// cannot express this order (its cursor would carry no value for the id), so
// the keyset is written here; cursors are ordinary ent cursors of the id.
func newestAccounts(ctx context.Context, q *ent.AccountQuery, filter func(*ent.AccountQuery) (*ent.AccountQuery, error), p Page) (*ent.AccountConnection, error) {
	q, err := filter(q)
	if err != nil {
		return nil, err
	}
	conn := &ent.AccountConnection{Edges: []*ent.AccountEdge{}}
	if wantsField(ctx, "totalCount") {
		if conn.TotalCount, err = q.Clone().Count(ctx); err != nil {
			return nil, err
		}
	}
	if p.After != nil {
		q = q.Where(account.IDLT(p.After.ID))
	}
	if p.Before != nil {
		q = q.Where(account.IDGT(p.Before.ID))
	}
	forward, n := p.Last == nil, 0
	if forward {
		n = *p.First
		q = q.Order(ent.Desc(account.FieldID))
	} else {
		n = *p.Last
		q = q.Order(ent.Asc(account.FieldID))
	}
	nodes, err := q.Limit(n + 1).All(ctx)
	if err != nil {
		return nil, err
	}
	more := len(nodes) > n
	if more {
		nodes = nodes[:n]
	}
	if !forward {
		slices.Reverse(nodes)
	}
	for _, a := range nodes {
		conn.Edges = append(conn.Edges, &ent.AccountEdge{Node: a, Cursor: ent.Cursor{ID: a.ID}})
	}
	if forward {
		conn.PageInfo.HasNextPage, conn.PageInfo.HasPreviousPage = more, p.After != nil
	} else {
		conn.PageInfo.HasNextPage, conn.PageInfo.HasPreviousPage = p.Before != nil, more
	}
	if l := len(conn.Edges); l > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[l-1].Cursor
	}
	return conn, nil
}

// wantsField reports whether the GraphQL query selected the connection's
// field name (always true outside GraphQL, as Ent's pager assumes).
func wantsField(ctx context.Context, name string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return true
	}
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, nil) {
		if f.Name == name {
			return true
		}
	}
	return false
}

// AuditEvents lists the audit trail within the viewer's scope, newest first
// (by id: ULIDs follow the time of recording). The ent privacy policy keeps
// a level-1 admin to events about units of their subtree.
func (s *Service) AuditEvents(ctx context.Context, p Page, where *ent.AuditEventWhereInput) (*ent.AuditEventConnection, error) {
	if _, err := admin(ctx, policy.ObjAudit, policy.ActRead); err != nil {
		return nil, err
	}
	page, err := p.check()
	if err != nil {
		return nil, err
	}
	opts := []ent.AuditEventPaginateOption{
		ent.WithAuditEventOrder(&ent.AuditEventOrder{Direction: entgql.OrderDirectionDesc, Field: ent.DefaultAuditEventOrder.Field}),
	}
	if where != nil {
		opts = append(opts, ent.WithAuditEventFilter(where.Filter))
	}
	conn, err := s.db.Client.AuditEvent.Query().Paginate(ctx, page.After, page.First, page.Before, page.Last, opts...)
	if err != nil {
		return nil, fmt.Errorf("officers: audit events: %w", err)
	}
	return conn, nil
}
