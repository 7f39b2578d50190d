package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// searchCase is one admin search: a shape of what is typed and a term
// whose matches are common or rare among generated names.
type searchCase struct {
	Shape, Kind, Term string
}

// searchCases: names are stored folded (no case, no diacritics), and each
// typed word must be a substring of the folded name. Nguyễn is ~38 % of
// generated family names; Nghiêm 0.03 %.
var searchCases = []searchCase{
	{"prefix", "common", "nguy"},
	{"prefix", "rare", "nghie"},
	{"word", "common", "nguyen"},
	{"word", "rare", "nghiem"},
	{"substring", "common", "uyen"},
	{"substring", "rare", "ghie"},
	{"full name", "common", "nguyen van anh"},
	{"full name", "rare", "nghiem thi diep"},
}

// searchQuery is the admin screen's query (frontend/src/graphql/operations.ts:
// Accounts with AccountFields, first 10, with totalCount).
const searchQuery = `query($search: String, $first: Int) { accounts(search: $search, first: $first) {
  totalCount totalCountCapped pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  edges { node { id idNumberMasked fullName dateOfBirth phoneMasked email status origin mustChangePassword createdAt } } } }`

// searchResult is one case on one database.
type searchResult struct {
	searchCase
	Matches            int // totalCount (at most 10,001: accounts.CountCap)
	Samples            int
	P50, P95, P99, Max time.Duration
	DBMeanMS           float64 // PostgreSQL execution time per search
	TopStatement       string  // the statement that took most of it
	TopStatementMS     float64
	Plan               string // EXPLAIN ANALYZE of the costliest statement (PostgreSQL, common word)
	Failed             int
	Error              string
}

type s3Result struct {
	Postgres, SQLite             []searchResult
	PostgresRows, SQLiteRows     int
	PostgresSkipped, SQLiteNotes string
}

func (b *bench) s3(ctx context.Context) error {
	r := &s3Result{PostgresRows: b.pgData.stats.Accounts, SQLiteRows: b.sqlData.stats.Accounts}
	b.results.S3 = r
	srv, err := b.pgServer(ctx, "s3-motcua-pg")
	if err != nil {
		return err
	}
	admin, err := b.pg.admin(b.pgData.db)
	if err != nil {
		return err
	}
	defer admin.Close()
	if r.Postgres, err = b.searches(ctx, srv, admin, "S3-pg"); err != nil {
		return err
	}
	srv.stop(10 * time.Second)
	lite, err := b.startServer(ctx, serverOptions{name: "s3-motcua-sqlite", database: b.sqlData.url})
	if err != nil {
		return err
	}
	r.SQLite, err = b.searches(ctx, lite, nil, "S3-sqlite")
	return err
}

// searches runs every case one request at a time (no queueing: the latency
// of a search on an idle server) for up to the window or 200 searches.
func (b *bench) searches(ctx context.Context, srv *server, admin *sql.DB, profileName string) ([]searchResult, error) {
	sa, err := srv.signIn(ctx, superAdminLogin, superAdminPass)
	if err != nil {
		return nil, err
	}
	maxSearches := 200
	if b.cfg.quick {
		maxSearches = 40
	}
	var out []searchResult
	for _, c := range searchCases {
		res := searchResult{searchCase: c}
		body, _ := json.Marshal(map[string]any{"query": searchQuery, "variables": map[string]any{"search": c.Term, "first": 10}})
		target := graphQLTarget(srv.url+"/graphql", sa.Token, body, nil)
		// One search first: the match count, and a warm cache.
		var first struct {
			Accounts struct{ TotalCount int }
		}
		if err := do(ctx, sa, searchQuery, map[string]any{"search": c.Term, "first": 10}, &first); err != nil {
			res.Error = err.Error()
			out = append(out, res)
			continue
		}
		res.Matches = first.Accounts.TotalCount
		if admin != nil {
			resetStatements(ctx, admin)
		}
		a := attack{targeter: limited([]vegeta.Target{target}, maxSearches), workers: 1, duration: 2 * b.cfg.duration,
			meter: b.meter(srv)}
		if c.Shape == "word" && c.Kind == "common" {
			a.during = func(d time.Duration) {
				b.startProfile(profileName, srv.pid(), "the server (S3 word search, common name)", min(d, 8*time.Second))
			}
		}
		st := a.run()
		res.Samples, res.Failed = st.OK, st.Failed
		res.P50, res.P95, res.P99, res.Max = st.P50, st.P95, st.P99, st.Max
		for e := range st.Errors {
			res.Error = e
		}
		if admin != nil && st.Requests > 0 {
			res.DBMeanMS, res.TopStatement, res.TopStatementMS = dbTime(ctx, admin, st.Requests)
			if c.Shape == "word" && c.Kind == "common" {
				res.Plan = explain(ctx, admin, res.TopStatement, "%"+c.Term+"%")
			}
		}
		logf("S3 %-9s %-6s %-16q %8d matches: p50 %s p95 %s p99 %s (%d searches) db %.1f ms",
			c.Shape, c.Kind, c.Term, res.Matches, ms(res.P50), ms(res.P95), ms(res.P99), res.Samples, res.DBMeanMS)
		out = append(out, res)
	}
	return out, nil
}

// dbTime is the motcua role's PostgreSQL execution time per request since
// the last reset, and the statement that took most of it.
func dbTime(ctx context.Context, db *sql.DB, requests int) (perRequest float64, top string, topMean float64) {
	var total sql.NullFloat64
	_ = db.QueryRowContext(ctx, `SELECT sum(total_exec_time) FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
		WHERE r.rolname = 'motcua'`).Scan(&total)
	var q string
	_ = db.QueryRowContext(ctx, `SELECT query, mean_exec_time FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
		WHERE r.rolname = 'motcua' ORDER BY total_exec_time DESC LIMIT 1`).Scan(&q, &topMean)
	return total.Float64 / float64(requests), oneLine(q, 400), topMean
}

// explain runs EXPLAIN (ANALYZE, BUFFERS) of a statement with one LIKE
// parameter, as pg_stat_statements normalised it ("" if it has others).
func explain(ctx context.Context, db *sql.DB, query, like string) string {
	if !strings.Contains(query, "$1") || strings.Contains(query, "$2") {
		return ""
	}
	rows, err := db.QueryContext(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+query, like)
	if err != nil {
		return "EXPLAIN failed: " + err.Error()
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var line string
		if rows.Scan(&line) == nil {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// String is for the console.
func (s searchResult) String() string {
	return fmt.Sprintf("%s/%s %q: p95 %s", s.Shape, s.Kind, s.Term, ms(s.P95))
}
