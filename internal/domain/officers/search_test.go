package officers

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/domain/accounts"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

// searchPeople adds the people the spelling tests look for, by name.
func searchPeople(t *testing.T, w *world) map[string]*ent.Account {
	t.Helper()
	people := map[string]*ent.Account{}
	for _, name := range []string{"Đặng Thị Ánh", "Đặng Văn Bình", "Nguyễn Thị Ánh", "Dương Anh Tuấn"} {
		people[name] = w.account(name, account.OriginSELF_REGISTERED)
	}
	sys := testkit.System()
	anh := people["Đặng Thị Ánh"]
	// Identifiers of one person, in the forms stored.
	anh = anh.Update().SetPhone("+84912345678").SetIDNumber("001190012345").SetTaxCode("0100233488").SaveX(sys)
	people["Đặng Thị Ánh"] = anh
	people["Đặng Văn Bình"] = people["Đặng Văn Bình"].Update().SetCmndNumber("123456789").SetTaxCode("0314409058-002").SaveX(sys)
	people["cmnd"] = w.account("Lò Văn Cũ", account.OriginIMPORTED).Update().
		SetIDNumber("987654321").SetIDKind(account.IDKindCMND).SaveX(sys)
	return people
}

// TestSearchSpellings is long because it is a table: one row per case, so
// that the cases read side by side and a missing one shows.
func TestSearchSpellings(t *testing.T) {
	anh, binh, nguyen, duong, cmnd := "Đặng Thị Ánh", "Đặng Văn Bình", "Nguyễn Thị Ánh", "Dương Anh Tuấn", "cmnd"
	cases := []struct {
		search string
		want   []string
	}{
		{"Đặng Thị Ánh", []string{anh}},
		{"dang thi anh", []string{anh}},
		{"ĐẶNG THỊ ÁNH", []string{anh}},
		{norm.NFD.String("Đặng Thị Ánh"), []string{anh}},
		{"  đặng   thị ánh ", []string{anh}},
		{"ĐẶNG", []string{anh, binh}},
		{"dang", []string{anh, binh}},
		{"Ðặng", []string{anh, binh}}, // eth, the look-alike of Đ
		{"thi anh", []string{anh, nguyen}},
		{"ánh đặng", []string{anh}},
		{"anh", []string{anh, nguyen, duong}},
		{"0912.345.678", []string{anh}},
		{"0912 345 678", []string{anh}},
		{"+84912345678", []string{anh}},
		{"84912345678", []string{anh}},
		{"0084912345678", []string{anh}},
		{"001190012345", []string{anh}},
		{"001 190 012 345", []string{anh}},
		{"123456789", []string{binh}},      // CMND kept as an alias
		{"987654321", []string{cmnd}},      // an imported account whose number is a CMND
		{"0100233488", []string{anh}},      // tax code
		{"0314409058-002", []string{binh}}, // branch tax code
		{"0314409058002", []string{binh}},
		{"0100233480", nil}, // wrong check digit: not a tax code, and no name
		{"xyz", nil},
		{"12345", nil},
		{"0912.345.679", nil},
	}
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		people := searchPeople(t, w)
		nameOf := map[pulid.ID]string{}
		for name, a := range people {
			nameOf[a.ID] = name
		}
		// The officers list finds the same people once they are officers.
		for _, name := range []string{anh, binh, nguyen} {
			w.newOfficer(people[name], w.hanoiDesk, false)
		}
		for _, c := range cases {
			// The super admin finds every account; the Hà Nội admin by name
			// only the officers of its desk, by an exact identifier everyone.
			var wantHN []string
			for _, n := range c.want {
				if accounts.IsExact(c.search) || (n != duong && n != cmnd) {
					wantHN = append(wantHN, n)
				}
			}
			for _, who := range []struct {
				admin *ent.Account
				want  []string
			}{{w.super, c.want}, {w.adminHN, wantHN}} {
				conn, err := accounts.Search(w.as(who.admin), w.db, accounts.Query{Search: c.search})
				if err != nil {
					t.Fatalf("%q: %v", c.search, err)
				}
				var got []string
				for _, e := range conn.Edges {
					got = append(got, nameOf[e.Node.ID])
				}
				if !sameSet(got, who.want) {
					t.Errorf("accounts %q as %s: got %v, want %v", c.search, who.admin.FullName, got, who.want)
				}
			}

			oconn, err := w.svc.Search(w.as(w.adminHN), OfficerSearch{Search: c.search})
			if err != nil {
				t.Fatalf("officers %q: %v", c.search, err)
			}
			var gotOff []string
			for _, e := range oconn.Edges {
				gotOff = append(gotOff, nameOf[e.Node.AccountID])
			}
			var wantOff []string
			for _, n := range c.want {
				if n != duong && n != cmnd {
					wantOff = append(wantOff, n)
				}
			}
			if !sameSet(gotOff, wantOff) {
				t.Errorf("officers %q: got %v, want %v", c.search, gotOff, wantOff)
			}
		}
		_, err := accounts.Search(w.as(w.adminHN), w.db, accounts.Query{Search: strings.Repeat("a", 101)})
		wantCode(t, err, refusal.Validation)
	})
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestSearchFilters(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		sleeping := w.account("Ngủ Đông Thị", account.OriginIMPORTED)
		sleeping = sleeping.Update().SetStatus(account.StatusNOT_ACTIVATED).SaveX(testkit.System())
		o := w.newOfficer(sleeping, w.hanoiJustice, false)

		st := account.StatusNOT_ACTIVATED
		conn, err := accounts.Search(w.as(w.super), w.db, accounts.Query{Status: &st})
		if err != nil || len(conn.Edges) != 1 || conn.Edges[0].Node.ID != sleeping.ID {
			t.Errorf("accounts by status: %v %v", conn, err)
		}
		oconn, err := w.svc.Search(w.as(w.adminHN), OfficerSearch{Status: &st})
		if err != nil || len(oconn.Edges) != 1 || oconn.Edges[0].Node.ID != o.ID {
			t.Errorf("officers by status: %v %v", oconn, err)
		}
		// The unit filter is the exact unit, not its subtree.
		oconn, err = w.svc.Search(w.as(w.adminHN), OfficerSearch{UnitID: &w.hanoi.ID})
		if err != nil || len(oconn.Edges) != 0 {
			t.Errorf("officers of the province itself: %v %v", oconn, err)
		}
		oconn, err = w.svc.Search(w.as(w.adminHN), OfficerSearch{UnitID: &w.hanoiJustice.ID})
		if err != nil || len(oconn.Edges) != 1 || oconn.Edges[0].Node.ID != o.ID {
			t.Errorf("officers of a unit: %v %v", oconn, err)
		}
		_, err = w.svc.Search(w.as(w.adminHN), OfficerSearch{UnitID: ptr(pulid.New("UN"))})
		wantCode(t, err, refusal.NotFound)
	})
}

// TestOfficersScope: a level-1 admin lists the officers of their subtree and
// those with no unit yet, never another province's.
func TestOfficersScope(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		hue := w.newOfficer(w.account("Người Huế", account.OriginSELF_REGISTERED), w.hueDesk, false)
		loose := w.newOfficer(w.account("Chưa Gắn Đơn Vị", account.OriginSELF_REGISTERED), nil, false)
		ids := func(a *ent.Account) []pulid.ID {
			conn, err := w.svc.Search(w.as(a), OfficerSearch{})
			if err != nil {
				t.Fatal(err)
			}
			var out []pulid.ID
			for _, e := range conn.Edges {
				out = append(out, e.Node.ID)
			}
			return out
		}
		hueSees := ids(w.adminHue)
		if !slices.Contains(hueSees, hue.ID) || slices.Contains(hueSees, loose.ID) || slices.Contains(hueSees, w.officerOf(w.officer).ID) {
			t.Errorf("Huế admin sees %v", hueSees)
		}
		// An officer with no unit yet is in no level-1 admin's scope: only
		// an exact identifier finds it, for any admin (to attach its unit).
		for _, a := range []*ent.Account{w.adminHue, w.adminHN, w.super} {
			conn, err := w.svc.Search(w.as(a), OfficerSearch{Search: "Chưa Gắn Đơn Vị"})
			if err != nil {
				t.Fatal(err)
			}
			if found := len(conn.Edges) == 1; found != (a == w.super) {
				t.Errorf("%s: name search of an officer with no unit found %d", a.FullName, len(conn.Edges))
			}
			phone := w.accountOf(loose).Phone
			conn, err = w.svc.Search(w.as(a), OfficerSearch{Search: phone})
			if err != nil {
				t.Fatal(err)
			}
			if len(conn.Edges) != 1 || conn.Edges[0].Node.ID != loose.ID {
				t.Errorf("%s: exact search of an officer with no unit found %d", a.FullName, len(conn.Edges))
			}
			_, err = w.svc.Search(w.as(a), OfficerSearch{Search: phone, Where: &ent.OfficerWhereInput{}})
			if a == w.super {
				wantCode(t, err, "")
			} else {
				wantCode(t, err, refusal.Validation)
			}
		}
		hnSees := ids(w.adminHN)
		if slices.Contains(hnSees, hue.ID) || !slices.Contains(hnSees, w.officerOf(w.officer).ID) {
			t.Errorf("Hà Nội admin sees %v", hnSees)
		}
		if all := ids(w.super); len(all) != 6 {
			t.Errorf("super admin sees %d officers, want 6", len(all))
		}
	})
}

// TestPaginationStableUnderInserts: newest first; accounts created while an
// admin pages through the list neither repeat nor push others off a page.
// Long because it is one scenario told in order: its steps share what the
// first ones set up and each checks what the one before left.
func TestPaginationStableUnderInserts(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		for i := 0; i < 7; i++ {
			w.account("Trang Thị Sách", account.OriginSELF_REGISTERED)
		}
		ctx := w.as(w.super)
		all, err := accounts.Search(ctx, w.db, accounts.Query{Page: store.Page{First: ptr(100)}})
		if err != nil {
			t.Fatal(err)
		}
		var want []pulid.ID
		for _, e := range all.Edges {
			want = append(want, e.Node.ID)
		}
		if len(want) != 12 || !slices.IsSortedFunc(want, func(a, b pulid.ID) int { return strings.Compare(string(b), string(a)) }) {
			t.Fatalf("first listing is not newest first: %v", want)
		}
		var got []pulid.ID
		var after *ent.Cursor
		for page := 0; ; page++ {
			conn, err := accounts.Search(ctx, w.db, accounts.Query{Page: store.Page{First: ptr(5), After: after}})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range conn.Edges {
				got = append(got, e.Node.ID)
			}
			// Someone adds accounts between every two pages.
			w.account("Mới Thêm Vào", account.OriginSELF_REGISTERED)
			w.account("Mới Thêm Vào", account.OriginSELF_REGISTERED)
			if !conn.PageInfo.HasNextPage {
				break
			}
			after = conn.PageInfo.EndCursor
			if page > 5 {
				t.Fatal("pagination does not end")
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("pages gave %v\nwant %v", got, want)
		}

		// Backwards from the end: the same accounts in the same order.
		var back []pulid.ID
		before := &all.Edges[len(all.Edges)-1].Cursor
		back = append(back, want[len(want)-1])
		for {
			conn, err := accounts.Search(ctx, w.db, accounts.Query{Page: store.Page{Last: ptr(4), Before: before}})
			if err != nil {
				t.Fatal(err)
			}
			var ids []pulid.ID
			for _, e := range conn.Edges {
				ids = append(ids, e.Node.ID)
			}
			back = append(ids, back...)
			if !conn.PageInfo.HasPreviousPage {
				break
			}
			before = conn.PageInfo.StartCursor
		}
		// The accounts added meanwhile come first when paging backwards past the start.
		if !slices.Equal(back[len(back)-len(want):], want) {
			t.Errorf("backwards gave %v", back)
		}

		// Officers page the same way.
		var offs []pulid.ID
		after = nil
		for {
			conn, err := w.svc.Search(ctx, OfficerSearch{Page: store.Page{First: ptr(2), After: after}})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range conn.Edges {
				offs = append(offs, e.Node.ID)
			}
			w.newOfficer(w.account("Cán Bộ Mới", account.OriginSELF_REGISTERED), w.hanoiDesk, false)
			if !conn.PageInfo.HasNextPage {
				break
			}
			after = conn.PageInfo.EndCursor
		}
		if len(offs) != 4 || !slices.IsSortedFunc(offs, func(a, b pulid.ID) int { return strings.Compare(string(b), string(a)) }) {
			t.Errorf("officers pages: %v", offs)
		}
	})
}

func TestPageChecks(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := w.as(w.super)
		for _, p := range []store.Page{{First: ptr(-1)}, {First: ptr(store.MaxPageSize + 1)}, {Last: ptr(-1)}, {First: ptr(1), Last: ptr(1)}} {
			_, err := accounts.Search(ctx, w.db, accounts.Query{Page: p})
			wantCode(t, err, refusal.Validation)
		}
		conn, err := accounts.Search(ctx, w.db, accounts.Query{})
		if err != nil || len(conn.Edges) != 5 {
			t.Errorf("default page: %v %v", conn, err)
		}
	})
}
