package vn

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/testkit"
)

func TestNormalizePhone(t *testing.T) {
	// docs/RULES.md "Phone numbers": every accepted spelling, stored as E.164.
	tests := []struct{ in, want string }{
		{"0912 345 678", "+84912345678"},
		{"0912.345.678", "+84912345678"},
		{"84912345678", "+84912345678"},
		{"+84912345678", "+84912345678"},
		{"0084912345678", "+84912345678"},
		{"0912345678", "+84912345678"},
		{" 0912-345-678 ", "+84912345678"},
		{"(091) 234 5678", "+84912345678"},
		{"+84 912 345 678", "+84912345678"},
		{"０９１２３４５６７８", "+84912345678"}, // full-width digits from an IME
		// the new prefixes of the 2018 conversion are mobile numbers
		{"0321234567", "+84321234567"},
		{"0391234567", "+84391234567"},
		{"0701234567", "+84701234567"},
		{"0791234567", "+84791234567"},
		{"0811234567", "+84811234567"},
		{"0851234567", "+84851234567"},
		{"0561234567", "+84561234567"},
		{"0581234567", "+84581234567"},
		{"0591234567", "+84591234567"},
		{"0861234567", "+84861234567"},
		{"0981234567", "+84981234567"},
		{"0888123456", "+84888123456"},
	}
	for _, tt := range tests {
		got, err := NormalizePhone(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestNormalizePhoneRefused(t *testing.T) {
	tests := []struct {
		in   string
		want string // a part of the English message
	}{
		{"", "Enter"},
		{"   ", "Enter"},
		{"02438251234", "landline"},   // Hà Nội
		{"+842838291234", "landline"}, // TP Hồ Chí Minh
		{"0204 3851 234", "landline"}, // Bắc Giang
		{"1800123456", "not a mobile"},
		{"0912345678 ext 12", "only digits"},
		{"0912 345 67a", "only digits"},
		{"0912+345678", "only digits"},
		{"0912/345/678", "only digits"},
		{"+1 650 253 0000", "Only Vietnamese"},
		{"+33 6 12 34 56 78", "Only Vietnamese"},
		{"091234567", "not valid"},
		{"09123456789", "not valid"},
		{"0992123456", "not valid"},
		{"0521234567", "not valid"},
		{"+", "not valid"},
	}
	for _, tt := range tests {
		got, err := NormalizePhone(tt.in)
		if err == nil {
			t.Errorf("NormalizePhone(%q) = %q, want refusal", tt.in, got)
			continue
		}
		r := testkit.RefusedCleanly(t, err, "phone", tt.in)
		if !strings.Contains(r.EN, tt.want) {
			t.Errorf("NormalizePhone(%q): message %q does not say %q", tt.in, r.EN, tt.want)
		}
	}
}

func TestNormalizePhoneOldPrefix(t *testing.T) {
	// docs/RULES.md: the whole 2018–2019 conversion table.
	table := map[string]string{
		"0162": "032", "0163": "033", "0164": "034", "0165": "035",
		"0166": "036", "0167": "037", "0168": "038", "0169": "039",
		"0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
		"0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
		"0186": "056", "0188": "058",
		"0199": "059",
	}
	if len(table) != 21 {
		t.Fatalf("table has %d rows", len(table))
	}
	for old, newPrefix := range table {
		rest := "2345678"
		for _, in := range []string{
			old + rest,
			old + " " + rest[:3] + " " + rest[3:],
			old[:4] + "." + rest[:3] + "." + rest[3:],
			"84" + old[1:] + rest,
			"+84" + old[1:] + rest,
			"+84 " + old[1:] + " " + rest,
			"0084" + old[1:] + rest,
			"+84 (0)" + old[1:] + rest,
		} {
			_, err := NormalizePhone(in)
			if err == nil {
				t.Errorf("NormalizePhone(%q) accepted an old prefix", in)
				continue
			}
			r := testkit.RefusedCleanly(t, err, "phone", in)
			if r.Extra["oldPrefix"] != old || r.Extra["newPrefix"] != newPrefix {
				t.Errorf("NormalizePhone(%q): extra %v, want %s → %s", in, r.Extra, old, newPrefix)
			}
			if !strings.Contains(r.VI, old) || !strings.Contains(r.VI, newPrefix) || !strings.Contains(r.EN, newPrefix) {
				t.Errorf("NormalizePhone(%q): message %q does not name %s → %s", in, r.VI, old, newPrefix)
			}
		}
		// the converted number is accepted
		want := "+84" + newPrefix[1:] + rest
		if got, err := NormalizePhone(newPrefix + rest); err != nil || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", newPrefix+rest, got, err, want)
		}
	}
	// 11 digits with a prefix that was never a mobile prefix: no hint
	_, err := NormalizePhone("01611234567")
	if r := testkit.RefusedCleanly(t, err, "phone", "01611234567"); r.Extra["newPrefix"] != nil {
		t.Errorf("0161 got a conversion hint: %v", r.Extra)
	}
}
