package vn

// NormalizeLogin tells what a citizen typed in the sign-in or
// password-reset "login" field (docs/API.md: login = ID number or phone). After
// spaces and dots are removed, 12 or 9 ASCII digits are an ID number:
// ("id", digits). None of the phone spellings of docs/RULES.md has 9 or 12
// digits; a 9-digit mobile number typed without its leading 0 is read as a
// CMND, which is what it looks like. Otherwise a valid
// mobile number gives ("phone", E.164). Anything else gives ok false; the
// caller answers with its usual "wrong login or password" so that the answer
// does not reveal what was wrong.
func NormalizeLogin(raw string) (kind string, value string, ok bool) {
	digits := stripSpacesAndDots(raw)
	if isASCIIDigits(digits) && (len(digits) == 12 || len(digits) == 9) {
		return "id", digits, true
	}
	if e164, err := NormalizePhone(raw); err == nil {
		return "phone", e164, true
	}
	return "", "", false
}
