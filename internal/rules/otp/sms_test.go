package otp

import (
	"strings"
	"testing"
	"time"
)

// gsm7Basic is the GSM 03.38 default alphabet restricted to ASCII (the basic
// table, no escape characters): a text made of these is one 7-bit character
// per symbol, so 160 of them fit one SMS segment.
const gsm7Basic = "@$\n\r _!\"#%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func TestSMSText(t *testing.T) {
	tests := []struct {
		purpose string
		ttl     time.Duration
		want    []string
	}{
		{PurposeRegistration, 5 * time.Minute, []string{"tao tai khoan", "Hieu luc 5 phut"}},
		{PurposeReset, 5 * time.Minute, []string{"dat lai mat khau", "Hieu luc 5 phut"}},
		{PurposeReset, 90 * time.Second, []string{"Hieu luc 90 giay"}},
		{"OTHER", 10 * time.Minute, []string{"Hieu luc 10 phut"}},
	}
	for _, tt := range tests {
		t.Run(tt.purpose, func(t *testing.T) {
			for _, code := range []Code{"000123", "999999"} {
				s := SMSText(tt.purpose, code, tt.ttl)
				if !strings.Contains(s, ": "+string(code)+".") {
					t.Errorf("%q does not carry the code %s", s, code)
				}
				for _, w := range append(tt.want, "Cong DVC", "Khong cung cap ma cho bat ky ai") {
					if !strings.Contains(s, w) {
						t.Errorf("%q does not contain %q", s, w)
					}
				}
				if len(s) > 160 {
					t.Errorf("%q is %d characters, more than one SMS segment", s, len(s))
				}
				for _, r := range s {
					if !strings.ContainsRune(gsm7Basic, r) {
						t.Errorf("%q contains %q, outside the GSM-7 basic alphabet", s, r)
					}
				}
			}
		})
	}
	if SMSText(PurposeRegistration, "123456", 5*time.Minute) ==
		SMSText(PurposeReset, "123456", 5*time.Minute) {
		t.Error("registration and reset texts are the same")
	}
}
