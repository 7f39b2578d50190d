package password

import (
	"strings"
	"testing"
	"time"
)

func TestGenerateInitial(t *testing.T) {
	others := []Facts{
		hung,
		{IDNumber: "079190054321", Phone: "+84987654321", FullName: "Đặng Thị Ánh", DateOfBirth: time.Date(2001, 12, 31, 0, 0, 0, 0, time.UTC)},
		{FullName: "A B"}, // one-letter words
	}
	seen := map[string]bool{}
	for range 2000 {
		pw, err := GenerateInitial()
		if err != nil {
			t.Fatal(err)
		}
		if len(pw) != InitialLength {
			t.Fatalf("%q has %d characters, want %d", pw, len(pw), InitialLength)
		}
		for _, r := range pw {
			if !strings.ContainsRune(initialAlphabet, r) {
				t.Fatalf("%q has %q, outside the alphabet", pw, r)
			}
		}
		if seen[pw] {
			t.Fatalf("%q generated twice", pw)
		}
		seen[pw] = true
		for _, f := range others {
			if err := Check(pw, f); err != nil {
				t.Fatalf("initial password refused: %v", err)
			}
		}
	}
}

func TestInitialAlphabet(t *testing.T) {
	for _, r := range "0Oo1lI" {
		if strings.ContainsRune(initialAlphabet, r) {
			t.Errorf("alphabet has the look-alike %q", r)
		}
	}
	seen := map[rune]bool{}
	for _, r := range initialAlphabet {
		if r > 127 {
			t.Errorf("alphabet has non-ASCII %q", r)
		}
		if seen[r] {
			t.Errorf("alphabet has %q twice", r)
		}
		seen[r] = true
	}
	if len(initialAlphabet) != 56 {
		t.Errorf("alphabet has %d characters, want 56", len(initialAlphabet))
	}
}
