package vn

import (
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/testkit"
)

func TestParseIDNumber(t *testing.T) {
	// Decree 137/2015/NĐ-CP art. 13, Circular 59/2021/TT-BCA: province code,
	// century/gender digit, two year digits, six digits.
	tests := []struct {
		in   string
		want IDNumber
	}{
		{"001203012345", IDNumber{Digits: "001203012345", Kind: CCCD, ProvinceCode: "001", Male: true, Century: 2000, YearTwoDigits: 3}},
		{"001 203 012 345", IDNumber{Digits: "001203012345", Kind: CCCD, ProvinceCode: "001", Male: true, Century: 2000, YearTwoDigits: 3}},
		{"001.203.012.345", IDNumber{Digits: "001203012345", Kind: CCCD, ProvinceCode: "001", Male: true, Century: 2000, YearTwoDigits: 3}},
		{" 001\u00a0203\t012.345 ", IDNumber{Digits: "001203012345", Kind: CCCD, ProvinceCode: "001", Male: true, Century: 2000, YearTwoDigits: 3}},
		// the century/gender digit, 0 to 9 (male/female)
		{"079090123456", IDNumber{Digits: "079090123456", Kind: CCCD, ProvinceCode: "079", Male: true, Century: 1900, YearTwoDigits: 90}},
		{"079190123456", IDNumber{Digits: "079190123456", Kind: CCCD, ProvinceCode: "079", Male: false, Century: 1900, YearTwoDigits: 90}},
		{"001305012345", IDNumber{Digits: "001305012345", Kind: CCCD, ProvinceCode: "001", Male: false, Century: 2000, YearTwoDigits: 5}},
		{"001210012345", IDNumber{Digits: "001210012345", Kind: CCCD, ProvinceCode: "001", Male: true, Century: 2000, YearTwoDigits: 10}},
		{"001310012345", IDNumber{Digits: "001310012345", Kind: CCCD, ProvinceCode: "001", Male: false, Century: 2000, YearTwoDigits: 10}},
		{"001010012345", IDNumber{Digits: "001010012345", Kind: CCCD, ProvinceCode: "001", Male: true, Century: 1900, YearTwoDigits: 10}},
		{"001200012345", IDNumber{Digits: "001200012345", Kind: CCCD, ProvinceCode: "001", Male: true, Century: 2000, YearTwoDigits: 0}},
		{"001300012345", IDNumber{Digits: "001300012345", Kind: CCCD, ProvinceCode: "001", Male: false, Century: 2000, YearTwoDigits: 0}},
		{"001400012345", IDNumber{Digits: "001400012345", Kind: CCCD, ProvinceCode: "001", Male: true, Century: 2100, YearTwoDigits: 0}},
		{"001500012345", IDNumber{Digits: "001500012345", Kind: CCCD, ProvinceCode: "001", Male: false, Century: 2100, YearTwoDigits: 0}},
		{"001600012345", IDNumber{Digits: "001600012345", Kind: CCCD, ProvinceCode: "001", Male: true, Century: 2200, YearTwoDigits: 0}},
		{"001700012345", IDNumber{Digits: "001700012345", Kind: CCCD, ProvinceCode: "001", Male: false, Century: 2200, YearTwoDigits: 0}},
		{"001899012345", IDNumber{Digits: "001899012345", Kind: CCCD, ProvinceCode: "001", Male: true, Century: 1800, YearTwoDigits: 99}},
		{"001999012345", IDNumber{Digits: "001999012345", Kind: CCCD, ProvinceCode: "001", Male: false, Century: 1800, YearTwoDigits: 99}},
		// CMND: 9 digits, no structure decoded
		{"012345678", IDNumber{Digits: "012345678", Kind: CMND}},
		{"012.345.678", IDNumber{Digits: "012345678", Kind: CMND}},
	}
	for _, tt := range tests {
		got, err := ParseIDNumber(tt.in)
		if err != nil {
			t.Errorf("ParseIDNumber(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseIDNumber(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseIDNumberRefused(t *testing.T) {
	tests := []struct {
		in   string
		want string // a part of the English message
	}{
		{"", "Enter"},
		{" . ", "Enter"},
		{"００１２０３０１２３４５", "full-width"},
		{"001２03012345", "full-width"},
		{"٠٠١٢٠٣٠١٢٣٤٥", "ordinary digits"}, // Arabic-Indic digits
		{"00120301234A", "no letters"},
		{"B12345678", "no letters"},
		{"CCCD001203012345", "no letters"},
		{"001-203-012-345", "no other character"},
		{"001,203,012,345", "no other character"},
		{"0012030123", "this one has 10"},
		{"00120301234", "this one has 11"},
		{"0012030123456", "this one has 13"},
		{"12345678", "this one has 8"},
		{"1", "this one has 1"},
	}
	for _, tt := range tests {
		_, err := ParseIDNumber(tt.in)
		if err == nil {
			t.Errorf("ParseIDNumber(%q) accepted", tt.in)
			continue
		}
		r := testkit.RefusedCleanly(t, err, "idNumber", tt.in)
		if !strings.Contains(r.EN, tt.want) {
			t.Errorf("ParseIDNumber(%q): message %q does not say %q", tt.in, r.EN, tt.want)
		}
	}
}

// TestCheckBirthDate is long because it is a table: one row per case, so
// that the cases read side by side and a missing one shows.
func TestCheckBirthDate(t *testing.T) {
	day := func(y int) time.Time { return time.Date(y, time.March, 15, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		id     string
		dob    time.Time
		digits string // "" when accepted, else the Extra "digits" of the refusal
		vi     string // a part of the Vietnamese message
	}{
		{"001203012345", day(2003), "", ""},
		{"001303012345", day(2003), "", ""}, // female, 2000s
		{"079090123456", day(1990), "", ""},
		{"079190123456", day(1990), "", ""},
		{"001400012345", day(2100), "", ""},
		{"001599012345", day(2199), "", ""},
		{"001600012345", day(2200), "", ""},
		{"001799012345", day(2299), "", ""},
		{"001899012345", day(1899), "", ""},
		{"001999012345", day(1899), "", ""},
		{"001090012345", day(1990), "", ""},
		{"001090012345", time.Date(1990, 12, 31, 23, 59, 0, 0, time.FixedZone("ICT", 7*3600)), "", ""},
		{"001203012345", day(1903), "4", "chữ số thứ 4 (thế kỷ/giới tính)"},
		{"001003012345", day(2003), "4", "chữ số thứ 4 (thế kỷ/giới tính)"},
		{"001899012345", day(1999), "4", "chữ số thứ 4 (thế kỷ/giới tính)"},
		{"001203012345", day(2004), "5-6", "chữ số thứ 5–6 (năm sinh)"},
		{"079090123456", day(1909), "5-6", "chữ số thứ 5–6 (năm sinh)"},
		{"001203012345", day(1930), "4-6", "chữ số thứ 4–6"},
		{"001203012345", day(1750), "4-6", "chữ số thứ 4–6"},
	}
	for _, tt := range tests {
		n, err := ParseIDNumber(tt.id)
		if err != nil {
			t.Fatalf("ParseIDNumber(%q): %v", tt.id, err)
		}
		err = n.CheckBirthDate(tt.dob)
		if tt.digits == "" {
			if err != nil {
				t.Errorf("%s born %d: %v", tt.id, tt.dob.Year(), err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s born %d: accepted", tt.id, tt.dob.Year())
			continue
		}
		r := testkit.RefusedCleanly(t, err, "idNumber", tt.id)
		if r.Extra["digits"] != tt.digits {
			t.Errorf("%s born %d: digits = %v, want %s", tt.id, tt.dob.Year(), r.Extra["digits"], tt.digits)
		}
		if !strings.Contains(strings.ToLower(r.VI), tt.vi) {
			t.Errorf("%s born %d: message %q does not say %q", tt.id, tt.dob.Year(), r.VI, tt.vi)
		}
	}

	cmnd, err := ParseIDNumber("012345678")
	if err != nil {
		t.Fatal(err)
	}
	if err := cmnd.CheckBirthDate(day(1975)); err != nil {
		t.Errorf("CMND has no birth digits, got %v", err)
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		id   string
		want []string
	}{
		{"001203012345", nil},
		{"096203012345", nil},
		{"079090123456", nil},
		{"003203012345", []string{WarningUnknownProvince}}, // gap in the list
		{"097203012345", []string{WarningUnknownProvince}},
		{"999203012345", []string{WarningUnknownProvince}},
		{"012345678", nil}, // CMND: no province code to check
	}
	for _, tt := range tests {
		n, err := ParseIDNumber(tt.id)
		if err != nil {
			t.Fatalf("ParseIDNumber(%q): %v (an unknown province must not be refused)", tt.id, err)
		}
		got := n.Warnings()
		var codes []string
		for _, w := range got {
			codes = append(codes, w.Code)
			if w.VI == "" || w.EN == "" || strings.Contains(w.VI, tt.id[:3]) {
				t.Errorf("%s: warning %+v", tt.id, w)
			}
		}
		if strings.Join(codes, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: warnings %v, want %v", tt.id, codes, tt.want)
		}
	}
}

func TestProvinceName(t *testing.T) {
	tests := []struct {
		code, want string
		ok         bool
	}{
		{"001", "Hà Nội", true},
		{"046", "Thừa Thiên Huế", true},
		{"077", "Bà Rịa–Vũng Tàu", true},
		{"079", "TP Hồ Chí Minh", true},
		{"096", "Cà Mau", true},
		{"003", "", false},
		{"1", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := ProvinceName(tt.code)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ProvinceName(%q) = %q, %v; want %q, %v", tt.code, got, ok, tt.want, tt.ok)
		}
	}
	// docs/RULES.md lists 63 codes, one per pre-2025 province, names unique.
	if len(birthProvinces) != 63 {
		t.Errorf("%d province codes, want 63", len(birthProvinces))
	}
	seen := map[string]string{}
	for code, name := range birthProvinces {
		if len(code) != 3 || !isASCIIDigits(code) {
			t.Errorf("bad code %q", code)
		}
		if other, dup := seen[name]; dup {
			t.Errorf("%s is both %s and %s", name, code, other)
		}
		seen[name] = code
	}
}

func TestRequireCCCD(t *testing.T) {
	cccd, _ := ParseIDNumber("001203012345")
	if err := RequireCCCD(cccd); err != nil {
		t.Errorf("CCCD refused: %v", err)
	}
	cmnd, _ := ParseIDNumber("012345678")
	err := RequireCCCD(cmnd)
	if err == nil {
		t.Fatal("CMND accepted for a new account")
	}
	r := testkit.RefusedCleanly(t, err, "idNumber", "012345678")
	for _, want := range []string{"12 chữ số", "26/2023/QH15", "Điều 46", "01/01/2025"} {
		if !strings.Contains(r.VI, want) {
			t.Errorf("message %q does not say %q", r.VI, want)
		}
	}
	if err := RequireCCCD(IDNumber{}); err == nil {
		t.Error("zero IDNumber accepted")
	}
}
