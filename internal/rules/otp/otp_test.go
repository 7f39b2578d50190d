package otp

import (
	"strings"
	"testing"
)

func TestGenerateFormat(t *testing.T) {
	for range 2000 {
		c, err := Generate()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != Digits {
			t.Fatalf("code %q has %d characters, want %d", c, len(c), Digits)
		}
		for _, r := range c {
			if r < '0' || r > '9' {
				t.Fatalf("code %q has a non-digit", c)
			}
		}
	}
}

// TestGenerateDistribution is a sanity check, not a statistical proof: over
// 60,000 codes every digit value appears in every position close to 10% of
// the time, and leading zeros are kept (about 6,000 codes start with 0).
// The bounds are ~9 standard deviations wide, so a fair generator fails
// them with negligible probability, while a stuck or biased one fails them.
func TestGenerateDistribution(t *testing.T) {
	const n = 60000
	var counts [Digits][10]int
	seen := make(map[Code]bool, n)
	for range n {
		c, err := Generate()
		if err != nil {
			t.Fatal(err)
		}
		seen[c] = true
		for i := range Digits {
			counts[i][c[i]-'0']++
		}
	}
	// Expected 6000 per cell, sd ≈ 73.
	for i := range Digits {
		for d := range 10 {
			if got := counts[i][d]; got < 5350 || got > 6650 {
				t.Errorf("position %d digit %d appeared %d times, want about 6000", i, d, got)
			}
		}
	}
	// 60,000 draws from a million values collide ~1,760 times on average.
	if len(seen) < 57000 {
		t.Errorf("only %d distinct codes in %d draws", len(seen), n)
	}
}

func TestHasherEqual(t *testing.T) {
	h := NewHasher([]byte("0123456789abcdef0123456789abcdef"))
	stored := h.Hash(PurposeRegistration, "reg-1", "012345")
	if len(stored) != 64 || strings.Contains(stored, "012345") {
		t.Fatalf("hash %q is not a hex HMAC-SHA256", stored)
	}
	tests := []struct {
		name, purpose, subject, submitted string
		want                              bool
	}{
		{"same", PurposeRegistration, "reg-1", "012345", true},
		{"spaces around", PurposeRegistration, "reg-1", " 012345\n", true},
		{"space inside", PurposeRegistration, "reg-1", "012 345", true},
		{"wrong code", PurposeRegistration, "reg-1", "012346", false},
		{"leading zero dropped", PurposeRegistration, "reg-1", "12345", false},
		{"empty", PurposeRegistration, "reg-1", "", false},
		{"other purpose", PurposeReset, "reg-1", "012345", false},
		{"other subject", PurposeRegistration, "reg-2", "012345", false},
		{"subject prefix", PurposeRegistration, "reg-", "012345", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := h.Equal(stored, tt.purpose, tt.subject, tt.submitted); got != tt.want {
				t.Errorf("Equal = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHasherKeyMatters(t *testing.T) {
	a := NewHasher([]byte("key-a-key-a-key-a-key-a-key-a-ke"))
	b := NewHasher([]byte("key-b-key-b-key-b-key-b-key-b-ke"))
	stored := a.Hash(PurposeReset, "acc-9", "999999")
	if b.Equal(stored, PurposeReset, "acc-9", "999999") {
		t.Error("a hash made under one key matched under another")
	}
	if !a.Equal(stored, PurposeReset, "acc-9", "999999") {
		t.Error("a hash did not match under its own key")
	}
}

func TestHasherCopiesKey(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	h := NewHasher(key)
	before := h.Hash(PurposeReset, "s", "123456")
	key[0] = 'X'
	if h.Hash(PurposeReset, "s", "123456") != before {
		t.Error("changing the caller's key slice changed the hasher")
	}
}

func TestNewHasherEmptyKeyPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewHasher(nil) did not panic")
		}
	}()
	NewHasher(nil)
}
