package officers

import (
	"context"
	"fmt"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// Assignments loads every officer's roles for the policy's enforcer: the
// super admin everywhere, a level-1 admin in its unit's subtree, an officer in
// its unit, and a registrar where the officer holds CREATE_CITIZEN_ACCOUNTS at
// a service desk.
func Assignments(client *ent.Client) policy.Assignments {
	return func(ctx context.Context) ([]policy.Assignment, error) {
		sys := viewer.System(ctx)
		offs, err := client.Officer.Query().WithUnit().WithAdminUnit().All(sys)
		if err != nil {
			return nil, fmt.Errorf("officers: assignments: %w", err)
		}
		var out []policy.Assignment
		for _, o := range offs {
			out = append(out, RolesOf(o)...)
		}
		return out, nil
	}
}

// RolesOf is the role assignments of one officer (edges unit and admin_unit loaded).
func RolesOf(o *ent.Officer) []policy.Assignment {
	sub := string(o.AccountID)
	var out []policy.Assignment
	if o.SuperAdmin {
		out = append(out, policy.Assignment{Subject: sub, Role: policy.SuperAdmin, Path: policy.RootPath})
	}
	if u := o.Edges.AdminUnit; u != nil {
		out = append(out, policy.Assignment{Subject: sub, Role: policy.Admin, Path: u.Path})
	}
	if u := o.Edges.Unit; u != nil {
		out = append(out, policy.Assignment{Subject: sub, Role: policy.Officer, Path: u.Path})
		if o.CanCreateCitizenAccounts && u.IsServiceDesk {
			out = append(out, policy.Assignment{Subject: sub, Role: policy.Registrar, Path: u.Path})
		}
	}
	return out
}
