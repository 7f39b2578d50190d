package vn

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestMaskIDNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"001203012345", "0012******45"}, // docs/RULES.md "Personal data"
		{"001 203 012 345", "0012******45"},
		{"001.203.012.345", "0012******45"},
		{"012345678", "01*****78"}, // 9-digit CMND
		{"0012030123", "00******23"},
		{"12345", "***45"},
		{"123", "***"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskIDNumber(tt.in); got != tt.want {
			t.Errorf("MaskIDNumber(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+84912345678", "+84 91* *** 678"}, // docs/RULES.md "Personal data"
		{"+84321234567", "+84 32* *** 567"},
		{"+16502530000", "+********000"},
		{"0912345678", "*******678"},
		{"12345", "*****"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Nguyễn Văn Hùng", "Nguyễn V** H**"},
		{norm.NFD.String("Nguyễn Văn Hùng"), "Nguyễn V** H**"},
		{"Đặng Thị Ánh", "Đặng T** Á**"},
		{norm.NFD.String("Đặng Thị Ánh"), "Đặng T** Á**"},
		{"  Lê   Ánh\tDương ", "Lê Á** D**"},
		{"Ánh", "Á**"}, // one word: never shown whole
		{"Tôn Nữ Thị Ước", "Tôn N** T** Ư**"},
		{"", ""},
	}
	for _, tt := range tests {
		got := MaskName(tt.in)
		if got != tt.want {
			t.Errorf("MaskName(%+q) = %q, want %q", tt.in, got, tt.want)
		}
		if !norm.NFC.IsNormalString(got) {
			t.Errorf("MaskName(%+q) = %+q is not NFC", tt.in, got)
		}
	}
}
