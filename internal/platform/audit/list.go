package audit

import (
	"context"
	"fmt"

	"entgo.io/contrib/entgql"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// List is the audit trail within the viewer's scope, newest first (by id:
// ULIDs follow the time of recording). A caller must read the audit object
// somewhere; the ent privacy policy then keeps a level-1 admin to the
// events about units of their subtree. It is read through client with the
// viewer of ctx, never as the system.
func List(ctx context.Context, client *ent.Client, p store.Page, where *ent.AuditEventWhereInput) (*ent.AuditEventConnection, error) {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return nil, errUnauthenticated
	}
	if v.Scope(policy.ObjAudit, policy.ActRead).Empty() {
		return nil, errNotAdmin
	}
	page, err := p.Check()
	if err != nil {
		return nil, err
	}
	opts := []ent.AuditEventPaginateOption{
		ent.WithAuditEventOrder(&ent.AuditEventOrder{Direction: entgql.OrderDirectionDesc, Field: ent.DefaultAuditEventOrder.Field}),
	}
	if where != nil {
		opts = append(opts, ent.WithAuditEventFilter(where.Filter))
	}
	conn, err := client.AuditEvent.Query().Paginate(ctx, page.After, page.First, page.Before, page.Last, opts...)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	return conn, nil
}

// The refusals of the admin lists (accounts.Admin): the same codes and
// words whichever list an admin opens.
var (
	errUnauthenticated = refusal.New(refusal.Unauthenticated, "Vui lòng đăng nhập.", "Please sign in.")
	errNotAdmin        = refusal.New(refusal.Forbidden,
		"Chỉ quản trị viên mới thực hiện được thao tác này.",
		"Only an administrator can do this.")
)
