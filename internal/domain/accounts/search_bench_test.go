package accounts_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/officer"
	"github.com/motcua/motcua/internal/domain/accounts"
	"github.com/motcua/motcua/internal/domain/officers"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// searchShapes are the S3 shapes of docs/PERFORMANCE.md: Nguyễn is ~38 %
// of generated family names, Nghiêm 0.03 %.
var searchShapes = []struct{ shape, kind, term string }{
	{"prefix", "common", "nguy"},
	{"prefix", "rare", "nghie"},
	{"word", "common", "nguyen"},
	{"word", "rare", "nghiem"},
	{"substring", "common", "uyen"},
	{"substring", "rare", "ghie"},
	{"full name", "common", "nguyen van anh"},
	{"full name", "rare", "nghiem thi diep"},
}

// BenchmarkSearchShapes measures the admin search (a page of 10 with
// totalCount, as the super admin) of every S3 shape on a database made by
// `motcua seed generate` (MOTCUA_SEARCH_BENCH_DB=postgres://… or sqlite://…):
//
//	go test -run - -bench SearchShapes -benchtime 30x ./internal/domain/accounts
//
// Sub-benchmark "before" runs the statements of the unranked search with an
// exact count (Match, count every match, newest page), for comparison.
func BenchmarkSearchShapes(b *testing.B) {
	url := os.Getenv("MOTCUA_SEARCH_BENCH_DB")
	if url == "" {
		b.Skip("MOTCUA_SEARCH_BENCH_DB names no database")
	}
	db, err := store.Open(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := superAdmin(b, db)
	n := 10
	for _, mode := range []string{"after", "before"} {
		for _, s := range searchShapes {
			b.Run(mode+"/"+s.shape+"/"+s.kind, func(b *testing.B) {
				var times []time.Duration
				total := 0
				for b.Loop() {
					start := time.Now()
					if mode == "after" {
						conn, err := accounts.Search(ctx, db, accounts.Query{Search: s.term, Page: store.Page{First: &n}})
						if err != nil {
							b.Fatal(err)
						}
						total = conn.TotalCount
					} else {
						total = unranked(b, ctx, db, s.term, n)
					}
					times = append(times, time.Since(start))
				}
				slices.Sort(times)
				b.ReportMetric(float64(total), "matches")
				b.ReportMetric(ms(times[len(times)/2]), "p50-ms")
				b.ReportMetric(ms(times[(len(times)*95+99)/100-1]), "p95-ms")
			})
		}
	}
}

// unranked is the search before ranking and the cap: every match counted,
// then the newest page.
func unranked(b *testing.B, ctx context.Context, db *store.DB, term string, n int) int {
	match, _, err := accounts.Match(term)
	if err != nil {
		b.Fatal(err)
	}
	q := db.Client.Account.Query().Where(match)
	total, err := q.Clone().Count(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := q.Order(ent.Desc(account.FieldID)).Limit(n + 1).All(ctx); err != nil {
		b.Fatal(err)
	}
	return total
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// superAdmin is the context of a super admin of db: the first one there is,
// or one made of the newest account.
func superAdmin(b *testing.B, db *store.DB) context.Context {
	sys := viewer.System(context.Background())
	o, err := db.Client.Officer.Query().Where(officer.SuperAdmin(true)).First(sys)
	if ent.IsNotFound(err) {
		a, err2 := db.Client.Account.Query().Order(ent.Desc(account.FieldID)).First(sys)
		if err2 != nil {
			b.Fatal(err2)
		}
		o, err = db.Client.Officer.Create().SetAccountID(a.ID).SetSuperAdmin(true).Save(sys)
	}
	if err != nil {
		b.Fatal(err)
	}
	authz, err := policy.New(sys, officers.Assignments(db.Client))
	if err != nil {
		b.Fatal(err)
	}
	v := viewer.New(authz)
	v.AccountID = o.AccountID
	return viewer.NewContext(context.Background(), v)
}
