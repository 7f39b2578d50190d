package vn

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/rules/refusal"
)

// checkRefusal asserts that err is a VALIDATION refusal about field, with a
// message in both languages that does not repeat the personal input.
func checkRefusal(t *testing.T, err error, field, input string) *refusal.Error {
	t.Helper()
	r, ok := refusal.As(err)
	if !ok {
		t.Fatalf("error %v (%T) is not a refusal", err, err)
	}
	if r.Code != refusal.Validation {
		t.Errorf("code = %s, want %s", r.Code, refusal.Validation)
	}
	if r.Field != field {
		t.Errorf("field = %q, want %q", r.Field, field)
	}
	if r.VI == "" || r.EN == "" {
		t.Errorf("message missing: VI=%q EN=%q", r.VI, r.EN)
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, input)
	if len(digits) >= 6 && (strings.Contains(r.VI, digits) || strings.Contains(r.EN, digits)) {
		t.Errorf("message repeats the input: VI=%q EN=%q", r.VI, r.EN)
	}
	return r
}
