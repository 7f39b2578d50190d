package server

import "testing"

func TestWithoutValue(t *testing.T) {
	tests := map[string]string{
		`String cannot represent a non string value: 7123456789`:                                `String cannot represent this non string value.`,
		`Int cannot represent non 32-bit signed integer value: 99999999999`:                     `Int cannot represent this non 32-bit signed integer value.`,
		`ID cannot represent a non-string and non-integer value: {a: "x"}`:                      `ID cannot represent this non-string and non-integer value.`,
		`Expected value of type "Int", found "001078900001".`:                                   `Expected a value of type "Int".`,
		`Value "SECRET" does not exist in "SMSStatus" enum.`:                                    `The value does not exist in the "SMSStatus" enum.`,
		`Enum "SMSStatus" cannot represent non-enum value: "x Did you mean y".`:                 `Enum "SMSStatus" cannot represent this non-enum value.`,
		`Value "SENTT" does not exist in "SMSStatus" enum. Did you mean the enum value "SENT"?`: `The value does not exist in the "SMSStatus" enum. Did you mean the enum value "SENT"?`,
		`Field "SignInInput.login" of required type "String!" was not provided.`:                `Field "SignInInput.login" of required type "String!" was not provided.`,
	}
	for in, want := range tests {
		if got := withoutValue(in); got != want {
			t.Errorf("withoutValue(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}
