package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"entgo.io/contrib/entgql"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/domain/accounts"
	"github.com/motcua/motcua/internal/domain/officers"
	"github.com/motcua/motcua/internal/domain/seed"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// searchWorld is a database with a super admin and named accounts.
type searchWorld struct {
	t   testing.TB
	db  *store.DB
	ctx context.Context // the super admin's
	seq int
}

func newSearchWorld(t testing.TB, db *store.DB) *searchWorld {
	w := &searchWorld{t: t, db: db}
	super := w.account("Quản Trị Viên")
	if err := db.Client.Officer.Create().SetAccountID(super.ID).SetSuperAdmin(true).Exec(viewer.System(t.Context())); err != nil {
		t.Fatal(err)
	}
	authz, err := policy.New(t.Context(), officers.Assignments(db.Client))
	if err != nil {
		t.Fatal(err)
	}
	v := viewer.New(authz)
	v.AccountID = super.ID
	w.ctx = viewer.NewContext(t.Context(), v)
	return w
}

// account creates an account named name, with a fresh ID number and phone.
func (w *searchWorld) account(name string) *ent.Account {
	w.t.Helper()
	w.seq++
	name = vn.NormalizeName(name)
	a, err := w.db.Client.Account.Create().
		SetIDNumber(fmt.Sprintf("001090%06d", w.seq)).
		SetFullName(name).SetNameFolded(vn.Fold(name)).
		SetDateOfBirth(time.Date(1990, 5, 31, 0, 0, 0, 0, time.UTC)).
		SetPhone(fmt.Sprintf("+8491%07d", w.seq)).
		SetOrigin(account.OriginSELF_REGISTERED).
		Save(viewer.System(w.t.Context()))
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

// names runs a search as the super admin and returns the full names found,
// in order, walking every page of size n.
func (w *searchWorld) names(search string, n int) []string {
	w.t.Helper()
	var out []string
	var after *ent.Cursor
	for range 100 {
		conn, err := accounts.Search(w.ctx, w.db, accounts.Query{Search: search, Page: store.Page{First: &n, After: after}})
		if err != nil {
			w.t.Fatalf("search %q: %v", search, err)
		}
		for _, e := range conn.Edges {
			out = append(out, e.Node.FullName)
		}
		if !conn.PageInfo.HasNextPage {
			return out
		}
		after = conn.PageInfo.EndCursor
	}
	w.t.Fatalf("search %q: more than 100 pages", search)
	return nil
}

func TestSearchRanking(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newSearchWorld(t, db)
		// Created oldest first; each tier comes newest first.
		w.account("Anh Nguyễn Văn")       // contains
		w.account("Nguyễn Văn Anh")       // exact
		w.account("Nguyễn Văn Anh Tuấn")  // prefix
		w.account("Trần Nguyễn Văn Anh")  // contains
		w.account("NGUYỄN VĂN ANH")       // exact (folds to the same)
		w.account("Nguyễn Văn Ánh Dương") // prefix
		w.account("Lê Thị Hoa")           // no match
		want := []string{
			"NGUYỄN VĂN ANH", "Nguyễn Văn Anh",
			"Nguyễn Văn Ánh Dương", "Nguyễn Văn Anh Tuấn",
			"Trần Nguyễn Văn Anh", "Anh Nguyễn Văn",
		}
		for _, size := range []int{1, 2, 3, 20} {
			if got := w.names("nguyễn văn anh", size); !slices.Equal(got, want) {
				t.Errorf("pages of %d:\n got %q\nwant %q", size, got, want)
			}
		}
		// The same order backwards, from the end.
		n := 2
		var got []string
		var before *ent.Cursor
		for {
			conn, err := accounts.Search(w.ctx, db, accounts.Query{Search: "Nguyen Van Anh", Page: store.Page{Last: &n, Before: before}})
			if err != nil {
				t.Fatal(err)
			}
			var page []string
			for _, e := range conn.Edges {
				page = append(page, e.Node.FullName)
			}
			got = append(page, got...)
			if !conn.PageInfo.HasPreviousPage {
				break
			}
			before = conn.PageInfo.StartCursor
		}
		if !slices.Equal(got, want) {
			t.Errorf("backwards:\n got %q\nwant %q", got, want)
		}
		// An identifier is exact: the one account, first.
		phone := w.account("Đặng Thị Ánh").Phone
		if got := w.names(phone, 5); !slices.Equal(got, []string{"Đặng Thị Ánh"}) {
			t.Errorf("phone: %q", got)
		}
	})
}

func TestSearchFoldingAndShortWords(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newSearchWorld(t, db)
		w.account("Đặng Thị Ánh")
		w.account("Nguyễn Thị Vy")
		w.account("Hoàng Văn An")
		w.account("Lê Văn Đức")
		for _, c := range []struct {
			search string
			want   []string
		}{
			{"Đặng Thị Ánh", []string{"Đặng Thị Ánh"}},
			{"dang thi anh", []string{"Đặng Thị Ánh"}},
			{"ĐẶNG", []string{"Đặng Thị Ánh"}},
			{"D\u0103\u0323ng", []string{"Đặng Thị Ánh"}}, // NFD
			{"ánh đặng", []string{"Đặng Thị Ánh"}},
			{"thi", []string{"Nguyễn Thị Vy", "Đặng Thị Ánh"}},
			{"vy", []string{"Nguyễn Thị Vy"}},                                               // two letters: no trigram
			{"an", []string{"Lê Văn Đức", "Hoàng Văn An", "Đặng Thị Ánh", "Quản Trị Viên"}}, // two letters, prefix of none
			{"duc", []string{"Lê Văn Đức"}},                                                 // đ folds to d
			{"van d", []string{"Lê Văn Đức"}},                                               // a short word beside a long one
			{"le van duc", []string{"Lê Văn Đức"}},                                          // exact
			{"ng", []string{"Nguyễn Thị Vy", "Hoàng Văn An", "Đặng Thị Ánh"}},               // prefix first
			{"xyz", nil},
		} {
			if got := w.names(c.search, 20); !slices.Equal(got, c.want) {
				t.Errorf("%q: got %q, want %q", c.search, got, c.want)
			}
		}
	})
}

func TestSearchCountCapped(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newSearchWorld(t, db)
		if _, err := seed.Generate(t.Context(), db, seed.GenerateOptions{Accounts: accounts.CountCap + 50, Seed: 7}, nil); err != nil {
			t.Fatal(err)
		}
		total, err := db.Client.Account.Query().Count(viewer.System(t.Context()))
		if err != nil {
			t.Fatal(err)
		}
		n := 3
		for _, c := range []struct {
			search string
			capped bool
		}{
			{"", true},               // every account
			{"nguyen", false},        // ~38 %: fewer than the cap here
			{"quan tri vien", false}, // one
			{"zzz", false},           // none
		} {
			conn, err := accounts.Search(w.ctx, db, accounts.Query{Search: c.search, Page: store.Page{First: &n}})
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case c.capped && conn.TotalCount != accounts.CountCap+1:
				t.Errorf("%q: totalCount %d of %d, want the cap %d", c.search, conn.TotalCount, total, accounts.CountCap+1)
			case !c.capped && conn.TotalCount > accounts.CountCap:
				t.Errorf("%q: totalCount %d, want below the cap", c.search, conn.TotalCount)
			}
			if conn.TotalCount > 0 && len(conn.Edges) != min(n, conn.TotalCount) {
				t.Errorf("%q: %d edges", c.search, len(conn.Edges))
			}
		}
		// Exact below the cap: the count equals the rows found, with or
		// without a filter of the list's own (on SQLite the first is read
		// from the word index, the second through the rows it finds).
		checkCounts(t, w, "Nguyễn", "nguyen thi", "uyen", "thi nguyen", "van an")
		// With an explicit order (Ent's pager) the count is capped too.
		conn, err := accounts.Search(w.ctx, db, accounts.Query{Page: store.Page{First: &n},
			OrderBy: []*ent.AccountOrder{{Field: ent.AccountOrderFieldCreatedAt, Direction: entgql.OrderDirectionDesc}}})
		if err != nil {
			t.Fatal(err)
		}
		if conn.TotalCount != accounts.CountCap+1 || len(conn.Edges) != n {
			t.Errorf("ordered: totalCount %d, %d edges (%v)", conn.TotalCount, len(conn.Edges), err)
		}
	})
}

// checkCounts: the totalCount of each search, with no filter and with a
// status filter, is the number of accounts Match finds, a common search
// below the cap.
func checkCounts(t *testing.T, w *searchWorld, searches ...string) {
	t.Helper()
	sys, active, n := viewer.System(t.Context()), account.StatusACTIVE, 3
	for _, search := range searches {
		match, _, err := accounts.Match(search)
		if err != nil {
			t.Fatal(err)
		}
		want, err := w.db.Client.Account.Query().Where(match).Count(sys)
		if err != nil {
			t.Fatal(err)
		}
		if want > accounts.CountCap || want < 100 {
			t.Fatalf("%q: %d matches, want a common search below the cap", search, want)
		}
		wantActive, err := w.db.Client.Account.Query().Where(match, account.StatusEQ(active)).Count(sys)
		if err != nil {
			t.Fatal(err)
		}
		for status, want := range map[*account.Status]int{nil: want, &active: wantActive} {
			conn, err := accounts.Search(w.ctx, w.db, accounts.Query{Search: search, Status: status, Page: store.Page{First: &n}})
			if err != nil || conn.TotalCount != want {
				t.Errorf("%q (status %v): totalCount %d, want %d (%v)", search, status, conn.TotalCount, want, err)
			}
		}
	}
}

// TestSearchIndexInStep: the SQLite FTS5 index follows inserts, renames and
// deletes in the same transaction, and a rolled-back transaction leaves no
// trace in it (on PostgreSQL the same checks hold with its indexes).
func TestSearchIndexInStep(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newSearchWorld(t, db)
		sys := viewer.System(t.Context())
		a := w.account("Nghiêm Thị Diệp")
		if got := w.names("nghiem thi diep", 5); len(got) != 1 {
			t.Fatalf("after insert: %q", got)
		}
		if got := w.names("ghie", 5); len(got) != 1 {
			t.Fatalf("substring after insert: %q", got)
		}
		rename := func(c *ent.Client, id pulid.ID, name string) error {
			return c.Account.UpdateOneID(id).SetFullName(name).SetNameFolded(vn.Fold(name)).Exec(sys)
		}
		if err := rename(db.Client, a.ID, "Khổng Minh Triết"); err != nil {
			t.Fatal(err)
		}
		if got := w.names("nghiem", 5); len(got) != 0 {
			t.Errorf("old name still found: %q", got)
		}
		if got := w.names("minh triet", 5); len(got) != 1 {
			t.Errorf("new name not found: %q", got)
		}
		// A rollback: neither the insert nor the rename reaches the index.
		errRollback := errors.New("roll back")
		err := db.InTx(sys, func(ctx context.Context, tx *store.Tx) error {
			if _, err := tx.Client.Account.Create().SetIDNumber("001090999999").
				SetFullName("Quách Bảo Ngọc").SetNameFolded(vn.Fold("Quách Bảo Ngọc")).
				SetDateOfBirth(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)).SetPhone("+84919999999").
				SetOrigin(account.OriginSELF_REGISTERED).Save(ctx); err != nil {
				return err
			}
			if err := rename(tx.Client, a.ID, "Tôn Nữ Hoài"); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		for search, want := range map[string]int{"quach bao": 0, "hoai": 0, "khong minh": 1} {
			if got := w.names(search, 5); len(got) != want {
				t.Errorf("after rollback %q: %q", search, got)
			}
		}
		if err := db.Client.Account.DeleteOneID(a.ID).Exec(sys); err != nil {
			t.Fatal(err)
		}
		if got := w.names("khong minh", 5); len(got) != 0 {
			t.Errorf("after delete: %q", got)
		}
		if !db.IsPostgres() {
			// The vocabulary has the words of every name written, and
			// none of the rolled-back transaction.
			checkSQLiteNameIndexes(t, db, map[string]int{"nghiem": 1, "khong": 1, "triet": 1, "quach": 0, "hoai": 0})
		}
	})
}

// checkSQLiteNameIndexes: the FTS5 indexes agree with the table, row for
// row, and the vocabulary holds each word as often as vocab says (0 or 1).
func checkSQLiteNameIndexes(t *testing.T, db *store.DB, vocab map[string]int) {
	t.Helper()
	for _, table := range []string{"accounts_name_fts", "accounts_name_words"} {
		if _, err := db.SQL.ExecContext(t.Context(),
			`INSERT INTO `+table+`(`+table+`, rank) VALUES ('integrity-check', 1)`); err != nil {
			t.Errorf("FTS integrity of %s: %v", table, err)
		}
	}
	for word, want := range vocab {
		var n int
		if err := db.SQL.QueryRowContext(t.Context(),
			`SELECT count(*) FROM accounts_name_vocab WHERE word = ?`, word).Scan(&n); err != nil || n != want {
			t.Errorf("vocabulary %q: %d, want %d (%v)", word, n, want, err)
		}
	}
}

// TestSearchAgreesWithMatch: a search finds exactly the accounts Match
// finds, and counts them, whatever index serves it: on SQLite the word index
// (each search word looked up as the words holding it), or, for a word in
// too many words ("quy" here, in 70), the trigram index or the LIKE filter;
// with a filter of the list's own too. Names with hyphens, apostrophes and
// digits, words in any order, 1–2 letter words, a word that is the start of
// another and words in no name.
func TestSearchAgreesWithMatch(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		w := newSearchWorld(t, db)
		for _, name := range []string{
			"Nguyễn Văn Anh", "Anh Nguyễn Văn", "Trần Thị Thanh", "Nguyễn Thanh Anh", "Lê Oanh",
			"Nguyễn Văn An", "Nguyễn Vân Anh", "Hồ Ngọc Hà", "Đặng Thị Ánh", "Nguyễn-Văn Khánh",
			"O'Neil Trần", "Phạm Văn An2", "Mai Anh Đào", "Lý Nhã Kỳ", "Nguyên Văn Bình", "Ngô An",
			"Nguyễn Văn Anh", "Vũ Thị Vy", "Đỗ Văn Đức", "Trương Vô Kỵ",
		} {
			w.account(name)
		}
		for i := range 70 {
			w.account(fmt.Sprintf("Quy%02d Văn Tú", i))
		}
		active := account.StatusACTIVE
		n := 4
		for _, search := range []string{
			"anh", "Ánh", "ANH", "thanh", "nguyen van anh", "anh van nguyen", "van an", "an", "a", "n",
			"nh", "vy", "khanh", "nguyen-van", "nguyen van", "neil", "o'neil", "oneil", "an2", "2",
			"ha", "ky", "ng", "duc", "d", "xyz", "anh xyz", "quy", "quy van", "quy0", "van quy05", "tu quy69",
			"uy", "nguyen van b", "le oanh",
		} {
			match, _, err := accounts.Match(search)
			if err != nil {
				t.Fatal(err)
			}
			found, err := db.Client.Account.Query().Where(match).All(viewer.System(t.Context()))
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, a := range found {
				want = append(want, a.FullName)
			}
			slices.Sort(want)
			got := w.names(search, 3)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%q:\n got %q\nwant %q", search, got, want)
			}
			for _, status := range []*account.Status{nil, &active} {
				conn, err := accounts.Search(w.ctx, db, accounts.Query{Search: search, Status: status, Page: store.Page{First: &n}})
				if err != nil || conn.TotalCount != len(want) {
					t.Errorf("%q (status %v): totalCount %d, want %d (%v)", search, status, conn.TotalCount, len(want), err)
				}
			}
		}
	})
}
