package vn

import "testing"

func TestValidTaxCode(t *testing.T) {
	// docs/RULES.md "Identity numbers".
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"0100233488", "0100233488", true},
		{"0100233480", "", false}, // wrong check digit
		{"0314409058-002", "0314409058-002", true},
		{"0314409058002", "0314409058-002", true},
		{" 0314409058 - 002 ", "0314409058-002", true},
		{"0314409058", "0314409058", true},
		{"0314409058-000", "", false},  // branches are 001…999
		{"0314409059-002", "", false},  // branch of an invalid head
		{"0314409058-02", "", false},   // branch needs three digits
		{"0314409058-0021", "", false}, // …exactly three
		{"0314409058-", "", false},
		{"0314409058-00A", "", false},
		{"0314409058-002-1", "", false},
		{"031440905", "", false}, // 9 digits
		{"03144090580", "", false},
		{"010023348A", "", false},
		{"０１００２３３４８８", "", false}, // full-width digits
		// sum mod 11 = 0 gives check 10: no valid code has these nine digits
		{"0000000120", "", false},
		{"0000000121", "", false},
		{"0000000000", "", false},
		{"1000000001", "1000000001", true}, // 31 mod 11 = 9, check 1
		// since 1 Jul 2025 an individual's tax code is the 12-digit ID number
		// (Circular 86/2024/TT-BTC)
		{"001203012345", "001203012345", true},
		{"", "", false},
		{"-", "", false},
	}
	for _, tt := range tests {
		got, ok := ValidTaxCode(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ValidTaxCode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestTaxCheckDigitExhaustive checks that exactly one check digit fits each
// head, except for heads whose weighted sum is a multiple of 11.
func TestTaxCheckDigitExhaustive(t *testing.T) {
	for _, head := range []string{"010023348", "031440905", "100000000", "999999999", "000000000", "000000012", "123456789"} {
		weights := []int{31, 29, 23, 19, 17, 13, 7, 5, 3}
		sum := 0
		for i, w := range weights {
			sum += int(head[i]-'0') * w
		}
		valid := 0
		for d := '0'; d <= '9'; d++ {
			if _, ok := ValidTaxCode(head + string(d)); ok {
				valid++
			}
		}
		want := 1
		if sum%11 == 0 {
			want = 0
		}
		if valid != want {
			t.Errorf("head %s (sum %d): %d valid check digits, want %d", head, sum, valid, want)
		}
	}
}
