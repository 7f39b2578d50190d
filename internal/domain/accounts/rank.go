package accounts

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/predicate"
	"github.com/motcua/motcua/internal/platform/store"
)

// Ranking (docs/SEARCH.md, "Order"): the matches of a search come in tiers,
// best first, each tier newest first (id descending):
//
//	0  exact: the identifier (phone, ID number, CMND, tax code), or the
//	   folded name equal to the folded search ("nguyen van anh");
//	1  the folded name starts with the folded search ("nguyen van a…");
//	2  every word somewhere in the name ("anh nguyen", "uyen").
//
// The tiers are disjoint and their union is exactly Match, so paging walks
// each tier by primary key and a cursor is (tier, id). Each tier is its own
// query, so that each can use the index that suits it: a common word fills a
// page from the first tier it reaches without reading the others.

// tier is one tier's condition; nil means every account.
type tier = predicate.Account

// ranking is how a search reads the table: the tiers of its pages, and the
// conditions its count adds up (tier 0, then tiers 1 and 2 together: one
// index read instead of two for a rare name, and an early stop for a common
// one). When an index gave the number of matches exactly (SQLite's word
// index, below), total holds it, capped at CountCap+1, and known is true: a
// search with no other filter then reads no account to count.
type ranking struct {
	tiers, counted []tier
	total          int
	known          bool
}

func oneTier(t tier) ranking { return ranking{tiers: []tier{t}, counted: []tier{t}} }

// denseProbe is the number of candidates beyond which a SQLite tier is read
// by walking the primary key newest first with the condition as a filter
// instead of through the FTS5 or name index: at that density the walk finds
// a page after a few thousand rows, while the index would hand every
// candidate to a sort. PostgreSQL's planner makes that choice itself.
const denseProbe = 2000

// ftsMinRunes is the shortest word the FTS5 trigram index can look up.
const ftsMinRunes = 3

// maxWordForms is the most words of the vocabulary a search word may be
// found in for the word index to look it up: one of one or two letters ("a",
// "n") is in most of them, and the union of so many lists costs more than a
// walk of the table.
const maxWordForms = 64

// rank returns the ranking of search; a blank search is one tier of every
// account. On SQLite the name tiers are shaped by probing the FTS5 and name
// indexes (migrations/sqlite, versions 2 and 13), which costs a few index
// reads. filtered says whether the list adds conditions of its own (scope,
// status, where), which a count taken from an index does not know.
func rank(ctx context.Context, db *store.DB, search string, filtered bool) (ranking, error) {
	r, ok, err := parse(search)
	if err != nil {
		return ranking{}, err
	}
	if !ok {
		return oneTier(nil), nil
	}
	exact := r.identifiers
	if r.words == nil {
		if len(exact) == 0 {
			return oneTier(account.IDIn()), nil // no valid reading: nothing
		}
		return oneTier(account.Or(exact...)), nil
	}
	// A search with a letter has no identifier reading (they are digits).
	equal := account.NameFolded(r.joined)
	s := shapes{prefix: account.NameFoldedHasPrefix(r.joined), contains: r.contains()}
	s.counted = s.contains
	if !db.IsPostgres() {
		if s, err = sqliteShapes(ctx, db, r, filtered); err != nil {
			return ranking{}, err
		}
	}
	return ranking{
		tiers: []tier{
			equal,
			account.And(s.prefix, account.NameFoldedNEQ(r.joined)),
			account.And(s.contains, account.Not(account.NameFoldedHasPrefix(r.joined))),
		},
		// equal is within contains: the two counted tiers are disjoint and
		// together are contains, whose size the word index may have given.
		counted: []tier{equal, account.And(s.counted, account.NameFoldedNEQ(r.joined))},
		total:   s.total, known: s.known && !filtered,
	}, nil
}

// shapes are the conditions a search's name tiers are read with: each is
// the condition of its tier (prefix, contains) and the SQL shape that suits
// the index; counted is contains as the count reads it; total is the number
// of contains matches (at most CountCap+1) when known.
type shapes struct {
	prefix, contains, counted predicate.Account
	total                     int
	known                     bool
}

// sqliteShapes chooses, for SQLite, how the prefix and contains tiers read
// the table. SQLite's LIKE ignores case, so no index serves it: a LIKE
// condition walks the primary key. The prefix tier is sqlitePrefix. For few
// candidates (< denseProbe) the contains tier is restricted to the rowids
// the word index accounts_name_words finds (wordQuery), or, when no word of
// the search can be looked up there, the FTS5 trigram table
// accounts_name_fts (words of three letters or more; shorter ones are left
// to the LIKE filter). The LIKE conditions stay in every shape: the indexes
// only narrow the rows read. When the word index finds exactly the matches,
// their number is read from it.
func sqliteShapes(ctx context.Context, db *store.DB, r reading, filtered bool) (s shapes, err error) {
	s.contains = r.contains()
	s.counted = s.contains
	if s.prefix, err = sqlitePrefix(ctx, db, r.joined); err != nil {
		return s, err
	}
	q, exact, none, err := wordQuery(ctx, db, r.words)
	if err != nil {
		return s, err
	}
	if none {
		s.contains, s.counted, s.known = account.IDIn(), account.IDIn(), true
		return s, nil
	}
	table := "accounts_name_words"
	if q == "" {
		// No word the word index can look up: the trigram index, whose
		// candidates are the LIKE conditions' candidates, not their matches.
		table, q, exact = "accounts_name_fts", ftsQuery(r.words), false
	}
	if q == "" {
		return s, nil
	}
	if exact {
		// The count of the word index is the count of the matches, counted
		// in SQLite (no rowid leaves it); a rare name's rowids are then read
		// by a second MATCH, below, which costs little.
		if s.total, err = ftsCount(ctx, db, table, q, CountCap+1); err != nil {
			return s, err
		}
		s.known = true
		if s.total >= denseProbe && !(filtered && s.total <= CountCap) {
			return s, nil // dense: the pages walk the primary key; counted
		}
	}
	// The rowids are kept: the tiers' pages and the count use them without
	// another MATCH (a MATCH of common words costs more than the pages).
	limit := denseProbe
	if exact && filtered {
		limit = CountCap + 1 // the count reads the matches through their rowids
	}
	rowids, err := ftsRowids(ctx, db, table, q, limit)
	if err != nil {
		return s, err
	}
	within := account.And(s.contains, func(sel *entsql.Selector) {
		if len(rowids) == 0 {
			sel.Where(entsql.False())
			return
		}
		sel.Where(entsql.In(sel.C("rowid"), rowids...))
	})
	if len(rowids) < denseProbe {
		s.contains = within
	}
	if len(rowids) < limit {
		s.counted = within
	}
	return s, nil
}

// sqlitePrefix is the condition of the prefix tier: for few candidates
// (< denseProbe) a GLOB, which the b-tree account_name_folded serves as a
// range; else the LIKE, walking the primary key.
func sqlitePrefix(ctx context.Context, db *store.DB, joined string) (predicate.Account, error) {
	var n int
	err := db.SQL.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM accounts
		WHERE name_folded GLOB ? LIMIT ?)`, joined+"*", denseProbe).Scan(&n)
	if err != nil {
		return nil, fmt.Errorf("probe prefix: %w", err)
	}
	if n >= denseProbe {
		return account.NameFoldedHasPrefix(joined), nil
	}
	// FoldedWords keeps no GLOB metacharacter (*, ?, [).
	pattern := joined + "*"
	return func(sel *entsql.Selector) {
		sel.Where(entsql.ExprP(sel.C(account.FieldNameFolded)+" GLOB ?", pattern))
	}, nil
}

// wordQuery is the query of the word index accounts_name_words (version 13
// of migrations/sqlite) that finds the names holding every search word, and
// exact is true when it finds exactly those (every word could be looked up);
// q is "" when no word could, none is true when a word is in no name. A
// search word (letters, digits and marks only) is a substring of a folded
// name exactly when it is a substring of one of the name's index words: the
// 'ascii' tokenizer cuts at spaces and ASCII punctuation, none of which a
// search word holds. Those index words are found in the vocabulary
// accounts_name_vocab (every space-separated word a name has had), cut the
// same way here. So "nguyen anh" is ("nguyen") AND ("anh" OR "thanh" OR
// "oanh" …); a word in more than maxWordForms words of the vocabulary is
// left out, to the LIKE filter (exact is then false).
func wordQuery(ctx context.Context, db *store.DB, words []string) (q string, exact, none bool, err error) {
	exact = true
	var groups []string
	for _, w := range words {
		forms, broad, err := wordForms(ctx, db, w)
		if err != nil {
			return "", false, false, err
		}
		switch {
		case broad:
			exact = false
		case len(forms) == 0:
			return "", true, true, nil
		default:
			groups = append(groups, `("`+strings.Join(forms, `" OR "`)+`")`) // no token holds a quote
		}
	}
	return strings.Join(groups, " AND "), exact, false, nil
}

// wordForms are the index words (tokens of the 'ascii' tokenizer) holding
// w; broad when more than maxWordForms words of the vocabulary hold it.
func wordForms(ctx context.Context, db *store.DB, w string) (forms []string, broad bool, err error) {
	// LIKE, as in the condition the index stands for (FoldedWords keeps no
	// wildcard).
	rows, err := db.SQL.QueryContext(ctx, `SELECT word FROM accounts_name_vocab
		WHERE word LIKE ? LIMIT ?`, "%"+w+"%", maxWordForms+1)
	if err != nil {
		return nil, false, fmt.Errorf("vocabulary: %w", err)
	}
	defer rows.Close()
	seen, n := map[string]bool{}, 0
	for rows.Next() {
		var word string
		if err := rows.Scan(&word); err != nil {
			return nil, false, fmt.Errorf("vocabulary: %w", err)
		}
		n++
		for _, t := range asciiTokens(word) {
			if !seen[t] && strings.Contains(asciiLower(t), w) {
				seen[t] = true
				forms = append(forms, t)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("vocabulary: %w", err)
	}
	return forms, n > maxWordForms, nil
}

// asciiTokens cuts s where FTS5's 'ascii' tokenizer does: at every ASCII
// character that is not a letter or a digit (every other byte belongs to a
// token).
func asciiTokens(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r < utf8.RuneSelf && !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	})
}

// asciiLower lower-cases the ASCII letters of s, as LIKE and the 'ascii'
// tokenizer compare them.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// ftsRowids are the rowids of accounts the FTS5 query q of table finds, at
// most limit of them.
func ftsRowids(ctx context.Context, db *store.DB, table, q string, limit int) ([]any, error) {
	rows, err := db.SQL.QueryContext(ctx, `SELECT rowid FROM `+table+` WHERE `+table+` MATCH ? LIMIT ?`, q, limit)
	if err != nil {
		return nil, fmt.Errorf("probe names: %w", err)
	}
	defer rows.Close()
	var out []any
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("probe names: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("probe names: %w", err)
	}
	return out, nil
}

// ftsCount is the number of rows the FTS5 query q of table finds, at most
// limit: counted in SQLite, no rowid comes out.
func ftsCount(ctx context.Context, db *store.DB, table, q string, limit int) (int, error) {
	var n int
	err := db.SQL.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM `+table+` WHERE `+table+` MATCH ? LIMIT ?)`, q, limit).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count names: %w", err)
	}
	return n, nil
}

// ftsQuery is the FTS5 query of the words the trigram index can look up:
// each a quoted phrase (a substring), all required; "" if there is none.
func ftsQuery(words []string) string {
	var parts []string
	for _, w := range words {
		if utf8.RuneCountInString(w) >= ftsMinRunes {
			parts = append(parts, `"`+w+`"`) // FoldedWords keeps no quote
		}
	}
	return strings.Join(parts, " AND ")
}
