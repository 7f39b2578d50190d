package registrations

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
)

// TestValidate: every rule on the entered data (docs/RULES.md), each refusal on
// its field. The clock is t0: 2 Jun 2025, 09:00 in Vietnam.
// Long because it is a table: one row per case, so that the cases read side
// by side and a missing one shows.
func TestValidate(t *testing.T) {
	ok := StartInput{
		IDNumber: "001090123456", FullName: "Nguyễn Văn An", DateOfBirth: dob1990,
		Phone: "0912 345 678", Email: "an.nguyen@example.vn",
	}
	with := func(change func(in *StartInput)) StartInput {
		in := ok
		change(&in)
		return in
	}
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name  string
		in    StartInput
		field string // "" when accepted
		extra map[string]any
	}{
		{name: "valid", in: ok},
		{name: "id with spaces", in: with(func(in *StartInput) { in.IDNumber = "001 090 123 456" })},
		{name: "id with dots", in: with(func(in *StartInput) { in.IDNumber = "001.090.123.456" })},
		{name: "unknown province code is only a warning", in: with(func(in *StartInput) { in.IDNumber = "999090123456" })},
		{name: "id empty", in: with(func(in *StartInput) { in.IDNumber = "" }), field: "idNumber"},
		{name: "id with a letter", in: with(func(in *StartInput) { in.IDNumber = "00109012345A" }), field: "idNumber"},
		{name: "id full-width digits", in: with(func(in *StartInput) { in.IDNumber = "００１０９０１２３４５６" }), field: "idNumber"},
		{name: "id of 10 digits", in: with(func(in *StartInput) { in.IDNumber = "0010901234" }), field: "idNumber"},
		{name: "id of 11 digits", in: with(func(in *StartInput) { in.IDNumber = "00109012345" }), field: "idNumber"},
		{name: "9-digit CMND cannot open an account", in: with(func(in *StartInput) { in.IDNumber = "012345678" }), field: "idNumber"},
		{name: "digit 4 disagrees with the birth year", in: with(func(in *StartInput) { in.IDNumber = "001290123456" }),
			field: "idNumber", extra: map[string]any{"digits": "4"}},
		{name: "digits 5-6 disagree with the birth year", in: with(func(in *StartInput) { in.IDNumber = "001091123456" }),
			field: "idNumber", extra: map[string]any{"digits": "5-6"}},
		{name: "digits 4-6 disagree", in: with(func(in *StartInput) { in.IDNumber = "001291123456" }),
			field: "idNumber", extra: map[string]any{"digits": "4-6"}},

		{name: "name empty", in: with(func(in *StartInput) { in.FullName = "  " }), field: "fullName"},
		{name: "name of one letter", in: with(func(in *StartInput) { in.FullName = "A" }), field: "fullName"},
		{name: "name of 2 letters", in: with(func(in *StartInput) { in.FullName = "Ly" })},
		{name: "name of 100 letters", in: with(func(in *StartInput) { in.FullName = strings.Repeat("a", 100) })},
		{name: "name of 101 letters", in: with(func(in *StartInput) { in.FullName = strings.Repeat("a", 101) }), field: "fullName"},
		{name: "name over 100 bytes in UTF-8", in: with(func(in *StartInput) { in.FullName = strings.Repeat("Nguyễn ", 14) + "An" }),
			field: "fullName", extra: map[string]any{"maxBytes": MaxNameBytes}},
		{name: "name with a digit", in: with(func(in *StartInput) { in.FullName = "Nguyễn Văn 2" }), field: "fullName"},
		{name: "name with a symbol", in: with(func(in *StartInput) { in.FullName = "Nguyễn Văn An!" }), field: "fullName"},
		{name: "name starting with a hyphen", in: with(func(in *StartInput) { in.FullName = "-An Bình" }), field: "fullName"},
		{name: "name ending with an apostrophe", in: with(func(in *StartInput) { in.FullName = "An Bình'" }), field: "fullName"},
		{name: "separators side by side", in: with(func(in *StartInput) { in.FullName = "An -Bình" }), field: "fullName"},
		{name: "apostrophe and hyphen between letters", in: with(func(in *StartInput) { in.FullName = "H'Hen Niê Ksor-Y" })},
		{name: "typographic apostrophe", in: with(func(in *StartInput) { in.FullName = "K’Bang" })},

		{name: "no date of birth", in: with(func(in *StartInput) { in.DateOfBirth = time.Time{} }), field: "dateOfBirth"},
		{name: "born tomorrow", in: with(func(in *StartInput) { in.DateOfBirth = date(2025, 6, 3) }), field: "dateOfBirth"},
		{name: "born today", in: with(func(in *StartInput) { in.DateOfBirth = date(2025, 6, 2) }), field: "dateOfBirth",
			extra: map[string]any{"minAge": MinAge}},
		{name: "6 today", in: with(func(in *StartInput) { in.IDNumber = "001219123456"; in.DateOfBirth = date(2019, 6, 2) })},
		{name: "6 tomorrow", in: with(func(in *StartInput) { in.IDNumber = "001219123456"; in.DateOfBirth = date(2019, 6, 3) }),
			field: "dateOfBirth", extra: map[string]any{"minAge": MinAge}},
		{name: "120 years old", in: with(func(in *StartInput) { in.IDNumber = "001005123456"; in.DateOfBirth = date(1905, 6, 2) })},
		{name: "121 years old", in: with(func(in *StartInput) { in.IDNumber = "001004123456"; in.DateOfBirth = date(1904, 6, 2) }),
			field: "dateOfBirth"},

		{name: "phone empty", in: with(func(in *StartInput) { in.Phone = "" }), field: "phone"},
		{name: "phone +84", in: with(func(in *StartInput) { in.Phone = "+84912345678" })},
		{name: "phone with an old 11-digit prefix", in: with(func(in *StartInput) { in.Phone = "0162 345 6789" }),
			field: "phone", extra: map[string]any{"oldPrefix": "0162", "newPrefix": "032"}},
		{name: "landline", in: with(func(in *StartInput) { in.Phone = "024 3825 1234" }), field: "phone"},
		{name: "phone with letters", in: with(func(in *StartInput) { in.Phone = "09123 ABC 78" }), field: "phone"},

		{name: "no email", in: with(func(in *StartInput) { in.Email = "" })},
		{name: "email with spaces around", in: with(func(in *StartInput) { in.Email = " an@example.vn " })},
		{name: "email without a dot in the domain", in: with(func(in *StartInput) { in.Email = "an@localhost" }), field: "email"},
		{name: "email with a display name", in: with(func(in *StartInput) { in.Email = "An <an@example.vn>" }), field: "email"},
		{name: "email without @", in: with(func(in *StartInput) { in.Email = "an.example.vn" }), field: "email"},
		{name: "email ending with a dot", in: with(func(in *StartInput) { in.Email = "an@example.vn." }), field: "email"},
		{name: "email of 254 octets", in: with(func(in *StartInput) { in.Email = strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com" })},
		{name: "email of 255 octets", in: with(func(in *StartInput) { in.Email = strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".com" }), field: "email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := validate(tt.in, t0)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			r := testkit.RefusedOn(t, err, refusal.Validation, tt.field)
			if r.VI == "" || r.EN == "" {
				t.Errorf("message missing in one language: %+v", r)
			}
			for k, want := range tt.extra {
				if r.Extra[k] != want {
					t.Errorf("extension %s = %v, want %v", k, r.Extra[k], want)
				}
			}
		})
	}
}

func TestValidateNormalises(t *testing.T) {
	in := StartInput{
		IDNumber: "001.090.123.456", FullName: "  Nguye\u0302\u0303n \t Văn   An ", DateOfBirth: time.Date(1990, 5, 17, 23, 30, 0, 0, time.FixedZone("X", -5*3600)),
		Phone: "0084 912.345.678", Email: " an@example.vn ",
	}
	e, err := validate(in, t0)
	if err != nil {
		t.Fatal(err)
	}
	if e.id.Digits != "001090123456" || e.name != "Nguyễn Văn An" || e.phone != "+84912345678" || e.email != "an@example.vn" {
		t.Errorf("normalised to %+v", e)
	}
	if !utf8.ValidString(e.name) || e.name != "Nguy\u1ec5n V\u0103n An" {
		t.Errorf("name not NFC: %q", e.name)
	}
	if !e.dob.Equal(dob1990) {
		t.Errorf("date of birth %v: only the calendar date counts", e.dob)
	}
}

// "Today" is the date in Vietnam: at 01:00 on 2 Jun in Hà Nội it is still
// 1 Jun in UTC, and a child born on 2 Jun 2019 is 6.
func TestBirthDateUsesVietnamDate(t *testing.T) {
	now := time.Date(2025, 6, 1, 18, 0, 0, 0, time.UTC)
	if _, err := validBirthDate(time.Date(2019, 6, 2, 0, 0, 0, 0, time.UTC), now); err != nil {
		t.Fatalf("refused on the 6th birthday in Vietnam: %v", err)
	}
	if _, err := validBirthDate(time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC), now.Add(-2*time.Hour)); err == nil ||
		!strings.Contains(err.(*refusal.Error).EN, "after today") {
		t.Fatalf("2 Jun at 23:00 on 1 Jun in Vietnam: want 'after today', got %v", err)
	}
}
