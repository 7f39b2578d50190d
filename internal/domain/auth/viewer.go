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
func LoadViewer(ctx context.Context, client *ent.Client, authz *policy.Authorizer, accountID, sessionID pulid.ID) (*viewer.Viewer, error) {
	v := viewer.New(authz)
	v.AccountID, v.SessionID = accountID, sessionID
	o, err := client.Officer.Query().Where(officer.AccountID(accountID)).WithUnit().Only(viewer.System(ctx))
	switch {
	case ent.IsNotFound(err):
		return v, nil
	case err != nil:
		return nil, fmt.Errorf("auth: load viewer: %w", err)
	}
	v.OfficerID = o.ID
	if u := o.Edges.Unit; u != nil {
		v.UnitID, v.UnitPath = u.ID, u.Path
	}
	return v, nil
}
