package officers

import (
	"slices"
	"testing"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/schema/pulid"
)

// TestBlockers: source §4.1 "the officer cannot choose a unit", every
// combination of the four causes.
func TestBlockers(t *testing.T) {
	desk := &ent.Unit{Name: "Bộ phận Một cửa xã Tân Lập", IsServiceDesk: true}
	office := &ent.Unit{Name: "Sở Tư pháp", IsServiceDesk: false}
	citizenAcc := &ent.Account{Origin: account.OriginSELF_REGISTERED}
	vnpost := &ent.Account{Origin: account.OriginVNPOST}
	granted := &ent.Officer{CanCreateCitizenAccounts: true}
	plain := &ent.Officer{}
	cases := []struct {
		name string
		o    *ent.Officer
		u    *ent.Unit
		a    *ent.Account
		want []Blocker
	}{
		{"all set", granted, desk, citizenAcc, []Blocker{}},
		{"not granted", plain, desk, citizenAcc, []Blocker{BlockerPermissionNotGranted}},
		{"no unit", granted, nil, citizenAcc, []Blocker{BlockerNoUnit}},
		{"unit not a desk (renamed after the grant)", granted, office, citizenAcc, []Blocker{BlockerUnitNotServiceDesk}},
		{"just added", plain, nil, citizenAcc, []Blocker{BlockerNoUnit, BlockerPermissionNotGranted}},
		{"wrong unit, not granted", plain, office, citizenAcc, []Blocker{BlockerUnitNotServiceDesk, BlockerPermissionNotGranted}},
		{"VNPost at a desk", plain, desk, vnpost, []Blocker{BlockerPermissionNotGranted, BlockerVNPostAccount}},
		{"VNPost, everything wrong", plain, nil, vnpost, []Blocker{BlockerNoUnit, BlockerPermissionNotGranted, BlockerVNPostAccount}},
		{"VNPost granted (data from before the rule)", granted, desk, vnpost, []Blocker{BlockerVNPostAccount}},
	}
	for _, c := range cases {
		got := Blockers(c.o, c.u, c.a)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestPermissionsAndAdmin(t *testing.T) {
	unitID := pulid.New("UN")
	cases := []struct {
		o           *ent.Officer
		perms       int
		admin, supr bool
	}{
		{&ent.Officer{}, 0, false, false},
		{&ent.Officer{CanCreateCitizenAccounts: true}, 1, false, false},
		{&ent.Officer{AdminUnitID: &unitID}, 0, true, false},
		{&ent.Officer{SuperAdmin: true}, 0, true, true},
	}
	for i, c := range cases {
		if got := Permissions(c.o); len(got) != c.perms || (c.perms == 1 && got[0] != CreateCitizenAccounts) {
			t.Errorf("%d: permissions %v", i, got)
		}
		if IsAdmin(c.o) != c.admin || c.o.SuperAdmin != c.supr {
			t.Errorf("%d: isAdmin %v", i, IsAdmin(c.o))
		}
	}
}
