package units

import (
	"context"
	"fmt"
	"strings"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/predicate"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/vn"
)

// SearchQuery is what the unit picker asks for.
type SearchQuery struct {
	// Text is a code prefix ("000.00.00.H3") or words of the name, in any
	// case, with or without diacritics ("trung tam phuc vu", "LẠNG SƠN").
	Text string
	// ServiceDesksOnly keeps the units whose officers may be granted
	// "create citizen accounts".
	ServiceDesksOnly bool
}

// Search pages through the units matching q (and the generic where filter),
// read through the caller's ctx so that the privacy policy applies.
//
// A text that looks like a code (only 0-9, A-Z and dots once upper-cased,
// with at least one dot or digit) matches units whose code starts with it,
// or whose folded name contains it; any other text matches units whose
// folded name contains every one of its folded words.
func (s *Service) Search(ctx context.Context, p store.Page, q SearchQuery, orderBy []*ent.UnitOrder, where *ent.UnitWhereInput) (*ent.UnitConnection, error) {
	page, err := p.Or(store.ShortListPageSize).Check()
	if err != nil {
		return nil, err
	}
	query := s.db.Client.Unit.Query()
	if p := textPredicate(q.Text); p != nil {
		query = query.Where(p)
	}
	if q.ServiceDesksOnly {
		query = query.Where(unit.IsServiceDesk(true))
	}
	conn, err := query.Paginate(ctx, page.After, page.First, page.Before, page.Last,
		ent.WithUnitOrder(orderBy), ent.WithUnitFilter(where.Filter))
	if err != nil {
		return nil, fmt.Errorf("units: search: %w", err)
	}
	return conn, nil
}

// textPredicate is the filter of a search text, nil for a blank one.
func textPredicate(text string) predicate.Unit {
	var byName []predicate.Unit
	for _, w := range vn.FoldedWords(text) {
		// name_folded is lower case without diacritics, and so is w: a plain
		// LIKE gives the same answer on SQLite and PostgreSQL.
		byName = append(byName, unit.NameFoldedContains(w))
	}
	var name predicate.Unit
	if len(byName) > 0 {
		name = unit.And(byName...)
	}
	code, isCode := codePrefix(text)
	switch {
	case isCode && name != nil:
		return unit.Or(unit.CodeHasPrefix(code), name)
	case isCode:
		return unit.CodeHasPrefix(code)
	default:
		return name
	}
}

// codePrefix upper-cases text and reports whether it looks like (the start
// of) a unit identifier code: only 0-9, A-Z and dots, with a dot or a digit,
// so that a plain word such as "son" is not taken for one.
func codePrefix(text string) (string, bool) {
	s := strings.ToUpper(strings.TrimSpace(text))
	if s == "" || len(s) > vn.MaxUnitCodeLength {
		return "", false
	}
	dotOrDigit := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.' || '0' <= c && c <= '9':
			dotOrDigit = true
		case 'A' <= c && c <= 'Z':
		default:
			return "", false
		}
	}
	return s, dotOrDigit
}
