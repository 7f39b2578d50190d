package refusal

import (
	"fmt"
	"testing"
)

func TestRefusal(t *testing.T) {
	base := New(OTPResendTooSoon, "Chưa thể gửi lại mã.", "Cannot resend yet.")
	r := base.OnField("registrationID").With("availableAt", "2026-11-27T09:01:00Z")
	if base.Field != "" || base.Extra != nil {
		t.Fatal("OnField/With changed the original")
	}
	if r.Message("en-US") != "Cannot resend yet." || r.Message("vi") != "Chưa thể gửi lại mã." || r.Message("") != "Chưa thể gửi lại mã." {
		t.Fatalf("messages: %q %q", r.Message("en-US"), r.Message("vi"))
	}
	wrapped := fmt.Errorf("enrol: send otp: %w", r)
	if !Is(wrapped, OTPResendTooSoon) || Is(wrapped, RateLimited) {
		t.Fatal("Is does not see through wrapping")
	}
	got, ok := As(wrapped)
	if !ok || got.Field != "registrationID" || got.Extra["availableAt"] != "2026-11-27T09:01:00Z" {
		t.Fatalf("As: %+v %v", got, ok)
	}
	if _, ok := As(fmt.Errorf("plain")); ok {
		t.Fatal("a plain error is not a refusal")
	}
	if r.Error() != "OTP_RESEND_TOO_SOON (registrationID): Cannot resend yet." {
		t.Fatalf("Error() = %q", r.Error())
	}
}
