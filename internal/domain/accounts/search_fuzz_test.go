package accounts_test

import (
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/domain/accounts"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy/viewer"
)

// FuzzSearchAgreesWithMatch: on SQLite, whatever the name and the search
// string, the ranked search finds exactly the accounts Match finds and
// counts them (docs/SEARCH.md: the word index stands for the LIKE
// conditions; any character a name may hold — marks, punctuation, letters
// of other scripts — must not make it find more or fewer). Each input adds
// one account named name beside a few fixed ones, and removes it after.
func FuzzSearchAgreesWithMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"Nguyễn-Văn Khánh", "van kh"},
		{"O'Neil Trần", "neil"},
		{"Phạm Văn An2", "an2"},
		{"Ngọc ſon", "son"},
		{"Đặng Thị Ánh", "Ánh đặng"},
		{"राम किशोर", "कि"},
		{"Anh\u00a0Thơ", "anh tho"},
		{"Nguyễn Văn Anh", "a"},
		{"Trương Vô Kỵ", "ky vo"},
		{"Lê Văn Khánh", "anh"}, // inside words: Khánh, Thanh, Oanh
	} {
		f.Add(s[0], s[1])
	}
	db := testenv.SQLite(f)
	w := newSearchWorld(f, db)
	for _, name := range []string{"Nguyễn Văn Anh", "Trần Thị Thanh", "Lê Oanh", "Hồ Ngọc Hà"} {
		w.account(name)
	}
	sys := viewer.System(f.Context())
	f.Fuzz(func(t *testing.T, name, search string) {
		name = vn.NormalizeName(name)
		if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > 100 ||
			utf8.RuneCountInString(vn.Fold(name)) > 100 { // an account's limits
			return
		}
		w.t = t
		a := w.account(name)
		defer func() {
			if err := db.Client.Account.DeleteOneID(a.ID).Exec(sys); err != nil {
				t.Fatal(err)
			}
		}()
		match, ok, err := accounts.Match(search)
		if err != nil || !ok {
			return // refused (too long) or blank: no name condition
		}
		found, err := db.Client.Account.Query().Where(match).All(sys)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, a := range found {
			want = append(want, a.FullName)
		}
		got := w.names(search, 50)
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("name %q, search %q: got %q, want %q", name, search, got, want)
		}
		n := 1
		conn, err := accounts.Search(w.ctx, db, accounts.Query{Search: search, Page: store.Page{First: &n}})
		if err != nil || conn.TotalCount != len(want) {
			t.Fatalf("name %q, search %q: totalCount %d, want %d (%v)", name, search, conn.TotalCount, len(want), err)
		}
	})
}
