package seed

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/domain/units"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/password"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy/viewer"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var testNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func clock() time.Time { return testNow }

// fakeHash stands in for argon2id: the tests are about what is stored.
type fakeHash struct{ calls int }

func (f *fakeHash) hash(_ context.Context, pw string) (string, error) {
	f.calls++
	return "fake$" + pw, nil
}

func sys() context.Context { return viewer.System(context.Background()) }

func seedDemo(t *testing.T, db *store.DB, h *fakeHash) Demo {
	t.Helper()
	d, err := DemoData(t.Context(), db, units.New(db, clock), h.hash, clock)
	if err != nil {
		t.Fatalf("demo data: %v", err)
	}
	return d
}

type counts struct{ units, accounts, officers, audit int }

func countAll(t *testing.T, db *store.DB) counts {
	t.Helper()
	var c counts
	var err error
	ctx := sys()
	if c.units, err = db.Client.Unit.Query().Count(ctx); err != nil {
		t.Fatal(err)
	}
	if c.accounts, err = db.Client.Account.Query().Count(ctx); err != nil {
		t.Fatal(err)
	}
	if c.officers, err = db.Client.Officer.Query().Count(ctx); err != nil {
		t.Fatal(err)
	}
	if c.audit, err = db.Client.AuditEvent.Query().Count(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestDemoUnits checks the demo units: paths, codes, every province with
// its centre and Sở Tư pháp, the communes with desks, and the unit named
// without diacritics.
func TestDemoUnits(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		seedDemo(t, db, &fakeHash{})
		ctx := sys()
		all, err := db.Client.Unit.Query().All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byCode := make(map[string]*ent.Unit)
		byID := make(map[string]*ent.Unit)
		for _, u := range all {
			byCode[u.Code] = u
			byID[string(u.ID)] = u
		}
		if len(all) != len(demoUnitPlan()) {
			t.Errorf("%d units, plan has %d", len(all), len(demoUnitPlan()))
		}
		// Every path is the parent's path and the unit's id.
		for _, u := range all {
			want := "/" + string(u.ID) + "/"
			if u.ParentID != nil {
				want = byID[string(*u.ParentID)].Path + string(u.ID) + "/"
			}
			if u.Path != want {
				t.Errorf("%s: path %q, want %q", u.Code, u.Path, want)
			}
			if _, err := vn.NormalizeUnitCode(u.Code); err != nil {
				t.Errorf("%s: %v", u.Code, err)
			}
		}
		checkProvinces(t, byCode)
		if u := byCode[CodeLangSonCentre]; u.Name != "Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn" {
			t.Errorf("Lạng Sơn centre named %q", u.Name)
		}
		if u := byCode["000.00.00.H26"]; u.Name != "Thành phố Hà Nội" {
			t.Errorf("Hà Nội named %q", u.Name)
		}
		checkCommuneDesks(t, byCode)
		if u := byCode[CodeNoDiacritics]; u == nil || u.IsServiceDesk || u.Name != "Bo phan mot cua xa Thu Nghiem" {
			t.Errorf("unit without diacritics: %+v", u)
		}
	})
}

// checkProvinces checks that each of the 34 provinces (byCode: the units
// by code) has its unit, its Public Administration Service Centre (a
// service desk) and its Sở Tư pháp (not one).
func checkProvinces(t *testing.T, byCode map[string]*ent.Unit) {
	t.Helper()
	provinces := vn.CurrentProvinces()
	if len(provinces) != 34 {
		t.Fatalf("%d provinces", len(provinces))
	}
	for _, p := range provinces {
		nn := p.Code[len(p.Code)-3:]
		prov, centre, justice := byCode[p.Code], byCode["000.00.01."+nn], byCode["000.00.02."+nn]
		if prov == nil || centre == nil || justice == nil {
			t.Errorf("%s: province, centre or Sở Tư pháp missing", p.Name)
			continue
		}
		if prov.Kind != unit.KindPROVINCE || prov.Name != p.FullName() || prov.ParentID != nil {
			t.Errorf("province %+v", prov)
		}
		if !centre.IsServiceDesk || centre.Kind != unit.KindAGENCY || *centre.ParentID != prov.ID ||
			!strings.HasPrefix(centre.Name, "Trung tâm Phục vụ hành chính công ") || !strings.HasSuffix(centre.Name, p.Name) {
			t.Errorf("centre %+v", centre)
		}
		if justice.IsServiceDesk || !strings.HasPrefix(justice.Name, "Sở Tư pháp ") || *justice.ParentID != prov.ID {
			t.Errorf("Sở Tư pháp %+v", justice)
		}
	}
}

// checkCommuneDesks checks the communes with a one-stop desk of their own.
func checkCommuneDesks(t *testing.T, byCode map[string]*ent.Unit) {
	t.Helper()
	for _, c := range []struct{ commune, desk, communeName, deskName string }{
		{"000.00.50.H37", "000.01.50.H37", "Xã Hữu Lũng", "Bộ phận Một cửa UBND xã Hữu Lũng"},
		{"000.00.51.H37", "000.01.51.H37", "Phường Tam Thanh", "Bộ phận Một cửa UBND phường Tam Thanh"},
		{"000.00.50.H26", "000.01.50.H26", "Phường Ba Đình", "Bộ phận Một cửa UBND phường Ba Đình"},
		{"000.00.50.H29", "000.01.50.H29", "Phường Sài Gòn", "Bộ phận Một cửa UBND phường Sài Gòn"},
	} {
		cu, du := byCode[c.commune], byCode[c.desk]
		if cu == nil || du == nil {
			t.Errorf("%s or %s missing", c.commune, c.desk)
			continue
		}
		if cu.Name != c.communeName || cu.Kind != unit.KindCOMMUNE || cu.IsServiceDesk {
			t.Errorf("commune %+v", cu)
		}
		if du.Name != c.deskName || du.Kind != unit.KindAGENCY || !du.IsServiceDesk || *du.ParentID != cu.ID {
			t.Errorf("desk %+v", du)
		}
	}
}

// TestDemoAccounts checks the demo accounts: their fields, the people of
// each role, and the sign-ins the dev mode prints.
func TestDemoAccounts(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		h := &fakeHash{}
		d := seedDemo(t, db, h)
		ctx := sys()
		accs, err := db.Client.Account.Query().WithOfficer(func(q *ent.OfficerQuery) {
			q.WithUnit().WithAdminUnit()
		}).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(accs) != len(demoAccounts()) {
			t.Fatalf("%d accounts, want %d", len(accs), len(demoAccounts()))
		}
		byName := checkDemoAccountFields(t, accs, d)
		checkDemoRoles(t, byName)
		checkDemoSignIns(t, accs, d, h)
	})
}

// checkDemoAccountFields checks that every demo account has a valid CCCD
// for its birth date, a normalised phone that is not a special one, and a
// normalised, folded name; that the special phones are valid; and that
// the accounts cover every status and origin. It returns them by name.
func checkDemoAccountFields(t *testing.T, accs []*ent.Account, d Demo) map[string]*ent.Account {
	t.Helper()
	byName := make(map[string]*ent.Account)
	statuses := make(map[account.Status]bool)
	origins := make(map[account.Origin]bool)
	for _, a := range accs {
		byName[a.FullName] = a
		statuses[a.Status], origins[a.Origin] = true, true
		id, err := vn.ParseIDNumber(a.IDNumber)
		if err != nil || id.Kind != vn.CCCD || id.CheckBirthDate(a.DateOfBirth) != nil || len(id.Warnings()) > 0 {
			t.Errorf("%s: ID number not valid for the date of birth (%v)", a.FullName, err)
		}
		if p, err := vn.NormalizePhone(a.Phone); err != nil || p != a.Phone {
			t.Errorf("%s: phone %v", a.FullName, err)
		}
		if a.Phone == d.UndeliverablePhone || a.Phone == d.FailingPhone {
			t.Errorf("%s uses a special phone number", a.FullName)
		}
		if a.NameFolded != vn.Fold(a.FullName) || a.FullName != vn.NormalizeName(a.FullName) {
			t.Errorf("%s: folded %q", a.FullName, a.NameFolded)
		}
	}
	if len(statuses) != 3 || len(origins) != 4 {
		t.Errorf("statuses %v, origins %v", statuses, origins)
	}
	for _, p := range []string{d.UndeliverablePhone, d.FailingPhone} {
		if got, err := vn.NormalizePhone(p); err != nil || got != p {
			t.Errorf("special phone %s: %v", p, err)
		}
	}
	return byName
}

// checkDemoRoles checks the demo's named people (byName): the super admin,
// Lạng Sơn's admin, the registrar, the Sở Tư pháp and VNPost officers, and
// the citizens of each kind.
func checkDemoRoles(t *testing.T, byName map[string]*ent.Account) {
	t.Helper()
	officerOf := func(name string) *ent.Officer {
		a := byName[name]
		if a == nil || a.Edges.Officer == nil {
			t.Fatalf("%s: no officer record", name)
		}
		return a.Edges.Officer
	}
	if o := officerOf("Trần Quốc Bảo"); !o.SuperAdmin || o.UnitID != nil || o.CanCreateCitizenAccounts {
		t.Errorf("super admin %+v", o)
	}
	if o := officerOf("Hoàng Thị Thu Hà"); o.Edges.AdminUnit == nil || o.Edges.AdminUnit.Code != CodeLangSon || o.SuperAdmin {
		t.Errorf("level-1 admin of Lạng Sơn %+v", o)
	}
	if o := officerOf("Nông Văn Thắng"); o.Edges.Unit == nil || o.Edges.Unit.Code != CodeLangSonCentre ||
		!o.CanCreateCitizenAccounts || o.UnitPath != o.Edges.Unit.Path || !o.Edges.Unit.IsServiceDesk {
		t.Errorf("registrar %+v", o)
	}
	if o := officerOf("Lương Thị Mai"); o.Edges.Unit == nil || o.Edges.Unit.Code != CodeLangSonJustice ||
		o.CanCreateCitizenAccounts || o.UnitPath != o.Edges.Unit.Path {
		t.Errorf("Sở Tư pháp officer %+v", o)
	}
	lan := byName["Vũ Thị Lan"]
	if o := officerOf("Vũ Thị Lan"); lan.Origin != account.OriginVNPOST || o.Edges.Unit.Code != CodeLangSonCentre || o.CanCreateCitizenAccounts {
		t.Errorf("VNPost officer %+v / %+v", lan, o)
	}
	anh := byName["Đặng Thị Ánh"]
	if anh == nil || anh.Edges.Officer != nil || anh.NameFolded != "dang thi anh" || anh.Status != account.StatusACTIVE {
		t.Errorf("Đặng Thị Ánh %+v", anh)
	}
	registrar := officerOf("Nông Văn Thắng")
	for _, name := range []string{"Phạm Thị Hương", "Lê Minh Khôi"} {
		a := byName[name]
		if a.Origin != account.OriginONE_STOP_DESK || a.CreatedByOfficerID == nil || *a.CreatedByOfficerID != registrar.ID ||
			a.CreatedAtUnitID == nil || *a.CreatedAtUnitID != registrar.Edges.Unit.ID {
			t.Errorf("%s: desk-created %+v", name, a)
		}
	}
	khoi := byName["Lê Minh Khôi"]
	if khoi.Status != account.StatusACTIVE || !khoi.MustChangePassword ||
		khoi.InitialPasswordExpiresAt == nil || !khoi.InitialPasswordExpiresAt.Equal(testNow.Add(72*time.Hour)) {
		t.Errorf("desk-created, initial password unused: %+v", khoi)
	}
	if tai := byName["Trương Văn Tài"]; tai == nil || tai.Status != account.StatusNOT_ACTIVATED {
		t.Errorf("no NOT_ACTIVATED demo account: %+v", tai)
	}
	if a := byName["Bùi Thị Ngọc"]; a.Origin != account.OriginIMPORTED || a.PasswordHash != "" {
		t.Errorf("imported account has a password or another origin")
	}
}

// checkDemoSignIns checks that every demo sign-in's password is the one
// hashed (by h) for its account, and that it meets the password rules.
func checkDemoSignIns(t *testing.T, accs []*ent.Account, d Demo, h *fakeHash) {
	t.Helper()
	if len(d.SignIns) != 11 {
		t.Errorf("%d sign-ins", len(d.SignIns))
	}
	byID := make(map[string]*ent.Account)
	for _, a := range accs {
		byID[a.IDNumber] = a
	}
	seen := make(map[string]bool)
	for _, s := range d.SignIns {
		a := byID[s.Login]
		if a == nil {
			t.Errorf("sign-in %q: no account", s.Role)
			continue
		}
		if a.PasswordHash != "fake$"+s.Password {
			t.Errorf("sign-in %q: stored hash is not of its password", s.Role)
		}
		if s.Role == "" || s.Note == "" || seen[s.Password] {
			t.Errorf("sign-in %+v: empty role or note, or password used twice", s)
		}
		seen[s.Password] = true
		err := password.Check(s.Password, password.Facts{
			IDNumber: a.IDNumber, Phone: a.Phone, FullName: a.FullName, DateOfBirth: a.DateOfBirth,
		})
		if err != nil {
			t.Errorf("sign-in %q: password refused: %v", s.Role, err)
		}
	}
	if h.calls != len(d.SignIns) {
		t.Errorf("%d hashes for %d passwords", h.calls, len(d.SignIns))
	}
}

func TestDemoDataIsIdempotent(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		h := &fakeHash{}
		first := seedDemo(t, db, h)
		before := countAll(t, db)
		calls := h.calls
		second := seedDemo(t, db, h)
		if !reflect.DeepEqual(first, second) {
			t.Errorf("second call returned another Demo")
		}
		if after := countAll(t, db); after != before {
			t.Errorf("second call wrote: %+v → %+v", before, after)
		}
		if h.calls != calls {
			t.Errorf("second call hashed %d passwords", h.calls-calls)
		}
	})
}

// Units that exist already (Generate made them, or an import) are reused.
func TestDemoDataReusesUnits(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		if _, err := Generate(t.Context(), db, GenerateOptions{Accounts: 10, Officers: 2, Seed: 1}, nil); err != nil {
			t.Fatal(err)
		}
		units := countAll(t, db).units
		seedDemo(t, db, &fakeHash{})
		if after := countAll(t, db).units; after != units {
			t.Errorf("units %d → %d", units, after)
		}
	})
}

// A failure half-way leaves nothing behind: units and accounts are one transaction.
func TestDemoDataIsAllOrNothing(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		// Someone already holds the ID number of a demo account (not the marker).
		err := db.Client.Account.Create().SetIDNumber("034196900005").SetFullName("Người Khác").
			SetNameFolded("nguoi khac").SetDateOfBirth(date(1996, 7, 8)).SetPhone("+84912345678").
			SetOrigin(account.OriginSELF_REGISTERED).Exec(sys())
		if err != nil {
			t.Fatal(err)
		}
		before := countAll(t, db)
		if _, err := DemoData(t.Context(), db, units.New(db, clock), (&fakeHash{}).hash, clock); err == nil {
			t.Fatal("demo data over a taken ID number succeeded")
		}
		if after := countAll(t, db); after != before {
			t.Errorf("a failed run wrote: %+v → %+v", before, after)
		}
		failing := func(context.Context, string) (string, error) { return "", context.DeadlineExceeded }
		if _, err := DemoData(t.Context(), db, units.New(db, clock), failing, clock); err == nil {
			t.Fatal("demo data with a failing hash succeeded")
		}
		if after := countAll(t, db); after != before {
			t.Errorf("a failed run wrote: %+v → %+v", before, after)
		}
	})
}
