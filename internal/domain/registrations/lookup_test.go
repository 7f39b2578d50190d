package registrations

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/auditevent"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
)

// lookups makes n lookups at once as actor, of the numbers idFor(first…),
// and returns the answers and the refusals.
func (f *fixture) lookups(t *testing.T, ctx context.Context, first, n int) (answered []*Lookup, refused []*refusal.Error) {
	t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			l, err := f.svc.Lookup(ctx, idFor(first+i))
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				answered = append(answered, l)
				return
			}
			r, ok := refusal.As(err)
			if !ok {
				t.Errorf("lookup: %v", err)
				return
			}
			refused = append(refused, r)
		})
	}
	wg.Wait()
	return answered, refused
}

// TestLookupBudgetUnderConcurrency: 120 lookups at once by one officer get
// exactly the minute's budget; the rest are RATE_LIMITED and say when to try
// again; another officer's budget is their own; the next minute opens again
// until the day's budget is spent.
func TestLookupBudgetUnderConcurrency(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		cfg := f.cfg
		cfg.LookupsPerMinute, cfg.LookupsPerDay = 30, 40
		f.svc = New(cfg)
		ctx := f.as(t, registrar1)

		answered, refused := f.lookups(t, ctx, 1000, 120)
		if len(answered) != 30 || len(refused) != 90 {
			t.Fatalf("%d answered, %d refused; want 30 and 90", len(answered), len(refused))
		}
		for _, r := range refused {
			if r.Code != refusal.RateLimited || r.Extra["availableAt"] != "2025-06-02T02:01:00Z" ||
				r.Extra["retryAfter"] != 60 || r.Extra["limit"] != "minute" {
				t.Fatalf("refusal %+v", r)
			}
			if !strings.Contains(r.VI, "09:01:00 02/06/2025") || !strings.Contains(r.EN, "in 60 seconds") {
				t.Fatalf("the refusal does not say when: %q / %q", r.VI, r.EN)
			}
		}
		if n := f.lookupEvents(t); n != 30 {
			t.Fatalf("%d lookups audited, want 30", n)
		}

		// Another officer has a budget of their own.
		if _, err := f.svc.Lookup(f.as(t, registrar2), idFor(2000)); err != nil {
			t.Fatalf("another officer: %v", err)
		}

		// A minute later: 10 more, the day's 40th is the last.
		f.clock.Advance(time.Minute)
		answered, refused = f.lookups(t, ctx, 3000, 110)
		if len(answered) != 10 || len(refused) != 100 {
			t.Fatalf("second minute: %d answered, %d refused; want 10 and 100", len(answered), len(refused))
		}
		r := refused[0]
		if r.Extra["limit"] != "day" || r.Extra["availableAt"] != "2025-06-03T02:00:00Z" || !strings.Contains(r.VI, "mỗi ngày") {
			t.Fatalf("day refusal %+v", r)
		}
		// A refused lookup is not audited and reads nothing.
		if n := f.lookupEvents(t); n != 41 {
			t.Fatalf("%d lookups audited, want 41", n)
		}
	})
}

// TestLookupAudit: every lookup is in the trail with the officer, the
// outcome and a keyed hash of the number, and no row holds the number.
func TestLookupAudit(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		existing := "001090000777"
		f.db.Client.Account.Create().SetIDNumber(existing).SetFullName("Đặng Thị Ánh").
			SetNameFolded("dang thi anh").SetDateOfBirth(dob1990).SetPhone("+84988000777").
			SetOrigin(account.OriginIMPORTED).ExecX(testkit.System())
		absent := idFor(42)
		ctx := f.as(t, registrar1)
		for _, n := range []string{existing, "001 090 000 777", absent} {
			if _, err := f.svc.Lookup(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
		evs, err := f.db.Client.AuditEvent.Query().Where(auditevent.Action(ActionLookup)).
			Order(auditevent.ByAppendSeq()).All(testkit.System())
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 3 {
			t.Fatalf("%d lookup events, want 3", len(evs))
		}
		wantExists := []bool{true, true, false}
		wantHash := []string{f.svc.LookupHash(existing), f.svc.LookupHash(existing), f.svc.LookupHash(absent)}
		for i, ev := range evs {
			if ev.Actor != string(f.accounts[registrar1].ID) || ev.Detail["officerID"] != string(f.officers[registrar1].ID) ||
				ev.Detail["exists"] != wantExists[i] || ev.TargetID != wantHash[i] || ev.UnitPath != f.desk1.Path {
				t.Errorf("event %d: %+v", i, ev)
			}
			b, _ := json.Marshal(ev)
			for _, number := range []string{existing, absent, "090000777"} {
				if strings.Contains(string(b), number) {
					t.Errorf("event %d holds the number: %s", i, b)
				}
			}
		}
		// The hash is keyed: another key gives another hash.
		other := f.cfg
		other.LookupKey = []byte(strings.Repeat("x", 32))
		if New(other).LookupHash(existing) == wantHash[0] {
			t.Error("the hash does not depend on the key")
		}
	})
}

func (f *fixture) lookupEvents(t *testing.T) int {
	t.Helper()
	n, err := f.db.Client.AuditEvent.Query().Where(auditevent.Action(ActionLookup)).Count(testkit.System())
	if err != nil {
		t.Fatal(err)
	}
	return n
}
