package smsenum

import (
	"bytes"
	"slices"
	"testing"
)

// The database enums are the declared values, in order: a change here is a
// schema change (make migration).
func TestValues(t *testing.T) {
	if got := Kind("").Values(); !slices.Equal(got, []string{"REGISTRATION_OTP", "INITIAL_PASSWORD", "RESET_OTP", "PASSWORD_CHANGED"}) {
		t.Errorf("kinds %v", got)
	}
	if got := Status("").Values(); !slices.Equal(got, []string{"QUEUED", "SENDING", "SENT", "DELIVERED", "UNDELIVERED", "FAILED", "EXPIRED", "NO_REPORT"}) {
		t.Errorf("statuses %v", got)
	}
}

func TestGraphQL(t *testing.T) {
	var k Kind
	if err := k.UnmarshalGQL("RESET_OTP"); err != nil || k != ResetOTP {
		t.Errorf("UnmarshalGQL(RESET_OTP) = %q, %v", k, err)
	}
	for _, bad := range []any{"reset_otp", "QUEUED", 3, nil} {
		k = ResetOTP
		if err := k.UnmarshalGQL(bad); err == nil || k != ResetOTP {
			t.Errorf("UnmarshalGQL(%v) accepted, or changed the kind to %q", bad, k)
		}
	}
	var s Status
	if err := s.UnmarshalGQL("NO_REPORT"); err != nil || s != NoReport {
		t.Errorf("UnmarshalGQL(NO_REPORT) = %q, %v", s, err)
	}
	if err := s.UnmarshalGQL("LOST"); err == nil {
		t.Error("UnmarshalGQL(LOST) accepted")
	}
	var b bytes.Buffer
	Delivered.MarshalGQL(&b)
	PasswordChanged.MarshalGQL(&b)
	if b.String() != `"DELIVERED""PASSWORD_CHANGED"` {
		t.Errorf("MarshalGQL wrote %s", b.String())
	}
}
