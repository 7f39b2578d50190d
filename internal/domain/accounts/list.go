package accounts

import (
	"context"
	"fmt"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// CountCap is the largest total an account list counts exactly: it counts
// at most CountCap+1 matches, so a totalCount of CountCap+1 means "more than
// CountCap" (GraphQL AccountConnection.totalCountCapped; docs/API.md).
// Counting the four million "nguyen" of a national database took seconds;
// no admin pages through ten thousand results.
const CountCap = 10_000

// Admin refuses a caller who may do act on obj nowhere.
func Admin(ctx context.Context, obj, act string) (*viewer.Viewer, error) {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return nil, refusal.New(refusal.Unauthenticated, "Vui lòng đăng nhập.", "Please sign in.")
	}
	if v.Scope(obj, act).Empty() {
		return nil, ErrNotAdmin
	}
	return v, nil
}

// ErrNotAdmin refuses a caller who administers nothing.
var ErrNotAdmin = refusal.New(refusal.Forbidden,
	"Chỉ quản trị viên mới thực hiện được thao tác này.",
	"Only an administrator can do this.")

// ErrWhereWithExact: outside a level-1 admin's scope an exact identifier
// finds an account, shown masked; a where filter on it (by name, say) would
// tell what the mask hides.
var ErrWhereWithExact = refusal.New(refusal.Validation,
	"Khi tìm theo số định danh, số điện thoại hoặc mã số thuế, không dùng thêm bộ lọc (where) hay sắp xếp theo họ tên: tài khoản ngoài phạm vi quản trị của bạn chỉ hiển thị dạng che.",
	"A search by ID number, phone or tax code takes no where filter and no ordering by name: accounts outside the units you administer are shown masked.").OnField("where")

// exactSearchOnly refuses, for a search that may find accounts outside the
// admin's scope, a where filter and any order but the time of creation.
func exactSearchOnly(where bool, orderBy []*ent.AccountOrder) error {
	if where {
		return ErrWhereWithExact
	}
	for _, o := range orderBy {
		if o == nil || o.Field == nil || o.Field.String() != ent.AccountOrderFieldCreatedAt.String() {
			return ErrWhereWithExact.OnField("orderBy")
		}
	}
	return nil
}

// Query is the list of every portal account, where an admin finds an
// account to bring into user management ("Add new account").
type Query struct {
	Search  string // Match
	Status  *account.Status
	OrderBy []*ent.AccountOrder
	Where   *ent.AccountWhereInput
	store.Page
}

// Search lists portal accounts for admins: ranked (rank.go) and newest
// first within a rank unless ordered otherwise, with totalCount counted up
// to CountCap+1. The super admin finds every account. A level-1 admin finds
// the accounts it sees in full (FullView: its scope), and with an exact
// identifier (IsExact) also the accounts outside it, which the GraphQL
// fields then show masked (Visible); such a search takes no where filter
// and no ordering by name, which would tell what the mask hides. An account
// outside every scope (a citizen who registered online) is found by its ID
// number, phone or tax code, as source §2 step 1 needs.
func Search(ctx context.Context, db *store.DB, q Query) (*ent.AccountConnection, error) {
	v, err := Admin(ctx, policy.ObjAccount, policy.ActRead)
	if err != nil {
		return nil, err
	}
	page, err := q.Page.Check()
	if err != nil {
		return nil, err
	}
	if _, _, err := parse(q.Search); err != nil {
		return nil, err
	}
	// An exact search by a level-1 admin reads as the system: the one place
	// where accounts outside its scope are read for it, decided here.
	full, limited := FullView(v)
	asSystem := limited && IsExact(q.Search)
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
		var r ranking
		filtered := limited || q.Status != nil || q.Where != nil
		if r, err = rank(readCtx, db, q.Search, filtered); err == nil {
			conn, err = rankedPage(readCtx, db.Client.Account.Query(), filter, r, page)
		}
	} else {
		conn, err = orderedPage(readCtx, db.Client.Account.Query(), filter, q, page)
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: search: %w", err)
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

// orderedPage is a page in the order the caller asked for (Ent's pager),
// with the total counted up to the cap instead of by Ent's pager.
func orderedPage(ctx context.Context, base *ent.AccountQuery, filter func(*ent.AccountQuery) (*ent.AccountQuery, error), q Query, p store.Page) (*ent.AccountConnection, error) {
	match, ok, err := Match(q.Search)
	if err != nil {
		return nil, err
	}
	where := func(aq *ent.AccountQuery) (*ent.AccountQuery, error) {
		if ok {
			aq = aq.Where(match)
		}
		return filter(aq)
	}
	counted, err := where(base.Clone())
	if err != nil {
		return nil, err
	}
	total := 0
	if wantsField(ctx, "totalCount") {
		if total, err = cappedCount(ctx, counted, []tier{nil}); err != nil {
			return nil, err
		}
	}
	// Ent's pager counts every match when the query selects totalCount or
	// pageInfo: hide both from it (it fills pageInfo anyway), then put the
	// capped count in.
	conn, err := base.Paginate(withoutFields(ctx, "totalCount", "pageInfo"), p.After, p.First, p.Before, p.Last,
		ent.WithAccountOrder(q.OrderBy), ent.WithAccountFilter(where))
	if err != nil {
		return nil, err
	}
	conn.TotalCount = total
	return conn, nil
}

// cappedCount counts the matches of disjoint conditions, at most
// CountCap+1, one by one so that each count uses the index that suits it
// and stops as soon as the cap is reached.
func cappedCount(ctx context.Context, q *ent.AccountQuery, ts []tier) (int, error) {
	total := 0
	for _, t := range ts {
		tq := q.Clone()
		if t != nil {
			tq = tq.Where(t)
		}
		ids, err := tq.Limit(CountCap + 1 - total).IDs(ctx)
		if err != nil {
			return 0, fmt.Errorf("count: %w", err)
		}
		if total += len(ids); total > CountCap {
			break
		}
	}
	return total, nil
}

// rankedPage pages the tiers in order, each newest first: by id descending,
// since ids are ULIDs, so that every page is a range of the primary key
// within a tier. Ent's pager cannot express this order, so the keyset is
// written here; cursors are ent cursors of the id, their value the tier.
//
// Long because the keyset of the tiers is one algorithm whose steps share
// the cursor state.
func rankedPage(ctx context.Context, q *ent.AccountQuery, filter func(*ent.AccountQuery) (*ent.AccountQuery, error), r ranking, p store.Page) (*ent.AccountConnection, error) {
	q, err := filter(q)
	if err != nil {
		return nil, err
	}
	conn := &ent.AccountConnection{Edges: []*ent.AccountEdge{}}
	switch {
	case !wantsField(ctx, "totalCount"):
	case r.known:
		conn.TotalCount = r.total
	default:
		if conn.TotalCount, err = cappedCount(ctx, q, r.counted); err != nil {
			return nil, err
		}
	}
	ts := r.tiers
	forward, n := p.Last == nil, 0
	if forward {
		n = *p.First
	} else {
		n = *p.Last
	}
	// Tiers from lo to hi, bounded within them by the cursors.
	lo, hi := 0, len(ts)-1
	if p.After != nil {
		lo = tierOf(p.After, len(ts))
	}
	if p.Before != nil {
		hi = tierOf(p.Before, len(ts))
	}
	type row struct {
		a    *ent.Account
		tier int
	}
	var rows []row
	for i := 0; i <= hi-lo && len(rows) <= n; i++ {
		t := lo + i
		if !forward {
			t = hi - i
		}
		tq := q.Clone()
		if ts[t] != nil {
			tq = tq.Where(ts[t])
		}
		if p.After != nil && t == lo {
			tq = tq.Where(account.IDLT(p.After.ID))
		}
		if p.Before != nil && t == hi {
			tq = tq.Where(account.IDGT(p.Before.ID))
		}
		if forward {
			tq = tq.Order(ent.Desc(account.FieldID))
		} else {
			tq = tq.Order(ent.Asc(account.FieldID))
		}
		nodes, err := tq.Limit(n + 1 - len(rows)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range nodes {
			rows = append(rows, row{a, t})
		}
	}
	more := len(rows) > n
	if more {
		rows = rows[:n]
	}
	if !forward {
		slices.Reverse(rows)
	}
	for _, r := range rows {
		conn.Edges = append(conn.Edges, &ent.AccountEdge{Node: r.a, Cursor: ent.Cursor{ID: r.a.ID, Value: r.tier}})
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

// tierOf is the tier a cursor points into: its value, 0 for a cursor
// without one (the unranked list of earlier versions, which is tier 0 of a
// blank search), and within 0…n-1 whatever a client sends.
func tierOf(c *ent.Cursor, n int) int {
	var t int64
	switch v := c.Value.(type) {
	case int:
		t = int64(v)
	case int8:
		t = int64(v)
	case int16:
		t = int64(v)
	case int32:
		t = int64(v)
	case int64:
		t = v
	case uint8:
		t = int64(v)
	case uint16:
		t = int64(v)
	case uint32:
		t = int64(v)
	case uint64:
		t = int64(min(v, uint64(n)))
	case float64:
		t = int64(v)
	}
	return int(min(max(t, 0), int64(n-1)))
}

// withoutFields is ctx with the named fields removed from the current
// GraphQL field's selection (only where selected directly, not through a
// fragment: there Ent's pager still counts, exactly and slowly).
func withoutFields(ctx context.Context, names ...string) context.Context {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return ctx
	}
	var kept ast.SelectionSet
	for _, s := range fc.Field.Selections {
		if f, ok := s.(*ast.Field); ok && slices.Contains(names, f.Name) {
			continue
		}
		kept = append(kept, s)
	}
	c := *fc
	c.Field.Selections = kept
	return graphql.WithFieldContext(ctx, &c)
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
