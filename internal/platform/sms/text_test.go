package sms

import (
	"strings"
	"testing"
)

func TestASCII(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Mật khẩu", "Mat khau"},
		{"ĐÀ NẴNG đường", "DA NANG duong"},
		{"Nguyễn Thị Ánh Tuyết", "Nguyen Thi Anh Tuyet"},
		{"Cổng Dịch vụ công Quốc gia", "Cong Dich vu cong Quoc gia"},
		{"ỨNG DỤNG ỷ ỹ ỵ", "UNG DUNG y y y"},
		{"plain 123 +84", "plain 123 +84"},
		// Decomposed input (as some keyboards produce) folds the same way.
		{"Mâ\u0323t", "Mat"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := ASCII(tt.in); got != tt.want {
			t.Errorf("ASCII(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSegments(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"empty", "", 1},
		{"gsm 160", strings.Repeat("a", 160), 1},
		{"gsm 161", strings.Repeat("a", 161), 2},
		{"gsm 306", strings.Repeat("a", 306), 2},
		{"gsm 307", strings.Repeat("a", 307), 3},
		{"extension counts twice", strings.Repeat("a", 159) + "€", 2},
		{"extension fits", strings.Repeat("a", 158) + "[", 1},
		{"gsm accents are basic", strings.Repeat("é", 160), 1},
		{"vietnamese 70", strings.Repeat("ệ", 70), 1},
		{"vietnamese 71", strings.Repeat("ệ", 71), 2},
		{"vietnamese 134", strings.Repeat("ệ", 134), 2},
		{"vietnamese 135", strings.Repeat("ệ", 135), 3},
		{"one accent switches to UCS-2", strings.Repeat("a", 70) + "ậ", 2},
		{"surrogate pair counts two units", strings.Repeat("a", 69) + "😀", 2},
	}
	for _, tt := range tests {
		if got := Segments(tt.in); got != tt.want {
			t.Errorf("%s: Segments = %d, want %d", tt.name, got, tt.want)
		}
	}
}

// A typical motcua text, unaccented, fits one SMS; with accents it would not.
func TestTypicalTextFitsOneSegment(t *testing.T) {
	vi := "Mã OTP xác thực tạo tài khoản Cổng Dịch vụ công Quốc gia là 123456, hiệu lực 5 phút. Không cung cấp mã này cho bất kỳ ai."
	if got := Segments(ASCII(vi)); got != 1 {
		t.Errorf("unaccented text takes %d segments", got)
	}
	if got := Segments(vi); got < 2 {
		t.Errorf("accented text takes %d segments, want at least 2", got)
	}
}
