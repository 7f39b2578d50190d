package vn

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/testkit"
)

// The fuzz targets of the parsers that take what citizens and officers type
// (`make fuzz`; `make test` runs each briefly). Seeds are in f.Add and in
// testdata/fuzz/<target>/.

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func FuzzParseIDNumber(f *testing.F) {
	for _, s := range []string{"001203012345", "001 203 012 345", "001.203.012.345", "012345678", "０01203012345",
		"00120301234", "0012030123456", "abc", "", " \u00a0\t", "٠٠١٢٠٣٠١٢٣٤٥", "999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseIDNumber(s)
		if err != nil {
			testkit.RefusedCleanly(t, err, "idNumber", s)
			return
		}
		switch id.Kind {
		case CCCD:
			if len(id.Digits) != 12 || id.ProvinceCode != id.Digits[:3] {
				t.Fatalf("%+q: CCCD %+v", s, id)
			}
		case CMND:
			if len(id.Digits) != 9 {
				t.Fatalf("%+q: CMND %+v", s, id)
			}
		default:
			t.Fatalf("%+q: kind %v", s, id.Kind)
		}
		if onlyDigits(id.Digits) != id.Digits {
			t.Fatalf("%+q: digits %q", s, id.Digits)
		}
		if again, err := ParseIDNumber(id.Digits); err != nil || again != id {
			t.Fatalf("%+q: parsing the digits %q again gives %+v, %v", s, id.Digits, again, err)
		}
		if m := MaskIDNumber(id.Digits); strings.Contains(m, id.Digits) {
			t.Fatalf("mask %q shows the whole number", m)
		}
	})
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"0912 345 678", "+84912345678", "0084912345678", "(091) 234 5678", "０９１２３４５６７８",
		"0241234567", "+1 202 555 0100", "091234567", "09123456789", "", "++84912345678", "0912-345-678x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e164, err := NormalizePhone(s)
		if err != nil {
			testkit.RefusedCleanly(t, err, "phone", s)
			return
		}
		if len(e164) != 12 || !strings.HasPrefix(e164, "+84") || onlyDigits(e164[1:]) != e164[1:] {
			t.Fatalf("%+q → %q is not +84 and nine digits", s, e164)
		}
		if again, err := NormalizePhone(e164); err != nil || again != e164 {
			t.Fatalf("%+q → %q → %q, %v: not idempotent", s, e164, again, err)
		}
		if m := MaskPhone(e164); strings.Contains(onlyDigits(m), e164[3:]) {
			t.Fatalf("mask %q shows the whole number", m)
		}
	})
}

func FuzzValidTaxCode(f *testing.F) {
	for _, s := range []string{"0100233488", "0314409058-002", "0314409058002", " 0314409058 - 002 ", "0100233480",
		"0314409058-000", "031440905", "０１００２３３４８８", "", "-", "0000000120"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		norm, ok := ValidTaxCode(s)
		if !ok {
			if norm != "" {
				t.Fatalf("%+q refused but normalised to %q", s, norm)
			}
			return
		}
		// 10 digits, 10-3 for a branch, or 12 (an individual's ID number).
		if len(norm) != 10 && len(norm) != 12 && (len(norm) != 14 || norm[10] != '-') {
			t.Fatalf("%+q → %q: not 10 or 12 digits or 10-3", s, norm)
		}
		if again, ok := ValidTaxCode(norm); !ok || again != norm {
			t.Fatalf("%+q → %q → %q, %v: not idempotent", s, norm, again, ok)
		}
		if !utf8.ValidString(norm) {
			t.Fatalf("%+q → %q", s, norm)
		}
	})
}

func FuzzNormalizeLogin(f *testing.F) {
	for _, s := range []string{"001203012345", "0912345678", "+84912345678", "0100233488", "admin", "", "001 203 012 345"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kind, value, ok := NormalizeLogin(s)
		if !ok {
			return
		}
		if kind == "" || value == "" {
			t.Fatalf("%+q → %q %q", s, kind, value)
		}
		if k2, v2, ok2 := NormalizeLogin(value); !ok2 || k2 != kind || v2 != value {
			t.Fatalf("%+q → %s %q → %s %q %v: not idempotent", s, kind, value, k2, v2, ok2)
		}
	})
}
