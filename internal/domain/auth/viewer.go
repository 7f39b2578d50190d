package auth

import (
	"context"
	"fmt"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/officer"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// LoadViewer builds the viewer of an account: its officer record and unit.
// Roles are answered by authz from the role assignments it holds.
// The viewer is bound to the account's grants, computed here once.
func LoadViewer(ctx context.Context, client *ent.Client, authz *policy.Authorizer, accountID, sessionID pulid.ID) (*viewer.Viewer, error) {
	v, _, err := loadViewer(ctx, client, authz, accountID, sessionID)
	return v, err
}

// loadViewer is LoadViewer, also returning the officer record it read (nil
// when none).
func loadViewer(ctx context.Context, client *ent.Client, authz *policy.Authorizer, accountID, sessionID pulid.ID) (*viewer.Viewer, *ent.Officer, error) {
	v := viewer.New(authz)
	v.AccountID, v.SessionID = accountID, sessionID
	v.Bind(authz.Grants(string(accountID)))
	o, err := client.Officer.Query().Where(officer.AccountID(accountID)).WithUnit().Only(viewer.System(ctx))
	switch {
	case ent.IsNotFound(err):
		return v, nil, nil
	case err != nil:
		return nil, nil, fmt.Errorf("auth: load viewer: %w", err)
	}
	v.OfficerID = o.ID
	if u := o.Edges.Unit; u != nil {
		v.UnitID, v.UnitPath = u.ID, u.Path
	}
	return v, o, nil
}
