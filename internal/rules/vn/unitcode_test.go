package vn

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/testkit"
)

func TestNormalizeUnitCode(t *testing.T) {
	// docs/RULES.md "Units": [0-9A-Z.]{1,35} (QCVN 102:2016/BTTTT).
	ok := []struct{ in, want string }{
		{"000.00.00.H29", "000.00.00.H29"},
		{" 000.00.00.h29 ", "000.00.00.H29"},
		{"000.00.00.G01", "000.00.00.G01"},
		{"H29", "H29"},
		{"1", "1"},
		{".", "."},
		{"000.00.53.h48", "000.00.53.H48"},
		{strings.Repeat("A", 35), strings.Repeat("A", 35)},
	}
	for _, tt := range ok {
		got, err := NormalizeUnitCode(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizeUnitCode(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	refused := []string{
		"",
		"   ",
		strings.Repeat("A", 36),
		"000.00.00-H29",
		"000 00 00 H29",
		"000.00.00.Ħ29",
		"ĐNG.01",
		"000.00.00.Ｈ29",
		"ı29", // dotless i upper-cases to I with strings.ToUpper: not accepted
	}
	for _, in := range refused {
		got, err := NormalizeUnitCode(in)
		if err == nil {
			t.Errorf("NormalizeUnitCode(%q) = %q, want refusal", in, got)
			continue
		}
		testkit.RefusedCleanly(t, err, "code", in)
	}
}
