package vn

import (
	"fmt"
	"strconv"
	"time"
	"unicode"

	"github.com/motcua/motcua/internal/rules/refusal"
)

// IDKind says which card an ID number belongs to.
type IDKind string

// The kinds of ID number.
const (
	// CCCD is the 12-digit personal identification number (số định danh cá
	// nhân) printed on the citizen identity card.
	CCCD IDKind = "CCCD"
	// CMND is the old 9-digit identity card number (chứng minh nhân dân).
	CMND IDKind = "CMND"
)

// IDNumber is a parsed ID number. For a CCCD the fields decode its structure
// (Decree 137/2015/NĐ-CP art. 13; Circular 59/2021/TT-BCA): 3-digit
// birth-registration province code, 1 century/gender digit, 2 digits of the
// birth year, 6 random digits; there is no check digit. For a CMND only
// Digits and Kind are set: the old number has no such structure.
type IDNumber struct {
	Digits        string // the digits only, spaces and dots removed
	Kind          IDKind
	ProvinceCode  string // digits 1–3, the province where the birth was registered
	Male          bool   // from digit 4: even is male, odd is female
	Century       int    // from digit 4: 1800, 1900, 2000, 2100 or 2200
	YearTwoDigits int    // digits 5–6: the birth year within the century
}

// Warning is a finding about an input that is allowed but worth a second
// look by the officer. It carries no personal data.
type Warning struct {
	Code string
	VI   string
	EN   string
}

// WarningUnknownProvince is the code of the warning for a CCCD whose first
// three digits are not one of the 63 birth-registration province codes.
const WarningUnknownProvince = "UNKNOWN_PROVINCE_CODE"

// ParseIDNumber reads an ID number as typed. Spaces and dots are removed
// (people copy "001 203 012 345" or "001.203.012.345"); then 12 digits are a
// CCCD and 9 digits a CMND (docs/RULES.md "Identity numbers"); a 12-digit CMND
// (issued before the CCCD) carries the same kind of number and is read as a
// CCCD. Letters, full-width or other non-ASCII digits, 10 or 11 digits and
// every other length are refused with a message that says what is wrong, on
// field "idNumber". The message never repeats the number.
func ParseIDNumber(raw string) (IDNumber, error) {
	s := stripSpacesAndDots(raw)
	if s == "" {
		return IDNumber{}, idRefusal(
			"Vui lòng nhập số định danh cá nhân (12 chữ số).",
			"Enter the personal identification number (12 digits).")
	}
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
		case r >= '０' && r <= '９':
			return IDNumber{}, idRefusal(
				"Số định danh cá nhân có chữ số dạng full-width; hãy gõ lại bằng chữ số 0–9 thông thường (tắt chế độ full-width của bộ gõ).",
				"The ID number contains full-width digits; type it again with the ordinary digits 0–9.")
		case unicode.IsDigit(r):
			return IDNumber{}, idRefusal(
				"Số định danh cá nhân chỉ được gồm các chữ số 0–9 thông thường.",
				"The ID number may contain only the ordinary digits 0–9.")
		case unicode.IsLetter(r):
			return IDNumber{}, idRefusal(
				"Số định danh cá nhân chỉ gồm chữ số, không có chữ cái.",
				"The ID number contains only digits, no letters.")
		default:
			return IDNumber{}, idRefusal(
				"Số định danh cá nhân chỉ gồm chữ số; ngoài dấu cách và dấu chấm, không được có ký tự khác.",
				"The ID number contains only digits; apart from spaces and dots no other character is allowed.")
		}
	}
	switch len(s) {
	case 12:
		return parseCCCD(s), nil
	case 9:
		return IDNumber{Digits: s, Kind: CMND}, nil
	default:
		// 10 or 11 digits is the usual slip (a digit too few, or a phone
		// number in the wrong field); every length gets the same message.
		return IDNumber{}, idRefusal(
			fmt.Sprintf("Số định danh cá nhân có 12 chữ số (CMND cũ có 9 chữ số); số vừa nhập có %d chữ số.", len(s)),
			fmt.Sprintf("A personal identification number has 12 digits (an old CMND has 9); this one has %d.", len(s)))
	}
}

func idRefusal(vi, en string) *refusal.Error {
	return refusal.New(refusal.Validation, vi, en).OnField("idNumber")
}

// parseCCCD decodes a string of 12 ASCII digits.
func parseCCCD(s string) IDNumber {
	g := int(s[3] - '0')
	year, _ := strconv.Atoi(s[4:6]) // two ASCII digits: cannot fail
	return IDNumber{
		Digits:        s,
		Kind:          CCCD,
		ProvinceCode:  s[:3],
		Male:          g%2 == 0,
		Century:       centuryOfDigit(g),
		YearTwoDigits: year,
	}
}

// centuryOfDigit is the century/gender table of Circular 59/2021/TT-BCA
// (male/female): 1900s 0/1, 2000s 2/3, 2100s 4/5, 2200s 6/7, 1800s 8/9.
func centuryOfDigit(g int) int {
	if g >= 8 {
		return 1800
	}
	return 1900 + g/2*100
}

// CheckBirthDate refuses a CCCD whose digits 4–6 disagree with the date of
// birth entered with it (docs/RULES.md: there is no check digit, so this is the
// only typo the number itself can reveal). The refusal says which digits
// disagree: digit 4 (century/gender), digits 5–6 (year of birth), or both;
// Extra "digits" is "4", "5-6" or "4-6". A CMND has nothing to check.
func (n IDNumber) CheckBirthDate(dob time.Time) error {
	if n.Kind != CCCD {
		return nil
	}
	centuryOK := n.Century == dob.Year()/100*100
	yearOK := n.YearTwoDigits == dob.Year()%100
	switch {
	case centuryOK && yearOK:
		return nil
	case !centuryOK && !yearOK:
		return idRefusal(
			"Chữ số thứ 4–6 của số định danh cá nhân (thế kỷ/giới tính và năm sinh) không khớp với ngày sinh đã nhập; hãy kiểm tra lại số định danh hoặc ngày sinh.",
			"Digits 4–6 of the ID number (century/gender and year of birth) do not match the date of birth entered; check the ID number or the date of birth.").
			With("digits", "4-6")
	case !centuryOK:
		return idRefusal(
			"Chữ số thứ 4 (thế kỷ/giới tính) của số định danh cá nhân không khớp với năm sinh đã nhập; hãy kiểm tra lại số định danh hoặc ngày sinh.",
			"Digit 4 of the ID number (century/gender) does not match the year of birth entered; check the ID number or the date of birth.").
			With("digits", "4")
	default:
		return idRefusal(
			"Chữ số thứ 5–6 (năm sinh) của số định danh cá nhân không khớp với năm sinh đã nhập; hãy kiểm tra lại số định danh hoặc ngày sinh.",
			"Digits 5–6 of the ID number (year of birth) do not match the year of birth entered; check the ID number or the date of birth.").
			With("digits", "5-6")
	}
}

// Warnings lists what an officer should double-check about an accepted ID
// number. A CCCD whose first three digits are not a known birth-registration
// province code gets a warning, not a refusal: citizens whose birth was
// registered abroad have other codes (docs/RULES.md).
func (n IDNumber) Warnings() []Warning {
	if n.Kind != CCCD {
		return nil
	}
	if _, ok := ProvinceName(n.ProvinceCode); ok {
		return nil
	}
	return []Warning{{
		Code: WarningUnknownProvince,
		VI:   "Ba chữ số đầu của số định danh cá nhân không phải mã tỉnh, thành phố nơi đăng ký khai sinh trong nước; hãy đối chiếu với thẻ căn cước.",
		EN:   "The first three digits of the ID number are not a Vietnamese birth-registration province code; compare with the identity card.",
	}}
}

// RequireCCCD refuses an ID number that cannot open a new account: since
// 1 Jan 2025 the 9-digit CMND can no longer be used for transactions (Law on
// Identification 26/2023/QH15 art. 46). The source document (2021) still
// allowed it; following the current law, a CMND is accepted only to look up
// an existing account and detect duplicates.
func RequireCCCD(n IDNumber) error {
	if n.Kind == CCCD && len(n.Digits) == 12 {
		return nil
	}
	return idRefusal(
		"Tài khoản mới cần số định danh cá nhân 12 chữ số. Chứng minh nhân dân 9 số chỉ dùng để tra cứu tài khoản đã có, vì từ ngày 01/01/2025 CMND không còn giá trị sử dụng (Điều 46 Luật Căn cước số 26/2023/QH15).",
		"A new account needs the 12-digit personal identification number. A 9-digit CMND serves only to look up an existing account: it is no longer valid since 1 Jan 2025 (Law on Identification 26/2023/QH15, art. 46).")
}
