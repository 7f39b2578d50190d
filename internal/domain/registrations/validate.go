package registrations

import (
	"io"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/rules/vn"
)

// StartInput is what the officer enters at §3 step 1.
type StartInput struct {
	IDNumber    string
	FullName    string
	DateOfBirth time.Time // a calendar date; only its year, month and day count
	Phone       string
	Email       string // optional: "" for none
	UnitID      pulid.ID
	Scan        io.Reader
}

// Limits on the entered data.
const (
	MinNameRunes = 2
	MaxNameRunes = 100
	// MaxNameBytes: accounts.full_name is declared MaxLen(100), which Ent
	// checks in bytes, and a Vietnamese letter takes 2–3 bytes in UTF-8.
	// Until the column counts runes (MaxRuneLen), a longer name would pass
	// here and fail when the account is created, after the OTP.
	MaxNameBytes = 100
	MaxEmailLen  = 254 // RFC 5321: the longest forward path, in octets
	MaxAge       = 120
	// MinAge: since 1 Jul 2024 (Decree 69/2024/NĐ-CP art. 7) a citizen aged
	// 6 to 14 who holds an identity card may, on request, have an electronic
	// identity of their own at the assurance level an in-person check gives;
	// under 6 only the lowest level. The 14-year limit of Decree 59/2022/NĐ-CP
	// no longer holds, so a desk may create an account from age 6.
	MinAge = 6
)

// vietnam is the zone in which "today" is decided for dates of birth.
var vietnam = time.FixedZone("ICT", 7*60*60)

// entered is a StartInput that passed validation, in stored form.
type entered struct {
	id    vn.IDNumber
	name  string
	dob   time.Time // UTC midnight
	phone string    // E.164
	email string
}

// validate checks the entered data in the order of the form and returns the
// first refusal, on its field. now decides "today" (in Vietnam).
func validate(in StartInput, now time.Time) (entered, error) {
	var e entered
	id, err := vn.ParseIDNumber(in.IDNumber)
	if err != nil {
		return e, err
	}
	if err := vn.RequireCCCD(id); err != nil {
		return e, err
	}
	e.id = id
	if e.name, err = validName(in.FullName); err != nil {
		return e, err
	}
	if e.dob, err = validBirthDate(in.DateOfBirth, now); err != nil {
		return e, err
	}
	if err := id.CheckBirthDate(e.dob); err != nil {
		return e, err
	}
	if e.phone, err = vn.NormalizePhone(in.Phone); err != nil {
		return e, err
	}
	if e.email, err = validEmail(in.Email); err != nil {
		return e, err
	}
	return e, nil
}

func nameRefusal(vi, en string) *refusal.Error {
	return refusal.New(refusal.Validation, vi, en).OnField("fullName")
}

// validName returns the name in NFC with white space collapsed (docs/RULES.md
// "Vietnamese text"): letters of any script, single spaces, apostrophes and
// hyphens between letters (Ê Đê, H'Hen Niê, K'Bang), 2 to 100 runes.
func validName(raw string) (string, error) {
	name := vn.NormalizeName(raw)
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		return "", nameRefusal("Vui lòng nhập họ và tên.", "Enter the full name.")
	case n < MinNameRunes:
		return "", nameRefusal("Họ và tên phải có ít nhất 2 ký tự.", "The full name must have at least 2 characters.")
	case n > MaxNameRunes:
		return "", nameRefusal("Họ và tên dài quá 100 ký tự.", "The full name is longer than 100 characters.")
	case len(name) > MaxNameBytes:
		return "", nameRefusal(
			"Họ và tên quá dài để lưu: các chữ có dấu chiếm nhiều chỗ hơn, tổng cộng tối đa 100 byte.",
			"The full name is too long to store: letters with diacritics take more room, 100 bytes in all.").
			With("maxBytes", MaxNameBytes)
	}
	prevSep := true // the name may not start with a separator
	for _, r := range name {
		switch {
		case unicode.IsLetter(r):
			prevSep = false
		case unicode.IsMark(r):
			// A combining mark NFC could not compose; it belongs to the letter before it.
			if prevSep {
				return "", errNameShape()
			}
		case r == ' ' || isApostrophe(r) || isHyphen(r):
			if prevSep {
				return "", errNameShape()
			}
			prevSep = true
		case unicode.IsDigit(r):
			return "", nameRefusal(
				"Họ và tên không được chứa chữ số.",
				"The full name may not contain digits.")
		default:
			return "", nameRefusal(
				"Họ và tên chỉ gồm chữ cái, dấu cách, dấu nháy đơn (') và dấu gạch ngang (-).",
				"The full name may contain only letters, spaces, apostrophes (') and hyphens (-).")
		}
	}
	if prevSep {
		return "", errNameShape()
	}
	return name, nil
}

func errNameShape() *refusal.Error {
	return nameRefusal(
		"Họ và tên phải bắt đầu và kết thúc bằng chữ cái; dấu nháy đơn và dấu gạch ngang chỉ đứng giữa hai chữ cái.",
		"The full name must start and end with a letter; apostrophes and hyphens go between letters.")
}

func isApostrophe(r rune) bool { return r == '\'' || r == '\u2019' || r == '\u02BC' }
func isHyphen(r rune) bool     { return r == '-' || r == '\u2010' }

func dobRefusal(vi, en string) *refusal.Error {
	return refusal.New(refusal.Validation, vi, en).OnField("dateOfBirth")
}

// validBirthDate takes the calendar date of dob and checks it against today
// in Vietnam: not in the future, age between MinAge and MaxAge.
func validBirthDate(dob, now time.Time) (time.Time, error) {
	if dob.IsZero() {
		return time.Time{}, dobRefusal("Vui lòng nhập ngày sinh.", "Enter the date of birth.")
	}
	d := time.Date(dob.Year(), dob.Month(), dob.Day(), 0, 0, 0, 0, time.UTC)
	ty, tm, td := now.In(vietnam).Date()
	today := time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)
	if d.After(today) {
		return time.Time{}, dobRefusal("Ngày sinh không được sau ngày hôm nay.", "The date of birth cannot be after today.")
	}
	age := ty - d.Year()
	if tm < d.Month() || (tm == d.Month() && td < d.Day()) {
		age--
	}
	switch {
	case age > MaxAge:
		return time.Time{}, dobRefusal(
			"Ngày sinh không hợp lý (trên 120 tuổi); hãy kiểm tra lại năm sinh.",
			"The date of birth is not plausible (over 120 years old); check the year.")
	case age < MinAge:
		return time.Time{}, dobRefusal(
			"Công dân dưới 6 tuổi chưa được tạo tài khoản riêng tại quầy (Điều 7 Nghị định 69/2024/NĐ-CP).",
			"A citizen under 6 cannot have an account of their own created at the desk (Decree 69/2024/NĐ-CP art. 7).").
			With("minAge", MinAge)
	}
	return d, nil
}

func emailRefusal(vi, en string) *refusal.Error {
	return refusal.New(refusal.Validation, vi, en).OnField("email")
}

// validEmail accepts "" (no email) or a bare address (no display name, no
// angle brackets) whose domain has a dot, at most 254 octets.
func validEmail(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", nil
	}
	if len(s) > MaxEmailLen {
		return "", emailRefusal("Địa chỉ email dài quá 254 ký tự.", "The email address is longer than 254 characters.")
	}
	addr, err := mail.ParseAddress(s)
	at := strings.LastIndexByte(s, '@')
	if err != nil || addr.Name != "" || addr.Address != s || at < 1 || !strings.Contains(s[at+1:], ".") ||
		strings.HasSuffix(s, ".") {
		return "", emailRefusal(
			"Địa chỉ email không hợp lệ (ví dụ đúng: ten@example.vn).",
			"The email address is not valid (for example: name@example.vn).")
	}
	return s, nil
}
