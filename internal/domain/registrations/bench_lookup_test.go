package registrations

import (
	"testing"

	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

// BenchmarkLookup is one citizen lookup as a registrar makes it: the budget
// taken, the account read and the audit event written, in one transaction.
//
//	go test -run - -bench Lookup -benchtime 500x ./enrol
func BenchmarkLookup(b *testing.B) {
	for _, c := range []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", testenv.SQLite}, {"postgres", testenv.Postgres}} {
		b.Run(c.name, func(b *testing.B) {
			f := newFixture(b, c.open(b))
			cfg := f.cfg
			cfg.LookupsPerMinute, cfg.LookupsPerDay = 1<<30, 1<<30
			f.svc = New(cfg)
			ctx := f.as(b, registrar1)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := f.svc.Lookup(ctx, idFor(i%1000)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
