package vn

import (
	"strings"

	"github.com/motcua/motcua/internal/rules/refusal"
)

// MaxUnitCodeLength is the longest agency electronic identifier (QCVN
// 102:2016/BTTTT; Decision 20/2020/QĐ-TTg).
const MaxUnitCodeLength = 35

// NormalizeUnitCode reads an agency electronic identifier such as
// "000.00.00.H29": surrounding white space is trimmed and ASCII letters are
// upper-cased; the result must be 1 to 35 characters of 0-9, A-Z and dots
// (docs/RULES.md "Units": store any code of that form; the
// common LLL.LL.LL.Xnn layout is not enforced, so codes of other levels
// import too). A refusal is about field "code".
func NormalizeUnitCode(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", refusal.New(refusal.Validation,
			"Vui lòng nhập mã định danh đơn vị.",
			"Enter the unit identifier code.").OnField("code")
	}
	b := []byte(s)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z':
			b[i] = c - 'a' + 'A'
		case 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.':
		default:
			return "", refusal.New(refusal.Validation,
				"Mã định danh đơn vị chỉ gồm chữ số 0–9, chữ cái A–Z không dấu và dấu chấm (ví dụ 000.00.00.H29).",
				"A unit identifier code contains only the digits 0–9, the letters A–Z and dots (for example 000.00.00.H29).").OnField("code")
		}
	}
	if len(b) > MaxUnitCodeLength {
		return "", refusal.New(refusal.Validation,
			"Mã định danh đơn vị dài tối đa 35 ký tự.",
			"A unit identifier code is at most 35 characters long.").OnField("code")
	}
	return string(b), nil
}
