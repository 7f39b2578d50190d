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
// one).
type ranking struct {
	tiers, counted []tier
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

// rank returns the ranking of search; a blank search is one tier of every
// account. On SQLite the name tiers are shaped by probing the FTS5 and name
// indexes (migrations/sqlite, version 2), which costs a few index reads.
func rank(ctx context.Context, db *store.DB, search string) (ranking, error) {
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
	prefix, contains := account.NameFoldedHasPrefix(r.joined), r.contains()
	if !db.IsPostgres() {
		if prefix, contains, err = sqliteShapes(ctx, db, r); err != nil {
			return ranking{}, err
		}
	}
	return ranking{
		tiers: []tier{
			equal,
			account.And(prefix, account.NameFoldedNEQ(r.joined)),
			account.And(contains, account.Not(account.NameFoldedHasPrefix(r.joined))),
		},
		counted: []tier{equal, account.And(contains, account.NameFoldedNEQ(r.joined))},
	}, nil
}

// sqliteShapes chooses, for SQLite, how the prefix and contains tiers read
// the table. SQLite's LIKE ignores case, so no index serves it: a LIKE
// condition walks the primary key. For few candidates (< denseProbe) the
// prefix tier is a GLOB, which the b-tree account_name_folded serves as a
// range, and the contains tier is restricted to the rowids the FTS5
// trigram table accounts_name_fts finds (words of three letters or more;
// shorter ones are left to the LIKE filter).
func sqliteShapes(ctx context.Context, db *store.DB, r reading) (prefix, contains predicate.Account, err error) {
	prefix, contains = account.NameFoldedHasPrefix(r.joined), r.contains()
	var n int
	err = db.SQL.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM accounts
		WHERE name_folded GLOB ? LIMIT ?)`, r.joined+"*", denseProbe).Scan(&n)
	if err != nil {
		return nil, nil, fmt.Errorf("accounts: search: probe prefix: %w", err)
	}
	if n < denseProbe {
		// FoldedWords keeps no GLOB metacharacter (*, ?, [).
		pattern := r.joined + "*"
		prefix = func(s *entsql.Selector) { s.Where(entsql.ExprP(s.C(account.FieldNameFolded)+" GLOB ?", pattern)) }
	}
	q := ftsQuery(r.words)
	if q == "" {
		return prefix, contains, nil
	}
	// The probe keeps the rowids it finds: a MATCH of common trigrams costs
	// more than the rest of the search, so it runs once.
	rowids, err := ftsRowids(ctx, db, q)
	if err != nil {
		return nil, nil, err
	}
	if len(rowids) < denseProbe {
		contains = account.And(contains, func(s *entsql.Selector) {
			if len(rowids) == 0 {
				s.Where(entsql.False())
				return
			}
			s.Where(entsql.In(s.C("rowid"), rowids...))
		})
	}
	return prefix, contains, nil
}

// ftsRowids are the rowids of accounts whose folded name the FTS5 query q
// matches, at most denseProbe of them.
func ftsRowids(ctx context.Context, db *store.DB, q string) ([]any, error) {
	rows, err := db.SQL.QueryContext(ctx, `SELECT rowid FROM accounts_name_fts
		WHERE accounts_name_fts MATCH ? LIMIT ?`, q, denseProbe)
	if err != nil {
		return nil, fmt.Errorf("accounts: search: probe names: %w", err)
	}
	defer rows.Close()
	var out []any
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("accounts: search: probe names: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("accounts: search: probe names: %w", err)
	}
	return out, nil
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
