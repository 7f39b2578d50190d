package vn

import (
	"strings"
	"unicode"

	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/nyaruka/phonenumbers"
)

// NormalizePhone reads a Vietnamese mobile number as typed and returns it in
// E.164, the stored form (docs/RULES.md "Phone numbers"). "0912 345 678",
// "0912.345.678", "84912345678", "+84912345678" and "0084912345678" all give
// "+84912345678".
//
// Validation is github.com/nyaruka/phonenumbers (Google's libphonenumber
// metadata, region VN), not a home-made pattern: the number must be valid and
// of type MOBILE, since the account's password and OTPs go out by SMS.
// Landlines and numbers of other countries are refused. An old 11-digit
// number (0162…0169, 0120…0129, 0186, 0188, 0199), converted to 10 digits in
// 2018–2019, is refused with the new prefix in the message and in Extra
// "oldPrefix"/"newPrefix". Refusals are about field "phone" and never repeat
// the number.
func NormalizePhone(raw string) (e164 string, err error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", phoneRefusal(
			"Vui lòng nhập số điện thoại di động.",
			"Enter a mobile phone number.")
	}
	for i, r := range s {
		switch {
		case unicode.IsDigit(r), isSpace(r), r == '.', r == '-', r == '(', r == ')':
		case r == '+' && i == 0:
		default:
			return "", phoneRefusal(
				"Số điện thoại chỉ gồm chữ số, có thể kèm dấu + ở đầu, dấu cách, dấu chấm hoặc dấu gạch ngang.",
				"A phone number contains only digits, optionally a leading +, spaces, dots or dashes.")
		}
	}
	if old, ok := oldMobilePrefix(s); ok {
		newPrefix := convertedPrefix(old)
		return "", phoneRefusal(
			"Đầu số "+old+" đã đổi thành "+newPrefix+" khi chuyển thuê bao 11 số sang 10 số; hãy nhập số mới: thay "+old+" bằng "+newPrefix+", các chữ số sau giữ nguyên.",
			"The prefix "+old+" became "+newPrefix+" when 11-digit mobile numbers moved to 10 digits; enter the new number: replace "+old+" by "+newPrefix+" and keep the other digits.").
			With("oldPrefix", old).With("newPrefix", newPrefix)
	}
	num, perr := phonenumbers.Parse(s, "VN")
	if perr != nil {
		return "", phoneRefusal(
			"Số điện thoại không hợp lệ.",
			"The phone number is not valid.")
	}
	if num.GetCountryCode() != 84 {
		return "", phoneRefusal(
			"Chỉ nhận số điện thoại di động Việt Nam (+84).",
			"Only Vietnamese mobile numbers (+84) are accepted.")
	}
	if !phonenumbers.IsValidNumberForRegion(num, "VN") {
		return "", phoneRefusal(
			"Số điện thoại không hợp lệ: số di động Việt Nam có 10 chữ số, bắt đầu bằng 0 (ví dụ 09x, 03x, 07x, 08x, 05x).",
			"The phone number is not valid: a Vietnamese mobile number has 10 digits starting with 0 (09x, 03x, 07x, 08x, 05x).")
	}
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.MOBILE:
		return phonenumbers.Format(num, phonenumbers.E164), nil
	case phonenumbers.FIXED_LINE:
		return "", phoneRefusal(
			"Đây là số máy bàn; hãy nhập số điện thoại di động để nhận tin nhắn SMS.",
			"This is a landline number; enter a mobile number that can receive SMS.")
	default:
		return "", phoneRefusal(
			"Đây không phải số điện thoại di động; hãy nhập số di động để nhận tin nhắn SMS.",
			"This is not a mobile number; enter a mobile number that can receive SMS.")
	}
}

func phoneRefusal(vi, en string) *refusal.Error {
	return refusal.New(refusal.Validation, vi, en).OnField("phone")
}

// oldMobilePrefix finds an old 11-digit mobile number in any of the accepted
// spellings (0…, 84…, +84…, 0084…) and returns its prefix as dialled at home,
// "0162".
func oldMobilePrefix(s string) (string, bool) {
	digits := phonenumbers.NormalizeDigitsOnly(s)
	var nsn string // the national significant number, without the leading 0
	switch {
	case strings.HasPrefix(s, "+"):
		rest, ok := strings.CutPrefix(digits, "84")
		if !ok {
			return "", false
		}
		nsn = strings.TrimPrefix(rest, "0") // "+84 (0)162…"
	case strings.HasPrefix(digits, "0084"):
		nsn = digits[4:]
	case strings.HasPrefix(digits, "84") && len(digits) == 12:
		nsn = digits[2:]
	case strings.HasPrefix(digits, "0"):
		nsn = digits[1:]
	default:
		nsn = digits
	}
	if len(nsn) != 10 {
		return "", false
	}
	old := "0" + nsn[:3]
	return old, convertedPrefix(old) != ""
}

// convertedPrefix is the conversion table of 11-digit mobile numbers to 10
// digits (2018–2019, as listed in docs/RULES.md): the new 3-digit prefix of an
// old 4-digit one, "" for a prefix that was not converted.
func convertedPrefix(old string) string {
	switch old {
	case "0162", "0163", "0164", "0165", "0166", "0167", "0168", "0169":
		return "03" + old[3:] // 0162→032 … 0169→039 (Viettel)
	case "0120":
		return "070"
	case "0121":
		return "079"
	case "0122":
		return "077"
	case "0126":
		return "076"
	case "0128":
		return "078" // 0120…0128: MobiFone
	case "0123":
		return "083"
	case "0124":
		return "084"
	case "0125":
		return "085"
	case "0127":
		return "081"
	case "0129":
		return "082" // 0123…0129: VinaPhone
	case "0186":
		return "056"
	case "0188":
		return "058" // Vietnamobile
	case "0199":
		return "059" // Gmobile
	}
	return ""
}
