package vn

import "strings"

// ValidTaxCode checks a tax code (mã số thuế, MST) and returns it in its
// stored form. Accepted (white space around and inside is ignored):
//
//   - 10 digits: 2-digit province, 7-digit sequence and a check digit: with
//     weights 31, 29, 23, 19, 17, 13, 7, 5, 3 over the first nine digits,
//     check = 10 − (sum mod 11), and a result of 10 means the code is
//     invalid. "0100233488" is valid, "0100233480" is not.
//   - a branch: the 10 digits, "-" and 001…999, also typed without the dash
//     (13 digits); normalized with the dash: "0314409058-002".
//   - 12 digits: since 1 Jul 2025 an individual's tax code is their personal
//     identification number (Circular 86/2024/TT-BTC); returned as is. Its
//     structure is ParseIDNumber's business.
func ValidTaxCode(raw string) (normalized string, ok bool) {
	s := strings.Map(func(r rune) rune {
		if isSpace(r) {
			return -1
		}
		return r
	}, raw)
	head, branch, dashed := strings.Cut(s, "-")
	if !dashed && len(s) == 13 {
		head, branch = s[:10], s[10:]
	}
	if !isASCIIDigits(head) {
		return "", false
	}
	if dashed || branch != "" {
		if len(head) != 10 || len(branch) != 3 || !isASCIIDigits(branch) || branch == "000" || !taxCheckDigitOK(head) {
			return "", false
		}
		return head + "-" + branch, true
	}
	switch len(head) {
	case 10:
		if !taxCheckDigitOK(head) {
			return "", false
		}
		return head, true
	case 12:
		return head, true
	default:
		return "", false
	}
}

// taxCheckDigitOK checks the tenth digit of ten ASCII digits.
func taxCheckDigitOK(d string) bool {
	weights := [9]int{31, 29, 23, 19, 17, 13, 7, 5, 3} // docs/RULES.md "Identity numbers"
	sum := 0
	for i, w := range weights {
		sum += int(d[i]-'0') * w
	}
	check := 10 - sum%11
	return check != 10 && int(d[9]-'0') == check
}
