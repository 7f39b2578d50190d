package vn

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NormalizeName is the form every name (of a person or a unit) is stored in:
// Unicode NFC, trimmed, every run of Unicode white space (tabs, new lines,
// no-break spaces, ideographic spaces …) collapsed to one ASCII space.
// docs/RULES.md "Vietnamese text": NFC-normalise every name at the API edge, so a
// name typed with combining marks (NFD) and one typed precomposed are the same
// string and have the same length in runes.
func NormalizeName(s string) string {
	return collapseSpace(norm.NFC.String(s))
}

// collapseSpace trims s and replaces every run of white space by one space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Fold is the search key of a text: case and diacritics removed, so that
// "Đặng Thị Ánh", "dang thi anh", "ĐẶNG THỊ ÁNH" and the NFD spelling of the
// name all give "dang thi anh" (docs/RULES.md "Vietnamese text").
//
// Steps: canonical decomposition (NFD); lower case, with the d-with-stroke
// letters mapped to "d" (stripping combining marks leaves đ alone, because đ
// is a letter of its own, not d plus a mark); NFD again, since lower-casing
// can give a letter that decomposes; every combining mark dropped (category
// Mn, and any other character of non-zero canonical combining class); white
// space collapsed to single spaces and trimmed.
//
// The result is stored in an indexed column computed in Go so that SQLite and
// PostgreSQL agree; it must be deterministic and stable: it depends only on
// the input and on the Unicode tables of golang.org/x/text and the Go
// standard library, and Fold(Fold(s)) == Fold(s) for every s (FuzzFold).
// Dropping every character of non-zero combining class is what makes that
// hold: the result has nothing left for canonical reordering to move.
// Characters outside Vietnamese are kept (lower-cased, marks dropped), so the
// key of a foreign name is still meaningful.
func Fold(s string) string {
	if isASCII(s) {
		return foldASCII(s)
	}
	return foldUnicode(s)
}

// foldUnicode is Fold for any input; Fold takes a shortcut for ASCII.
func foldUnicode(s string) string {
	lowered := strings.Map(foldRune, norm.NFD.String(s))
	var b strings.Builder
	b.Grow(len(lowered))
	for _, r := range norm.NFD.String(lowered) {
		if isCombining(r) {
			continue
		}
		b.WriteRune(r)
	}
	return collapseSpace(b.String())
}

// isCombining reports whether r is a nonspacing mark or has a non-zero
// canonical combining class (no such character lies below U+0300).
func isCombining(r rune) bool {
	if r < 0x300 {
		return false
	}
	if unicode.Is(unicode.Mn, r) {
		return true
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	return norm.NFD.Properties(buf[:n]).CCC() != 0
}

// foldRune lower-cases r and maps the d-with-stroke look-alikes to 'd'.
func foldRune(r rune) rune {
	switch r {
	case 'đ', 'Đ', // U+0111, U+0110: Vietnamese
		'Ð', 'ð', // U+00D0, U+00F0: eth, often typed for Đ
		'Ɖ', 'ɖ': // U+0189, U+0256: African D, the other look-alike
		return 'd'
	}
	return unicode.ToLower(r)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldASCII is Fold for ASCII input (most search queries and SMS text): no
// normalisation is needed, only lower case and white space.
func foldASCII(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
			space = true
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteByte(c)
	}
	return b.String()
}

// FoldedWords is Fold split into words: letters, digits and (non-Vietnamese)
// spacing marks make up words; white space and punctuation separate them.
// "Nguyễn-Văn  A." gives ["nguyen" "van" "a"].
func FoldedWords(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
}

// The two phrases of the service-desk rule (source §2, §4.1), in NFC, lower
// case, with their diacritics: the rule is about the official name.
const (
	phrasePublicAdministrationCentre = "trung tâm phục vụ hành chính công"
	phraseOneStopDesk                = "bộ phận một cửa"
)

// IsServiceDeskName reports whether a unit name is the name of a service desk,
// whose officers may be granted "create citizen accounts" (docs/RULES.md, source
// §2 and §4.1): the name contains "Trung tâm phục vụ hành chính công" or
// "Bộ phận một cửa", compared case-insensitively after NFC normalisation and
// white-space collapsing, with Vietnamese-aware lower-casing (Đ→đ). A name
// typed in NFD matches; a name without diacritics ("Bo phan mot cua") does not.
func IsServiceDeskName(name string) bool {
	key := serviceDeskKey(name)
	return strings.Contains(key, phrasePublicAdministrationCentre) ||
		strings.Contains(key, phraseOneStopDesk)
}

// serviceDeskKey lower-cases per rune (unicode.ToLower, no language-specific
// special casing, so the result does not depend on a locale) and keeps the
// diacritics. NFC runs again after lower-casing because a lower-case letter
// can have a different composition than its capital.
func serviceDeskKey(name string) string {
	return norm.NFC.String(strings.ToLower(NormalizeName(name)))
}

// ServiceDeskPhrases are the two phrases of the service-desk rule, as written
// in the source document, for messages that tell an admin why a unit is not
// a service desk.
func ServiceDeskPhrases() []string {
	return []string{"Trung tâm phục vụ hành chính công", "Bộ phận một cửa"}
}

// isSpace is the white space of NormalizeName (strings.Fields uses the same).
func isSpace(r rune) bool { return unicode.IsSpace(r) }
