package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/auditevent"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/internal/testkit"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var testNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func clock() time.Time { return testNow }

func countAccounts(t *testing.T, db *store.DB) int {
	t.Helper()
	n, err := db.Client.Account.Query().Count(testkit.System())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// existing stores an account the files below collide with.
func existing(t *testing.T, db *store.DB) {
	t.Helper()
	err := db.Client.Account.Create().SetIDNumber("001090000099").SetCmndNumber("111222333").
		SetFullName("Có Sẵn").SetNameFolded("co san").SetDateOfBirth(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)).
		SetPhone("+84911111111").SetOrigin(account.OriginSELF_REGISTERED).Exec(testkit.System())
	if err != nil {
		t.Fatal(err)
	}
}

const header = "id_number,full_name,date_of_birth,phone,email,status,origin\n"

func TestImportGoodFile(t *testing.T) {
	nfdName := norm.NFD.String("Lê Thị Hoa")
	file := header +
		"001090000001,Nguyễn Văn An,1990-01-15,0912 345 678,an@example.vn,ACTIVE,SELF_REGISTERED\n" +
		"\"079 305 000 123\",\"Trần   Thị Bích\",2005-07-01,+84987654321,,not_activated,vnpost\n" +
		"123456789," + nfdName + ",1975-03-03,0084 903 111 222,,LOCKED,Imported\n"
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		existing(t, db)
		rep, err := Import(context.Background(), db, strings.NewReader(file), false, clock)
		if err != nil {
			t.Fatalf("import: %v %v", err, rep.Problems)
		}
		if rep.Rows != 3 || rep.Valid != 3 || rep.Created != 3 || len(rep.Problems) != 0 {
			t.Errorf("report %+v", rep)
		}
		get := func(id string) *ent.Account {
			a, err := db.Client.Account.Query().Where(account.IDNumber(id)).Only(testkit.System())
			if err != nil {
				t.Fatalf("account %s: %v", id, err)
			}
			return a
		}
		an := get("001090000001")
		if an.FullName != "Nguyễn Văn An" || an.NameFolded != "nguyen van an" || an.Phone != "+84912345678" ||
			an.Email != "an@example.vn" || an.Status != account.StatusACTIVE || an.IDKind != account.IDKindCCCD ||
			an.PasswordHash != "" || an.MustChangePassword || !an.CreatedAt.Equal(testNow) {
			t.Errorf("first account: %+v", an)
		}
		bich := get("079305000123")
		if bich.FullName != "Trần Thị Bích" || bich.Status != account.StatusNOT_ACTIVATED || bich.Origin != account.OriginVNPOST ||
			bich.DateOfBirth.Format(time.DateOnly) != "2005-07-01" {
			t.Errorf("second account: %+v", bich)
		}
		hoa := get("123456789")
		if hoa.FullName != "Lê Thị Hoa" || hoa.FullName == nfdName || hoa.IDKind != account.IDKindCMND ||
			hoa.Origin != account.OriginIMPORTED || hoa.Phone != "+84903111222" || hoa.NameFolded != vn.Fold("Lê Thị Hoa") {
			t.Errorf("third account (CMND, NFD name): %+v", hoa)
		}
		evs, err := db.Client.AuditEvent.Query().Where(auditevent.Action("accounts.import")).All(testkit.System())
		if err != nil || len(evs) != 1 || evs[0].Actor != "system" {
			t.Errorf("audit: %v %v", evs, err)
		}
	})
}

func TestImportHeaderInAnyOrderWithBOM(t *testing.T) {
	file := "\uFEFFOrigin, Status ,email,phone,date_of_birth,full_name,ID_NUMBER\n" +
		"SELF_REGISTERED,ACTIVE,,0912345678,1990-01-15,Nguyễn Văn An,001090000001\n"
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		rep, err := Import(context.Background(), db, strings.NewReader(file), false, clock)
		if err != nil || rep.Created != 1 {
			t.Fatalf("import: %v %+v", err, rep)
		}
	})
}

type at struct {
	line   int
	column string
}

func problemsAt(rep ImportReport) []at {
	var out []at
	for _, p := range rep.Problems {
		out = append(out, at{p.Line, p.Column})
	}
	return out
}

// badFile has one problem (or two) on every line but 2 and 15.
const badFile = header +
	"001090000001,Nguyễn Văn An,1990-01-15,0912345678,,ACTIVE,SELF_REGISTERED\n" + // 2 good
	"00109000000,Mười Một Số,1990-01-15,0912000003,,ACTIVE,SELF_REGISTERED\n" + // 3 11 digits
	"001190000004,Sai Năm Sinh,2001-01-01,0912000004,,ACTIVE,SELF_REGISTERED\n" + // 4 digits 4–6 vs birth date
	"001090000005,Đầu Số Cũ,1990-01-15,01623456789,,ACTIVE,SELF_REGISTERED\n" + // 5 old prefix
	"001090000006,Thư Sai,1990-01-15,0912000006,a@b,ACTIVE,SELF_REGISTERED\n" + // 6 e-mail
	"001090000007,Hai Lỗi,1990-01-15,0912000007,,ENABLED,PORTAL\n" + // 7 status and origin
	"001090000001,Trùng Số,1990-01-15,0912000008,,ACTIVE,SELF_REGISTERED\n" + // 8 ID repeats line 2
	"001090000009,Trùng Máy,1990-01-15,0912.345.678,,ACTIVE,SELF_REGISTERED\n" + // 9 phone repeats line 2
	"001090000099,Đã Có,1990-01-15,0912000010,,ACTIVE,SELF_REGISTERED\n" + // 10 ID stored already
	"111222333,Bí Danh,1970-01-15,0912000011,,ACTIVE,IMPORTED\n" + // 11 CMND stored as an alias
	"001090000012,Thiếu Cột,1990-01-15,0912000012,,ACTIVE\n" + // 12 six columns
	"001090000013,Ngày Sai,15/01/1990,0912000013,,ACTIVE,SELF_REGISTERED\n" + // 13 date format
	"001090000014,,1990-01-15,+84911111111,,ACTIVE,SELF_REGISTERED\n" + // 14 no name; phone stored already
	"001090000015,Bình Thường,1990-01-15,0912000015,,ACTIVE,SELF_REGISTERED\n" + // 15 good
	"001090000016,Nguyễn Văn 2,1990-01-15,0912000016,,ACTIVE,SELF_REGISTERED\n" // 16 digit in name

var badFileProblems = []at{
	{3, "id_number"}, {4, "id_number"}, {5, "phone"}, {6, "email"}, {7, "status"}, {7, "origin"},
	{8, "id_number"}, {9, "phone"}, {10, "id_number"}, {11, "id_number"}, {12, ""}, {13, "date_of_birth"},
	{14, "full_name"}, {14, "phone"}, {16, "full_name"},
}

func TestImportReportsEveryBadRowAndWritesNothing(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		existing(t, db)
		for _, dryRun := range []bool{true, false} {
			rep, err := Import(context.Background(), db, strings.NewReader(badFile), dryRun, clock)
			if !errors.Is(err, ErrRejected) {
				t.Fatalf("dry run %v: err %v", dryRun, err)
			}
			if got := problemsAt(rep); fmt.Sprint(got) != fmt.Sprint(badFileProblems) {
				t.Errorf("dry run %v: problems\n%v\nwant\n%v", dryRun, got, badFileProblems)
			}
			if rep.Rows != 15 || rep.Valid != 2 || rep.Created != 0 {
				t.Errorf("dry run %v: report %d rows, %d valid, %d created", dryRun, rep.Rows, rep.Valid, rep.Created)
			}
			if n := countAccounts(t, db); n != 1 {
				t.Errorf("dry run %v: %d accounts stored, want the 1 that was there", dryRun, n)
			}
		}
		rep, _ := Import(context.Background(), db, strings.NewReader(badFile), true, clock)
		for _, p := range rep.Problems {
			// Messages never repeat personal data from the row.
			for _, secret := range []string{"0912", "001090", "111222333", "Trùng", "+8491"} {
				if strings.Contains(p.VI, secret) || strings.Contains(p.EN, secret) {
					t.Errorf("line %d: message repeats %q: %s", p.Line, secret, p.VI)
				}
			}
			if p.VI == "" || p.EN == "" {
				t.Errorf("line %d: missing message", p.Line)
			}
		}
		if rep.Problems[6].EN != "The ID number repeats line 2 of the file." {
			t.Errorf("duplicate message: %s", rep.Problems[6].EN)
		}
		if evs := db.Client.AuditEvent.Query().CountX(testkit.System()); evs != 0 {
			t.Errorf("%d audit events after rejected imports", evs)
		}
	})
}

func TestImportBadHeader(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		for file, want := range map[string][]at{
			"":                            {{1, ""}},
			"id_number,full_name,phone\n": {{1, "date_of_birth"}, {1, "email"}, {1, "status"}, {1, "origin"}},
			strings.TrimSuffix(header, "\n") + ",nickname\n": {{1, ""}},
			strings.TrimSuffix(header, "\n") + ",phone\n":    {{1, "phone"}},
		} {
			rep, err := Import(context.Background(), db, strings.NewReader(file), false, clock)
			if !errors.Is(err, ErrRejected) || fmt.Sprint(problemsAt(rep)) != fmt.Sprint(want) {
				t.Errorf("header %q: %v %v", file, err, problemsAt(rep))
			}
		}
	})
}

func TestImportDryRunGoodFileWritesNothing(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		rep, err := Import(context.Background(), db, strings.NewReader(generated(1, 2500)), true, clock)
		if err != nil || rep.Rows != 2500 || rep.Valid != 2500 || rep.Created != 0 || !rep.DryRun {
			t.Fatalf("dry run: %v %+v", err, rep)
		}
		if n := countAccounts(t, db); n != 0 {
			t.Errorf("dry run wrote %d accounts", n)
		}
	})
}

// TestImportAllOrNothing: two full batches are written before the bad last
// row is read; the whole import is rolled back.
func TestImportAllOrNothing(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		file := generated(1, 2500) + "001090999999,Cuối Cùng,1990-01-01,0912999999,,ACTIVE,MARS\n"
		rep, err := Import(context.Background(), db, strings.NewReader(file), false, clock)
		if !errors.Is(err, ErrRejected) || rep.Created != 0 || fmt.Sprint(problemsAt(rep)) != fmt.Sprint([]at{{2502, "origin"}}) {
			t.Fatalf("import: %v %+v", err, problemsAt(rep))
		}
		if n := countAccounts(t, db); n != 0 {
			t.Fatalf("%d accounts left behind by a rejected import", n)
		}
		// The same rows without the bad one go in, across three batches.
		rep, err = Import(context.Background(), db, strings.NewReader(generated(1, 2500)), false, clock)
		if err != nil || rep.Created != 2500 || countAccounts(t, db) != 2500 {
			t.Fatalf("good import: %v %+v", err, rep)
		}
		// Importing them again finds every one a duplicate of a stored account.
		rep, err = Import(context.Background(), db, strings.NewReader(generated(1, 2500)), true, clock)
		if !errors.Is(err, ErrRejected) || len(rep.Problems) != 5000 {
			t.Errorf("re-import: %v, %d problems", err, len(rep.Problems))
		}
	})
}

// generated is a CSV file of n valid accounts numbered from first.
func generated(first, n int) string {
	var b strings.Builder
	b.WriteString(header)
	families := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	middles := []string{"Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang"}
	givens := []string{"An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Vy", "Ánh", "Yến"}
	for i := first; i < first+n; i++ {
		name := families[i%len(families)] + " " + middles[(i/7)%len(middles)] + " " + givens[(i/3)%len(givens)]
		fmt.Fprintf(&b, "001090%06d,%s,1990-01-01,091%07d,,ACTIVE,IMPORTED\n", i, name, i)
	}
	return b.String()
}
