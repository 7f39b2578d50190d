package accounts

import (
	"context"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

// BenchmarkImport100k measures a real import of 100 000 generated accounts
// into an empty database (go test -run - -bench Import -benchtime 1x ./accounts).
func BenchmarkImport100k(b *testing.B) {
	const n = 100_000
	file := generated(1, n)
	for _, c := range []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", testenv.SQLite}, {"postgres", testenv.Postgres}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db := c.open(b)
				b.StartTimer()
				rep, err := Import(context.Background(), db, strings.NewReader(file), false, clock)
				if err != nil || rep.Created != n {
					b.Fatalf("import: %v, %d created", err, rep.Created)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
