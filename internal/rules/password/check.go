package password

import (
	"bufio"
	_ "embed"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/rules/vn"
)

// Length limits, in runes after NFC normalisation (NIST SP 800-63B: at least
// 8, allow at least 64; the upper bound keeps hashing cheap).
const (
	MinRunes = 8
	MaxRunes = 128
)

// Reasons a password is refused, the "reason" extension of PASSWORD_TOO_WEAK.
const (
	ReasonTooShort          = "TOO_SHORT"
	ReasonTooLong           = "TOO_LONG"
	ReasonCommon            = "COMMON"
	ReasonContainsIDNumber  = "CONTAINS_ID_NUMBER"
	ReasonContainsPhone     = "CONTAINS_PHONE"
	ReasonContainsBirthDate = "CONTAINS_BIRTH_DATE"
	ReasonContainsName      = "CONTAINS_NAME"
)

// Facts are the account's own data, which its password must not be built from.
type Facts struct {
	IDNumber    string    // personal ID number (12-digit CCCD, or an old 9-digit one)
	Phone       string    // E.164, e.g. "+84912345678"
	FullName    string    // as on the ID card, with diacritics
	DateOfBirth time.Time // zero when unknown
}

// Check says whether pw may become the password of the account described by
// f. It refuses, with a *refusal.Error PASSWORD_TOO_WEAK on "newPassword"
// whose "reason" tells why:
//   - fewer than MinRunes or more than MaxRunes runes (counted after NFC, so
//     a Vietnamese letter typed with combining marks counts once);
//   - a common password, ignoring case and diacritics;
//   - a password built from the account's ID number (or its last 6+ digits),
//     phone, birth date or name: once folded (no case, no diacritics) and
//     stripped of everything but letters and digits, at least 60% of it is
//     made of those pieces, or it contains the whole ID number or phone.
//
// There are no composition rules (NIST SP 800-63B).
func Check(pw string, f Facts) error {
	pw = norm.NFC.String(pw)
	switch n := utf8.RuneCountInString(pw); {
	case n < MinRunes:
		return tooWeak(ReasonTooShort)
	case n > MaxRunes:
		return tooWeak(ReasonTooLong)
	}
	if isCommon(pw) {
		return tooWeak(ReasonCommon)
	}
	if reason := builtFromFacts(pw, f); reason != "" {
		return tooWeak(reason)
	}
	return nil
}

//go:embed common.txt
var commonTxt string

// commonPasswords is the set of common.txt, parsed once on first use and
// never changed after.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 10100)
	sc := bufio.NewScanner(strings.NewReader(commonTxt))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[vn.Fold(line)] = struct{}{}
	}
	return set
})

// isCommon reports whether pw is on the common list, ignoring case and
// diacritics ("MậtKhẩu123" is "matkhau123") and spaces ("pass word 1").
func isCommon(pw string) bool {
	set := commonPasswords()
	folded := vn.Fold(pw)
	for _, k := range []string{folded, strings.ReplaceAll(folded, " ", "")} {
		if _, ok := set[k]; ok {
			return true
		}
	}
	return false
}

// builtFromFacts returns the reason pw is built from the account's own data,
// or "" when it is not.
func builtFromFacts(pw string, f Facts) string {
	s := []rune(alnum(vn.Fold(pw)))
	if len(s) == 0 {
		return ""
	}
	id := digits(f.IDNumber)
	nsn := nationalNumber(f.Phone)
	// Containing the whole ID number or phone is enough, however long the rest.
	if len(id) >= 9 && strings.Contains(string(s), id) {
		return ReasonContainsIDNumber
	}
	if len(nsn) >= 8 && strings.Contains(string(s), nsn) {
		return ReasonContainsPhone
	}

	// Otherwise: which share of pw do pieces of each kind cover? The kinds
	// are in the order used to break ties when naming the reason.
	kinds := []struct {
		reason string
		pieces []string
	}{
		{ReasonContainsIDNumber, idPieces(id)},
		{ReasonContainsPhone, phonePieces(nsn)},
		{ReasonContainsName, namePieces(f.FullName)},
		{ReasonContainsBirthDate, datePieces(f.DateOfBirth)},
	}
	all := make([]bool, len(s))
	reason, best := "", 0
	for _, k := range kinds {
		covered := make([]bool, len(s))
		for _, p := range k.pieces {
			cover(s, []rune(p), covered)
		}
		n := 0
		for i, c := range covered {
			if c {
				n++
				all[i] = true
			}
		}
		if n > best {
			reason, best = k.reason, n
		}
	}
	total := 0
	for _, c := range all {
		if c {
			total++
		}
	}
	if 5*total >= 3*len(s) { // at least 60%
		return reason
	}
	return ""
}

// cover marks in covered every position of s inside an occurrence of piece.
func cover(s, piece []rune, covered []bool) {
	if len(piece) == 0 {
		return
	}
	for i := 0; i+len(piece) <= len(s); i++ {
		if string(s[i:i+len(piece)]) == string(piece) {
			for j := i; j < i+len(piece); j++ {
				covered[j] = true
			}
		}
	}
}

// idPieces are the ID number's suffixes of 6 digits or more.
func idPieces(id string) []string {
	var ps []string
	for n := 6; n <= len(id); n++ {
		ps = append(ps, id[len(id)-n:])
	}
	return ps
}

// nationalNumber is the phone's national significant number: "+84912345678",
// "84912345678" and "0912345678" all give "912345678".
func nationalNumber(phone string) string {
	d := digits(phone)
	switch {
	case strings.HasPrefix(strings.TrimSpace(phone), "+") && strings.HasPrefix(d, "84"):
		return d[2:]
	case strings.HasPrefix(d, "0"):
		return d[1:]
	case strings.HasPrefix(d, "84") && len(d) >= 11:
		return d[2:]
	}
	return d
}

// phonePieces are the ways people write their own number: 0912345678,
// 912345678, 84912345678.
func phonePieces(nsn string) []string {
	if len(nsn) < 8 {
		return nil
	}
	return []string{"0" + nsn, nsn, "84" + nsn}
}

// namePieces are the folded name without spaces and each of its words of two
// letters or more ("nguyenvanhung", "nguyen", "van", "hung").
func namePieces(name string) []string {
	words := strings.Fields(vn.Fold(name))
	var ps []string
	var whole strings.Builder
	for _, w := range words {
		w = alnum(w)
		whole.WriteString(w)
		if utf8.RuneCountInString(w) >= 2 {
			ps = append(ps, w)
		}
	}
	if whole.Len() > 0 {
		ps = append(ps, whole.String())
	}
	return ps
}

// datePieces are the birth date in the digit forms people use (separators
// are stripped from the password before matching, so 02/03/1990 is
// 02031990), plus the year and day-month, which combine with a name
// ("hung1990").
func datePieces(d time.Time) []string {
	if d.IsZero() {
		return nil
	}
	dd, mm := d.Format("02"), d.Format("01")
	yyyy, yy := d.Format("2006"), d.Format("06")
	day, month := strconv.Itoa(d.Day()), strconv.Itoa(int(d.Month()))
	return []string{
		dd + mm + yyyy, yyyy + mm + dd, mm + dd + yyyy, dd + mm + yy, yy + mm + dd,
		day + month + yyyy, day + month + yy, yyyy + month + day,
		dd + mm, yyyy,
	}
}

// alnum keeps only the letters and digits of s.
func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if '0' <= r && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// tooWeak is the refusal for reason; messages name the rule, never the data.
func tooWeak(reason string) *refusal.Error {
	var vi, en string
	switch reason {
	case ReasonTooShort:
		vi = "Mật khẩu phải có ít nhất 8 ký tự."
		en = "The password must be at least 8 characters long."
	case ReasonTooLong:
		vi = "Mật khẩu không được dài quá 128 ký tự."
		en = "The password must be at most 128 characters long."
	case ReasonCommon:
		vi = "Mật khẩu này quá phổ biến và dễ bị đoán. Vui lòng chọn mật khẩu khác."
		en = "This password is too common and easy to guess. Please choose another one."
	case ReasonContainsIDNumber:
		vi = "Mật khẩu không được đặt theo số định danh cá nhân của bạn."
		en = "The password must not be based on your ID number."
	case ReasonContainsPhone:
		vi = "Mật khẩu không được đặt theo số điện thoại của bạn."
		en = "The password must not be based on your phone number."
	case ReasonContainsBirthDate:
		vi = "Mật khẩu không được đặt theo ngày sinh của bạn."
		en = "The password must not be based on your date of birth."
	case ReasonContainsName:
		vi = "Mật khẩu không được đặt theo họ tên của bạn."
		en = "The password must not be based on your name."
	}
	return refusal.New(refusal.PasswordTooWeak, vi, en).
		OnField("newPassword").
		With("reason", reason)
}
