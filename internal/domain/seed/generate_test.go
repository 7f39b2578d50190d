package seed

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

// TestGenerate generates accounts and officers over the demo data and
// checks the counts, the progress reports, each account, and the mix of
// statuses, origins and names.
func TestGenerate(t *testing.T) {
	const accounts, officers = 2000, 40
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		demo := seedDemo(t, db, &fakeHash{})
		generateChecked(t, db, accounts, officers)

		all, err := db.Client.Account.Query().WithOfficer(func(q *ent.OfficerQuery) { q.WithUnit() }).All(sys())
		if err != nil {
			t.Fatal(err)
		}
		demoIDs := make(map[string]bool)
		for _, d := range demoAccounts() {
			demoIDs[d.idNumber] = true
		}
		phones := make(map[string]bool)
		statuses := make(map[account.Status]int)
		origins := make(map[account.Origin]int)
		nguyen, twoMiddle := 0, 0
		for _, a := range all {
			if phones[a.Phone] {
				t.Errorf("phone used twice")
			}
			phones[a.Phone] = true
			if a.Phone == demo.UndeliverablePhone || a.Phone == demo.FailingPhone {
				t.Errorf("a generated account uses a special phone number")
			}
			checkGenerated(t, a)
			words := strings.Fields(a.FullName)
			if words[0] == "Nguyễn" {
				nguyen++
			}
			if len(words) == 4 {
				twoMiddle++
			}
			statuses[a.Status]++
			origins[a.Origin]++
			if o := a.Edges.Officer; o != nil && !demoIDs[a.IDNumber] {
				if !o.Edges.Unit.IsServiceDesk || o.UnitPath != o.Edges.Unit.Path {
					t.Errorf("officer at %q, unit_path %q", o.Edges.Unit.Name, o.UnitPath)
				}
			}
		}
		if len(statuses) != 3 || len(origins) != 4 {
			t.Errorf("statuses %v, origins %v", statuses, origins)
		}
		// Nguyễn is about 38% of the population; two thousand draws land
		// well within 33–43% (the seed is fixed, so this cannot flake).
		if share := float64(nguyen) / float64(len(all)); share < 0.33 || share > 0.43 {
			t.Errorf("Nguyễn share %.2f", share)
		}
		if twoMiddle == 0 {
			t.Error("no name with two middle names")
		}
		t.Logf("statuses %v origins %v; Nguyễn %d of %d", statuses, origins, nguyen, len(all))
	})
}

// generateChecked generates accounts and officers in batches of 300 and
// checks the stats, the progress reports and the counts it leaves.
func generateChecked(t *testing.T, db *store.DB, accounts, officers int) {
	t.Helper()
	before := countAll(t, db)
	var progress []int
	stats, err := Generate(t.Context(), db, GenerateOptions{Accounts: accounts, Officers: officers, Seed: 42, BatchSize: 300},
		func(done int) { progress = append(progress, done) })
	if err != nil {
		t.Fatal(err)
	}
	if stats.Accounts != accounts || stats.Officers != officers || stats.Units != 0 {
		t.Errorf("stats %+v", stats)
	}
	if !slices.IsSorted(progress) || progress[len(progress)-1] != accounts+officers || len(progress) != 1+7 {
		t.Errorf("progress %v", progress)
	}
	after := countAll(t, db)
	if after.accounts != before.accounts+accounts+officers || after.officers != before.officers+officers {
		t.Errorf("counts %+v → %+v", before, after)
	}
}

// checkGenerated checks one generated account: a CCCD that agrees with the
// birth date, a normalised phone, a normalised name of 3 to 5 words folded
// right, and the rules that tie status, origin and initial password.
func checkGenerated(t *testing.T, a *ent.Account) {
	t.Helper()
	id, err := vn.ParseIDNumber(a.IDNumber)
	if err != nil || id.Kind != vn.CCCD || len(id.Warnings()) > 0 {
		t.Fatalf("%s: ID number %v", a.FullName, err)
	}
	if err := id.CheckBirthDate(a.DateOfBirth); err != nil {
		t.Fatalf("%s: %v", a.FullName, err)
	}
	if p, err := vn.NormalizePhone(a.Phone); err != nil || p != a.Phone {
		t.Fatalf("%s: phone %v", a.FullName, err)
	}
	if a.NameFolded != vn.Fold(a.FullName) || !norm.NFC.IsNormalString(a.FullName) || a.FullName != vn.NormalizeName(a.FullName) {
		t.Fatalf("%q: folded %q", a.FullName, a.NameFolded)
	}
	words := strings.Fields(a.FullName)
	if len(words) < 3 || len(words) > 5 {
		t.Errorf("name %q", a.FullName)
	}
	if a.Origin == account.OriginONE_STOP_DESK && (a.CreatedByOfficerID == nil || a.CreatedAtUnitID == nil) {
		t.Errorf("desk-created account without its officer and unit")
	}
	if a.Status == account.StatusNOT_ACTIVATED && a.Origin != account.OriginSELF_REGISTERED {
		t.Errorf("not-activated account of origin %s: only self-registered accounts await activation", a.Origin)
	}
	if a.InitialPasswordExpiresAt != nil && (a.Origin != account.OriginONE_STOP_DESK || !a.MustChangePassword) {
		t.Errorf("initial password on a %s account, must change %v", a.Origin, a.MustChangePassword)
	}
}

// The same seed on the same database state gives the same people.
func TestGenerateIsDeterministic(t *testing.T) {
	people := func() []string {
		db := testenv.SQLite(t)
		if _, err := Generate(t.Context(), db, GenerateOptions{Accounts: 300, Officers: 5, Seed: 7}, nil); err != nil {
			t.Fatal(err)
		}
		all, err := db.Client.Account.Query().All(sys())
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range all {
			out = append(out, strings.Join([]string{a.IDNumber, a.FullName, a.Phone, a.DateOfBirth.Format("2006-01-02"),
				string(a.Status), string(a.Origin), a.Email}, "|"))
		}
		slices.Sort(out)
		return out
	}
	a, b := people(), people()
	if !slices.Equal(a, b) {
		t.Error("two runs with the same seed differ")
	}
}

// Running Generate again adds new, still unique people.
func TestGenerateTwice(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		for range 2 {
			if _, err := Generate(t.Context(), db, GenerateOptions{Accounts: 500, Seed: 3}, nil); err != nil {
				t.Fatal(err)
			}
		}
		all, err := db.Client.Account.Query().All(sys())
		if err != nil {
			t.Fatal(err)
		}
		phones := make(map[string]bool)
		for _, a := range all {
			phones[a.Phone] = true
		}
		if len(all) != 1000 || len(phones) != 1000 {
			t.Errorf("%d accounts, %d phones", len(all), len(phones))
		}
	})
}

func TestPhoneNumbersAreMobileAndUnique(t *testing.T) {
	seen := make(map[string]bool)
	for n := range 50_000 {
		p := phoneNumber(n * 37)
		if seen[p] {
			t.Fatalf("phone %d repeats", n)
		}
		seen[p] = true
		if n%97 == 0 {
			if got, err := vn.NormalizePhone(p); err != nil || got != p {
				t.Fatalf("%s: %v", p, err)
			}
		}
	}
	for _, prefix := range generatedPrefixes {
		if _, err := vn.NormalizePhone("+84" + prefix + "1234567"); err != nil {
			t.Errorf("prefix %s: %v", prefix, err)
		}
		if prefix == "90" || prefix == "91" || prefix == "93" || prefix == "98" {
			t.Errorf("prefix %s is reserved for the demo", prefix)
		}
	}
}

// TestGeneratedIdentitiesPastOneBlock: past 900,000 accounts (where the
// generator used to stop) ID numbers and phones stay unique and valid. The
// accounts n and n+900,000·k share a six-digit tail, so they are drawn here
// side by side for many k.
func TestGeneratedIdentitiesPastOneBlock(t *testing.T) {
	g := newGenerator(1, 0, testNow)
	ids, phones := map[string]int{}, map[string]int{}
	provinces := len(birthProvinceCodes())
	for _, tail := range []int{0, 1, 2, 77_777, 899_999} {
		for k := range provinces {
			n := tail + k*tailsPerProvince
			g.counter = n
			p := g.person()
			if m, ok := ids[p.idNumber]; ok {
				t.Fatalf("accounts %d and %d share the ID number", m, n)
			}
			ids[p.idNumber] = n
			if m, ok := phones[p.phone]; ok {
				t.Fatalf("accounts %d and %d share the phone", m, n)
			}
			phones[p.phone] = n
			id, err := vn.ParseIDNumber(p.idNumber)
			if err == nil {
				err = id.CheckBirthDate(p.born)
			}
			if err != nil || len(id.Warnings()) > 0 {
				t.Fatalf("account %d: %s: %v %v", n, p.idNumber, err, id.Warnings())
			}
		}
	}
	if MaxGenerated < 10_000_000 {
		t.Errorf("MaxGenerated %d: below a national database", MaxGenerated)
	}
}
