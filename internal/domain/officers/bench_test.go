package officers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/domain/accounts"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

// BenchmarkSearch100k measures the admin search on 100 000 accounts, one
// sub-benchmark per query shape (docs/SEARCH.md):
//
//	go test -run - -bench Search100k -benchtime 200x -v ./officers
//
// With -v it also logs each database's plan for the name shapes.
func BenchmarkSearch100k(b *testing.B) {
	const n = 100_000
	shapes := []struct{ name, search string }{
		{"phone", "0980.012.345"},
		{"id-number", "002090012345"},
		{"tax-code", "0100233488"},
		{"name-rare", "dang quang yen"},
		{"name-common-word", "nguyen"},
		{"name-short-word", "vy"},
		{"name-no-match", "zzzz"},
		{"list-unfiltered", ""},
	}
	for _, c := range []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", testenv.SQLite}, {"postgres", testenv.Postgres}} {
		b.Run(c.name, func(b *testing.B) {
			db := c.open(b)
			ctx := context.Background()
			if _, err := accounts.Import(ctx, db, strings.NewReader(generatedAccounts(n)), false, time.Now); err != nil {
				b.Fatal(err)
			}
			if db.IsPostgres() {
				if _, err := db.SQL.ExecContext(ctx, "ANALYZE accounts"); err != nil {
					b.Fatal(err)
				}
			}
			logPlans(b, db)
			w := newWorld(b, db)
			// The super admin searches everything; a level-1 admin's scope
			// holds none of the imported accounts, so its name searches find
			// nothing after reading every candidate, and its exact ones read
			// as the system (docs/SEARCH.md, "Who finds what").
			for _, who := range []struct {
				prefix string
				ctx    context.Context
			}{{"", w.as(w.super)}, {"level1-", w.as(w.adminHN)}} {
				for _, s := range shapes {
					b.Run(who.prefix+s.name, func(b *testing.B) {
						for i := 0; i < b.N; i++ {
							if _, err := accounts.Search(who.ctx, w.db, accounts.Query{Search: s.search}); err != nil {
								b.Fatal(err)
							}
						}
					})
				}
			}
			// The price of a masked field: one query per account and field.
			b.Run("visible-level1", func(b *testing.B) {
				ctx := w.as(w.adminHN)
				for i := 0; i < b.N; i++ {
					if _, err := accounts.Visible(ctx, db.Client, w.citizen.ID); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// generatedAccounts is a CSV of n accounts with Vietnamese names drawn from
// common family, middle and given names.
func generatedAccounts(n int) string {
	families := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	middles := []string{"Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang"}
	givens := []string{"An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Vy", "Ánh", "Yến"}
	var b strings.Builder
	b.WriteString("id_number,full_name,date_of_birth,phone,email,status,origin\n")
	for i := 1; i <= n; i++ {
		name := families[i%len(families)] + " " + middles[(i/16)%len(middles)] + " " + givens[(i/128)%len(givens)]
		fmt.Fprintf(&b, "002090%06d,%s,1990-01-01,098%07d,,ACTIVE,IMPORTED\n", i, name, i)
	}
	return b.String()
}

func logPlans(b *testing.B, db *store.DB) {
	queries := map[string]string{
		"name words": "SELECT id FROM accounts WHERE name_folded LIKE '%dang%' AND name_folded LIKE '%quang%' AND name_folded LIKE '%yen%' ORDER BY id DESC LIMIT 21",
		"phone":      "SELECT id FROM accounts WHERE phone = '+84980012345' ORDER BY id DESC LIMIT 21",
	}
	explain := "EXPLAIN QUERY PLAN "
	if db.IsPostgres() {
		explain = "EXPLAIN "
	}
	for name, q := range queries {
		rows, err := db.SQL.Query(explain + q)
		if err != nil {
			b.Fatal(err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				b.Fatal(err)
			}
			lines = append(lines, fmt.Sprint(vals[len(vals)-1]))
		}
		rows.Close()
		b.Logf("%s plan for %s:\n%s", db.Dialect, name, strings.Join(lines, "\n"))
	}
}
