package sms

import (
	"strings"
	"unicode"
	"unicode/utf16"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// ASCII returns s without Vietnamese diacritics, keeping case: "Mật khẩu"
// becomes "Mat khau", "Đà Nẵng" becomes "Da Nang". Brand-name SMS in Vietnam
// is usually sent unaccented because a single accented letter switches the
// whole message to UCS-2, which fits 70 characters per SMS instead of 160.
func ASCII(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		// The transformers above cannot fail on a string; keep s if they do.
		out = s
	}
	// đ and Đ are letters of their own, not d plus a mark, so NFD leaves them.
	return strings.NewReplacer("đ", "d", "Đ", "D").Replace(out)
}

// gsm7Basic is the GSM 03.38 default alphabet; gsm7Extension holds the
// characters sent as an escape plus one septet (two septets each).
const (
	gsm7Basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsm7Extension = "\f^{}\\[~]|€"
)

// Segments returns how many SMS parts s takes: in the GSM 7-bit alphabet 160
// septets fit one SMS and 153 each part of a longer one; otherwise the text
// goes as UCS-2, 70 UTF-16 units in one SMS and 67 per part. An empty text
// still takes one SMS.
func Segments(s string) int {
	septets, gsm := 0, true
	for _, r := range s {
		switch {
		case strings.ContainsRune(gsm7Basic, r):
			septets++
		case strings.ContainsRune(gsm7Extension, r):
			septets += 2
		default:
			gsm = false
		}
		if !gsm {
			break
		}
	}
	if gsm {
		return parts(septets, 160, 153)
	}
	return parts(len(utf16.Encode([]rune(s))), 70, 67)
}

func parts(n, single, multi int) int {
	if n <= single {
		return 1
	}
	return (n + multi - 1) / multi
}
