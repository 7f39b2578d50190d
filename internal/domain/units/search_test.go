package units

import (
	"context"
	"slices"
	"testing"

	"entgo.io/contrib/entgql"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

// searchTree is a small tree of two provinces.
func searchTree(t *testing.T, db *store.DB, s *Service) {
	t.Helper()
	ls := mustCreate(t, db, s, "000.00.00.H37", "Tỉnh Lạng Sơn", unit.KindPROVINCE, nil)
	mustCreate(t, db, s, "000.00.01.H37", "Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn", unit.KindAGENCY, ls)
	mustCreate(t, db, s, "000.00.02.H37", "Sở Tư pháp tỉnh Lạng Sơn", unit.KindAGENCY, ls)
	hl := mustCreate(t, db, s, "000.00.50.H37", "Xã Hữu Lũng", unit.KindCOMMUNE, ls)
	mustCreate(t, db, s, "000.01.50.H37", "Bộ phận Một cửa UBND xã Hữu Lũng", unit.KindAGENCY, hl)
	mustCreate(t, db, s, "000.02.50.H37", "Bo phan mot cua xa Thu Nghiem", unit.KindAGENCY, hl)
	hn := mustCreate(t, db, s, "000.00.00.H26", "Thành phố Hà Nội", unit.KindPROVINCE, nil)
	mustCreate(t, db, s, "000.00.01.H26", "Trung tâm Phục vụ hành chính công thành phố Hà Nội", unit.KindAGENCY, hn)
}

func codes(t *testing.T, conn *ent.UnitConnection) []string {
	t.Helper()
	var out []string
	for _, e := range conn.Edges {
		out = append(out, e.Node.Code)
	}
	slices.Sort(out)
	return out
}

func search(t *testing.T, s *Service, q SearchQuery) []string {
	t.Helper()
	conn, err := s.Search(signedIn(), store.Page{}, q, nil, nil)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	return codes(t, conn)
}

func TestSearch(t *testing.T) {
	tests := []struct {
		q    SearchQuery
		want []string
	}{
		{SearchQuery{Text: "trung tam phuc vu"}, []string{"000.00.01.H26", "000.00.01.H37"}},
		{SearchQuery{Text: "LẠNG SƠN"}, []string{"000.00.00.H37", "000.00.01.H37", "000.00.02.H37"}},
		{SearchQuery{Text: "  sơn   lạng "}, []string{"000.00.00.H37", "000.00.01.H37", "000.00.02.H37"}},
		{SearchQuery{Text: "tư pháp lạng"}, []string{"000.00.02.H37"}},
		{SearchQuery{Text: "huu lung"}, []string{"000.00.50.H37", "000.01.50.H37"}},
		{SearchQuery{Text: "bo phan mot cua"}, []string{"000.01.50.H37", "000.02.50.H37"}},
		{SearchQuery{Text: "bo phan mot cua", ServiceDesksOnly: true}, []string{"000.01.50.H37"}},
		{SearchQuery{ServiceDesksOnly: true}, []string{"000.00.01.H26", "000.00.01.H37", "000.01.50.H37"}},
		{SearchQuery{Text: "lang son", ServiceDesksOnly: true}, []string{"000.00.01.H37"}},
		{SearchQuery{Text: "000.00.0"}, []string{"000.00.00.H26", "000.00.00.H37", "000.00.01.H26", "000.00.01.H37", "000.00.02.H37"}},
		{SearchQuery{Text: "000.01"}, []string{"000.01.50.H37"}},
		{SearchQuery{Text: "000.00.00.h3"}, []string{"000.00.00.H37"}},
		{SearchQuery{Text: "000.00.01", ServiceDesksOnly: true}, []string{"000.00.01.H26", "000.00.01.H37"}},
		{SearchQuery{Text: "H37"}, nil}, // a code prefix, not a code suffix
		{SearchQuery{Text: "ha noi"}, []string{"000.00.00.H26", "000.00.01.H26"}},
		{SearchQuery{Text: "hà nội lạng sơn"}, nil}, // every word must match
		{SearchQuery{Text: "Hữu-Lũng!"}, []string{"000.00.50.H37", "000.01.50.H37"}},
	}
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		s := newService(db)
		searchTree(t, db, s)
		if got := search(t, s, SearchQuery{}); len(got) != 8 {
			t.Errorf("blank search: %d units, want 8", len(got))
		}
		for _, tt := range tests {
			if got := search(t, s, tt.q); !slices.Equal(got, tt.want) {
				t.Errorf("search %+v: got %v, want %v", tt.q, got, tt.want)
			}
		}
	})
}

func TestSearchPagination(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		s := newService(db)
		searchTree(t, db, s)
		order := []*ent.UnitOrder{{Direction: entgql.OrderDirectionAsc, Field: ent.UnitOrderFieldCode}}
		var got []string
		var after *entgql.Cursor[pulid.ID]
		two := 2
		for page := 0; ; page++ {
			conn, err := s.Search(signedIn(), store.Page{First: &two, After: after}, SearchQuery{Text: "000"}, order, nil)
			if err != nil {
				t.Fatal(err)
			}
			if conn.TotalCount != 8 {
				t.Errorf("total count %d, want 8", conn.TotalCount)
			}
			if len(conn.Edges) > 2 {
				t.Fatalf("page of %d", len(conn.Edges))
			}
			for _, e := range conn.Edges {
				got = append(got, e.Node.Code)
			}
			if !conn.PageInfo.HasNextPage {
				break
			}
			if page > 5 {
				t.Fatal("pagination does not end")
			}
			after = conn.PageInfo.EndCursor
		}
		want := []string{"000.00.00.H26", "000.00.00.H37", "000.00.01.H26", "000.00.01.H37",
			"000.00.02.H37", "000.00.50.H37", "000.01.50.H37", "000.02.50.H37"}
		if !slices.Equal(got, want) {
			t.Errorf("pages: %v", got)
		}

		// The generic where filter combines with the search.
		where := &ent.UnitWhereInput{Kind: ptr(unit.KindPROVINCE)}
		conn, err := s.Search(signedIn(), store.Page{}, SearchQuery{Text: "lang son"}, nil, where)
		if err != nil {
			t.Fatal(err)
		}
		if c := codes(t, conn); !slices.Equal(c, []string{"000.00.00.H37"}) {
			t.Errorf("where kind = PROVINCE: %v", c)
		}
	})
}

func TestSearchNeedsASignedInViewer(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		s := newService(db)
		searchTree(t, db, s)
		if _, err := s.Search(context.Background(), store.Page{}, SearchQuery{}, nil, nil); err == nil {
			t.Error("an anonymous search was answered")
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestCodePrefix(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"000.00.00.H37", "000.00.00.H37", true},
		{" 000.00.00.h3 ", "000.00.00.H3", true},
		{"h37", "H37", true},
		{"000", "000", true},
		{"son", "", false},
		{"G", "", false},
		{"lạng sơn", "", false},
		{"000 00", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := codePrefix(tt.in)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("codePrefix(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
