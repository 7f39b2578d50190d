package policy

import (
	"context"
	"slices"
	"testing"
)

// TestGrantsAgreeWithEnforcer: every permission × actor × place answered
// from Grants is what Casbin answers, and so are the scopes.
func TestGrantsAgreeWithEnforcer(t *testing.T) {
	a := testAuthorizer(t)
	perms := []Permission{{"unknown", "thing"}}
	for _, p := range a.perms {
		perms = append(perms, p)
	}
	if len(perms) < 17 {
		t.Fatalf("policy.csv has %d permissions, want every one of the decision table", len(perms)-1)
	}
	paths := []string{provLS, deskLS, deptLS, provHN, deskHN, nowhere, "/UNlsx/", RootPath, ""}
	for _, s := range []string{"ACsuper", "ACadminLS", "ACregistrar", "ACofficer", "ACcitizen", ""} {
		g := a.Grants(s)
		for _, p := range perms {
			for _, path := range paths {
				if got, want := g.Allowed(path, p.Obj, p.Act), a.Allowed(s, path, p.Obj, p.Act); got != want {
					t.Errorf("%s/%s.%s@%s: grants say %v, enforcer %v", s, p.Obj, p.Act, path, got, want)
				}
			}
			got, want := g.Scope(p.Obj, p.Act), a.Scope(s, p.Obj, p.Act)
			if got.All != want.All || !slices.Equal(got.Paths, want.Paths) {
				t.Errorf("%s/%s.%s: grants scope %+v, enforcer %+v", s, p.Obj, p.Act, got, want)
			}
		}
		if got, want := g.Roles(), a.Roles(s); !slices.Equal(got, want) {
			t.Errorf("%s: grants roles %v, enforcer %v", s, got, want)
		}
	}
}

// TestGenerationCountsChanges: a reload that changes nothing keeps the
// generation (cached grants stay valid); one that changes an assignment
// moves it, and new grants follow.
func TestGenerationCountsChanges(t *testing.T) {
	current := []Assignment{{Subject: "ACr", Role: Registrar, Path: deskLS}, {Subject: "ACa", Role: Admin, Path: provLS}}
	a, err := New(context.Background(), func(context.Context) ([]Assignment, error) {
		return slices.Clone(current), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	g0 := a.Generation()
	// The same assignments in another order are no change.
	current = []Assignment{current[1], current[0]}
	if err := a.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a.Generation() != g0 {
		t.Errorf("generation moved on a reload that changed nothing")
	}
	before := a.Grants("ACr")
	current = current[:1] // the registrar's grant is revoked
	if err := a.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a.Generation() == g0 {
		t.Fatal("generation kept after a revocation")
	}
	if !before.Allowed(deskLS, ObjRegistration, ActCreate) || before.Generation != g0 {
		t.Errorf("grants computed before the reload changed")
	}
	if a.Grants("ACr").Allowed(deskLS, ObjRegistration, ActCreate) {
		t.Errorf("revoked grant in new grants")
	}
}
