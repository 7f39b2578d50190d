package password

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/internal/rules/refusal"
)

var hung = Facts{
	IDNumber:    "001090012345",
	Phone:       "+84912345678",
	FullName:    "Nguyễn Văn Hùng",
	DateOfBirth: time.Date(1990, time.March, 2, 0, 0, 0, 0, time.UTC),
}

// TestCheck is long because it is a table: one row per case, so that the
// cases read side by side and a missing one shows.
func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		pw     string
		facts  Facts
		reason string // "" = accepted
	}{
		// Length, in runes after NFC.
		{"7 ASCII", "tr7#kpq", hung, ReasonTooShort},
		{"8 ASCII", "tr7#kpqz", hung, ""},
		{"7 Vietnamese", "Hồ Gươm", hung, ReasonTooShort},
		{"8 Vietnamese", "Hồ Gươm!", hung, ""},
		{"8 Vietnamese typed in NFD", norm.NFD.String("Hồ Gươm!"), hung, ""},
		{"7 Vietnamese typed in NFD", norm.NFD.String("Hồ Gươm"), hung, ReasonTooShort},
		{"empty", "", hung, ReasonTooShort},
		{"128 Vietnamese", strings.Repeat("ệ", 128), hung, ""},
		{"129 Vietnamese", strings.Repeat("ệ", 129), hung, ReasonTooLong},
		{"128 NFD runes-per-letter 3", norm.NFD.String(strings.Repeat("ệ", 128)), hung, ""},
		{"128 ASCII", strings.Repeat("xq7#", 32), hung, ""},
		{"129 ASCII", strings.Repeat("xq7#", 32) + "x", hung, ReasonTooLong},

		// Common passwords, ignoring case, diacritics and spaces.
		{"password", "password", Facts{}, ReasonCommon},
		{"upper case", "PassWord", Facts{}, ReasonCommon},
		{"zxcvbn list", "qwertyuiop", Facts{}, ReasonCommon},
		{"iloveyou", "iloveyou", Facts{}, ReasonCommon},
		{"Vietnamese list", "Matkhau123", Facts{}, ReasonCommon},
		{"Vietnamese with diacritics", "MậtKhẩu123", Facts{}, ReasonCommon},
		{"anhyeuem", "anhyeuem", Facts{}, ReasonCommon},
		{"123456a@", "123456a@", Facts{}, ReasonCommon},
		{"spaces", "anh yeu em", Facts{}, ReasonCommon},
		{"not common", "sáng nay trời mưa", Facts{}, ""},

		// ID number.
		{"ID number", "001090012345", hung, ReasonContainsIDNumber},
		{"ID inside a long password", "my id is 001090012345, remember it", hung, ReasonContainsIDNumber},
		{"last 9 digits", "090012345", hung, ReasonContainsIDNumber},
		{"last 6 digits", "012345ab", hung, ReasonContainsIDNumber},
		{"last 6 digits twice", "012345-012345", hung, ReasonContainsIDNumber},
		{"last 6 digits in a long password", "012345 rồng bay lên trời", hung, ""},
		{"ID of someone else", "001090012345", Facts{IDNumber: "079190054321", FullName: "Lê Thị Hoa"}, ""},

		// Phone.
		{"national", "0912345678", hung, ReasonContainsPhone},
		{"without 0", "912345678", hung, ReasonContainsPhone},
		{"E.164 digits", "84912345678", hung, ReasonContainsPhone},
		{"E.164 spaced", "+84 912 345 678", hung, ReasonContainsPhone},
		{"phone inside a long password", "gọi cho tôi: 0912.345.678 nhé!", hung, ReasonContainsPhone},
		{"phone given nationally", "0912345678", Facts{Phone: "0912345678"}, ReasonContainsPhone},

		// Birth date.
		{"ddmmyyyy", "02031990", hung, ReasonContainsBirthDate},
		{"yyyymmdd", "19900302", hung, ReasonContainsBirthDate},
		{"dd/mm/yyyy", "02/03/1990", hung, ReasonContainsBirthDate},
		{"d/m/yyyy", "2/3/1990", hung, ReasonContainsBirthDate},
		{"yyyy-mm-dd", "1990-03-02", hung, ReasonContainsBirthDate},
		{"ddmmyy plus", "020390xy", hung, ReasonContainsBirthDate},
		{"date twice", "0203199002031990", hung, ReasonContainsBirthDate},
		{"other date", "02031990", Facts{FullName: "Lê Thị Hoa", DateOfBirth: time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC)}, ""},

		// Name.
		{"folded name", "nguyenvanhung", hung, ReasonContainsName},
		{"name as written", "Nguyễn Văn Hùng", hung, ReasonContainsName},
		{"name upper case", "NGUYỄN VĂN HÙNG", hung, ReasonContainsName},
		{"name reversed", "hungnguyen", hung, ReasonContainsName},
		{"name and year", "hung1990", hung, ReasonContainsName},
		{"name and day-month", "Hùng0203", hung, ReasonContainsName},
		{"name and birth date", "Hung02031990", hung, ReasonContainsBirthDate},
		{"name with symbols", "hùng@hùng!", hung, ReasonContainsName},
		{"name without their data", "hung1990", Facts{}, ""},
		{"name is a small part", "Hùng thích ăn phở bò", hung, ""},
		{"đ folds to d", "đứcđức99", Facts{FullName: "Trần Minh Đức"}, ReasonContainsName},

		// Facts empty or partial: nothing to compare with.
		{"no facts", "0912345678", Facts{}, ""},
		{"all symbols", "!@#$%^&*()", hung, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.pw, tt.facts)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			r, ok := refusal.As(err)
			if !ok {
				t.Fatalf("Check = %v, want a refusal", err)
			}
			if r.Code != refusal.PasswordTooWeak || r.Field != "newPassword" {
				t.Errorf("refusal %s on %q, want PASSWORD_TOO_WEAK on newPassword", r.Code, r.Field)
			}
			if got := r.Extra["reason"]; got != tt.reason {
				t.Errorf("reason = %v, want %s", got, tt.reason)
			}
			if r.VI == "" || r.EN == "" || r.VI == r.EN {
				t.Errorf("messages %q / %q", r.VI, r.EN)
			}
			// ("password" is a word of the message itself.)
			if tt.pw != "" && tt.pw != "password" && (strings.Contains(r.VI, tt.pw) || strings.Contains(r.EN, tt.pw)) {
				t.Error("the message repeats the password")
			}
		})
	}
}

// TestCheckMessagesDiffer: each reason has its own message.
func TestCheckMessagesDiffer(t *testing.T) {
	seen := map[string]string{}
	for _, reason := range []string{ReasonTooShort, ReasonTooLong, ReasonCommon, ReasonContainsIDNumber,
		ReasonContainsPhone, ReasonContainsBirthDate, ReasonContainsName} {
		r := tooWeak(reason)
		if r.VI == "" || r.EN == "" {
			t.Errorf("%s has no message", reason)
		}
		if other, dup := seen[r.VI]; dup {
			t.Errorf("%s and %s share a message", reason, other)
		}
		seen[r.VI] = reason
	}
}

func TestCommonListLoaded(t *testing.T) {
	set := commonPasswords()
	if n := len(set); n < 10000 {
		t.Errorf("common list has %d entries, want at least 10,000", n)
	}
	for k := range set {
		if strings.HasPrefix(k, "#") || k == "" {
			t.Errorf("comment or blank line %q loaded as a password", k)
		}
	}
}
