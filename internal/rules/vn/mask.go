package vn

import (
	"strings"
	"unicode/utf8"
)

// Masks are the only form in which an ID number, a phone number or the name
// of an existing account may appear in a page, a message or a log
// (docs/RULES.md "Personal data"; Decree 13/2023/NĐ-CP, from 1 Jan 2026
// Law 91/2025/QH15 on personal data protection).

// MaskIDNumber hides the middle of an ID number: a 12-digit number keeps its
// first four and last two digits ("001203012345" → "0012******45", the form of
// docs/RULES.md), a 9-digit CMND keeps two and two ("012345678" → "01*****78").
// Spaces and dots are dropped first. Anything else keeps its last two
// characters at most, so that a malformed input is never shown whole.
func MaskIDNumber(id string) string {
	d := []rune(stripSpacesAndDots(id))
	switch {
	case len(d) == 12:
		return keepEnds(d, 4, 2)
	case len(d) >= 7:
		return keepEnds(d, 2, 2)
	case len(d) >= 4:
		return keepEnds(d, 0, 2)
	default:
		return strings.Repeat("*", len(d))
	}
}

// keepEnds shows the first head and last tail runes of r and a star for each
// rune between them.
func keepEnds(r []rune, head, tail int) string {
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}

// MaskPhone masks an E.164 phone number: a Vietnamese mobile number
// "+84912345678" becomes "+84 91* *** 678" (docs/RULES.md); the operator prefix
// and the last three digits stay, so an officer can tell two numbers apart.
// Any other input keeps a leading "+" and its last three digits at most.
func MaskPhone(e164 string) string {
	if nsn, ok := strings.CutPrefix(e164, "+84"); ok && len(nsn) == 9 && isASCIIDigits(nsn) {
		return "+84 " + nsn[:2] + "* *** " + nsn[6:]
	}
	var b strings.Builder
	r := []rune(e164)
	for i, c := range r {
		switch {
		case i == 0 && c == '+':
			b.WriteRune(c)
		case i >= len(r)-3 && len(r) > 6:
			b.WriteRune(c)
		default:
			b.WriteByte('*')
		}
	}
	return b.String()
}

// MaskName shows the name of an existing account to an officer who looked
// up its ID number (docs/RULES.md "Personal data": only a masked name): the first
// word (the family name) is kept, every other word shows its first letter and
// two stars, whatever its length: "Nguyễn Văn Hùng" → "Nguyễn V** H**". A
// one-word name shows its first letter only. The name is NFC-normalised first
// so that the first letter keeps its diacritic ("Ánh" → "Á**").
func MaskName(fullName string) string {
	words := strings.Fields(NormalizeName(fullName))
	for i, w := range words {
		if i == 0 && len(words) > 1 {
			continue
		}
		first, _ := utf8.DecodeRuneInString(w)
		words[i] = string(first) + "**"
	}
	return strings.Join(words, " ")
}

// stripSpacesAndDots removes the separators people type inside numbers.
func stripSpacesAndDots(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || isSpace(r) {
			return -1
		}
		return r
	}, s)
}

func isASCIIDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
