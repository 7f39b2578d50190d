package viewer

import (
	"context"
	"testing"

	"github.com/motcua/motcua/policy"
)

func TestFailsClosed(t *testing.T) {
	var anonymous *Viewer
	if anonymous.Can(policy.ObjUnit, policy.ActRead, "/") || !anonymous.Scope(policy.ObjUnit, policy.ActRead).Empty() || anonymous.SignedIn() {
		t.Fatal("a nil viewer may do something")
	}
	noAuthz := &Viewer{AccountID: "ACx"}
	if noAuthz.Can(policy.ObjUnit, policy.ActRead, "/") {
		t.Fatal("a viewer without an authorizer may do something")
	}
	if FromContext(context.Background()) != nil {
		t.Fatal("an empty context has a viewer")
	}
	sys := FromContext(System(context.Background()))
	if !sys.Can(policy.ObjAdmin, policy.ActGrant, "/UN1/") || !sys.Scope(policy.ObjAudit, policy.ActRead).All || sys.SignedIn() {
		t.Fatal("the system viewer is not all-powerful, or counts as signed in")
	}
}

func TestRolesFromAuthorizer(t *testing.T) {
	authz, err := policy.New(context.Background(), func(context.Context) ([]policy.Assignment, error) {
		return []policy.Assignment{{Subject: "ACadmin", Role: policy.Admin, Path: "/UNp/"}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	v := New(authz)
	v.AccountID = "ACadmin"
	if !v.Has(policy.Admin) || v.Has(policy.Registrar) {
		t.Fatalf("roles %+v", v.Roles())
	}
	if !v.Can(policy.ObjOfficer, policy.ActManage, "/UNp/UNd/") || v.Can(policy.ObjOfficer, policy.ActManage, "/UNq/") {
		t.Fatal("admin scope not applied")
	}
}
