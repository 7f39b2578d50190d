package graph

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"

	"github.com/motcua/motcua/graph/model"
	"github.com/motcua/motcua/internal/domain/auth"
)

// authOK turns a service error into a Boolean! answer.
func authOK(err error) (bool, error) { return err == nil, err }

// viewerModel is the GraphQL Viewer of auth.Me (nil when signed out).
func viewerModel(me *auth.Me, err error) (*model.Viewer, error) {
	if me == nil || err != nil {
		return nil, err
	}
	v := &model.Viewer{Account: me.Account, Roles: me.Roles, Officer: me.Officer,
		Permissions: []model.Permission{}, Sessions: me.Sessions}
	if me.CanCreateCitizenAccounts {
		v.Permissions = append(v.Permissions, model.PermissionCreateCitizenAccounts)
	}
	if me.CurrentSessionID != "" {
		v.CurrentSessionID = &me.CurrentSessionID
	}
	return v, nil
}

// selects reports whether the operation selects the field name in the
// field being resolved (fragments included), so that what nobody asked
// for is not read.
func selects(ctx context.Context, name string) bool {
	return slices.Contains(graphql.CollectAllFields(ctx), name)
}
