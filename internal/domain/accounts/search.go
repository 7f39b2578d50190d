// Package accounts is about portal accounts as admins see them: the search
// that finds an account by name, phone, ID number or tax code (source §2
// step 1), and the import of accounts that already exist on the portal.
package accounts

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/predicate"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/rules/vn"
)

// MaxSearchLength is the longest search string accepted, in runes. A full
// name is at most 100 runes; the bound keeps the generated SQL small.
const MaxSearchLength = 100

// Match is the predicate of an admin search (source §2 step 1: "search by
// name, phone number, ID number (CMND/CCCD) or tax code"). Every reading of
// the search string that is valid is tried, and an account matches when any
// of them does:
//
//   - a mobile number in any spelling vn.NormalizePhone accepts
//     ("0912.345.678", "+84912345678"): phone equals its E.164 form;
//   - 12 digits (spaces and dots allowed): the personal identification
//     number, or a 12-digit CMND kept as an alias;
//   - 9 digits: an old CMND, as the account's number or its alias;
//   - a 10-digit tax code or a 13-digit branch code (check digit valid);
//     a 12-digit tax code is the ID number, covered above;
//   - words with at least one letter: every folded word (vn.FoldedWords) is a
//     substring of the folded name (name_folded = vn.Fold(full_name)), so
//     "Đặng Thị Ánh", "dang thi anh", "ĐẶNG" and the NFD spelling all find
//     the same person, and so do "thi anh" and "ánh đặng".
//
// A blank search gives ok false: no condition. A search with no valid
// reading gives a predicate that matches nothing. docs/SEARCH.md says which
// of these shapes an index serves on each database.
func Match(search string) (p predicate.Account, ok bool, err error) {
	r, ok, err := parse(search)
	if !ok || err != nil {
		return nil, ok, err
	}
	alts := r.identifiers
	if r.words != nil {
		alts = append(alts, r.contains())
	}
	if len(alts) == 0 {
		return account.IDIn(), true, nil // IN () is FALSE: nothing matches
	}
	return account.Or(alts...), true, nil
}

// reading is a search string read every way Match reads it.
type reading struct {
	identifiers []predicate.Account // phone, ID number, CMND, tax code equalities
	words       []string            // folded words, when the string has a letter
	joined      string              // the words joined by one space
}

func parse(search string) (r reading, ok bool, err error) {
	if utf8.RuneCountInString(search) > MaxSearchLength {
		return r, false, refusal.New(refusal.Validation,
			"Chuỗi tìm kiếm quá dài (tối đa 100 ký tự).",
			"The search text is too long (at most 100 characters).").OnField("search")
	}
	words := vn.FoldedWords(search)
	if len(words) == 0 {
		return r, false, nil
	}
	if e164, err := vn.NormalizePhone(search); err == nil {
		r.identifiers = append(r.identifiers, account.Phone(e164))
	}
	if id, err := vn.ParseIDNumber(search); err == nil {
		r.identifiers = append(r.identifiers, account.IDNumber(id.Digits), account.CmndNumber(id.Digits))
	}
	if tc, ok := vn.ValidTaxCode(search); ok && len(tc) != 12 {
		r.identifiers = append(r.identifiers, account.TaxCode(tc))
	}
	if hasLetter(words) {
		r.words, r.joined = words, strings.Join(words, " ")
	}
	return r, true, nil
}

// contains: every word is a substring of the folded name. FoldedWords
// keeps only letters, digits and marks: no LIKE wildcard can reach the
// pattern (ent escapes them anyway).
func (r reading) contains() predicate.Account {
	all := make([]predicate.Account, len(r.words))
	for i, w := range r.words {
		all[i] = account.NameFoldedContains(w)
	}
	return account.And(all...)
}

func hasLetter(words []string) bool {
	for _, w := range words {
		for _, r := range w {
			if unicode.IsLetter(r) {
				return true
			}
		}
	}
	return false
}
