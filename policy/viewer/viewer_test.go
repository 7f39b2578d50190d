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

// TestBoundViewer: a viewer bound to its grants answers as the enforcer
// did when they were computed, keeps answering so after a reload (a
// request sees one policy), and RolesNow sees the reload.
func TestBoundViewer(t *testing.T) {
	granted := true
	authz, err := policy.New(context.Background(), func(context.Context) ([]policy.Assignment, error) {
		if !granted {
			return nil, nil
		}
		return []policy.Assignment{{Subject: "ACadmin", Role: policy.Admin, Path: "/UNp/"}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	v := New(authz)
	v.AccountID = "ACadmin"
	v.Bind(authz.Grants("ACadmin"))
	if !v.Can(policy.ObjOfficer, policy.ActManage, "/UNp/UNd/") || v.Can(policy.ObjOfficer, policy.ActManage, "/UNq/") ||
		v.Can(policy.ObjOfficer, policy.ActManage, "") || v.Can(policy.ObjAdmin, policy.ActGrant, "/UNp/") {
		t.Fatal("bound admin decides unlike its grants")
	}
	if s := v.Scope(policy.ObjOfficer, policy.ActManage); s.All || len(s.Paths) != 1 || s.Paths[0] != "/UNp/" {
		t.Fatalf("bound scope %+v", s)
	}
	granted = false
	if err := authz.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !v.Has(policy.Admin) || len(v.RolesNow()) != 0 {
		t.Fatalf("bound roles %v, roles now %v", v.Roles(), v.RolesNow())
	}
	// A subscription re-checks with Now: the withdrawn role shows there,
	// while the bound viewer keeps what it was built with.
	if v.Scope(policy.ObjOfficer, policy.ActManage).Empty() || !v.Now().Scope(policy.ObjOfficer, policy.ActManage).Empty() ||
		v.Now().Can(policy.ObjOfficer, policy.ActManage, "/UNp/") {
		t.Fatal("Now answers from the bound grants, not the assignments in force")
	}
	anon := New(authz)
	anon.Bind(authz.Grants(""))
	if anon.Can(policy.ObjUnit, policy.ActRead, "/") || !anon.Scope(policy.ObjUnit, policy.ActRead).Empty() {
		t.Fatal("a bound viewer without an account may do something")
	}
}
