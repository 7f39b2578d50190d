package vn

import "testing"

func TestNormalizeLogin(t *testing.T) {
	tests := []struct {
		in, kind, value string
		ok              bool
	}{
		{"001203012345", "id", "001203012345", true},
		{"001 203 012 345", "id", "001203012345", true},
		{"001.203.012.345", "id", "001203012345", true},
		{"012345678", "id", "012345678", true},
		{"0912 345 678", "phone", "+84912345678", true},
		{"0912.345.678", "phone", "+84912345678", true},
		{"84912345678", "phone", "+84912345678", true},
		{"+84912345678", "phone", "+84912345678", true},
		{"0084912345678", "phone", "+84912345678", true},
		{"02438251234", "", "", false}, // landline
		{"01621234567", "", "", false}, // old prefix
		{"0012030123", "", "", false},  // 10 digits, not a mobile number
		{"００１２０３０１２３４５", "", "", false},
		{"admin", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		kind, value, ok := NormalizeLogin(tt.in)
		if kind != tt.kind || value != tt.value || ok != tt.ok {
			t.Errorf("NormalizeLogin(%q) = %q, %q, %v; want %q, %q, %v", tt.in, kind, value, ok, tt.kind, tt.value, tt.ok)
		}
	}
}
