package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestLookupAliasesCountOneByOne: one request with 40 aliased lookupCitizen
// calls draws 40 lookups on the registrar's budget (30 a minute by
// default): 30 lookups made, 10 RATE_LIMITED errors that say when to try again.
// Each answered lookup is in the audit trail, without the number.
func TestLookupAliasesCountOneByOne(t *testing.T) {
	databases(t, func(t *testing.T, s *testServer) {
		off := s.signIn(t, registrar, registrarPw)
		var q strings.Builder
		q.WriteString("{")
		numbers := map[string]bool{}
		for i := range 40 {
			n := fmt.Sprintf("0012019%05d", i)
			numbers[n] = true
			fmt.Fprintf(&q, " l%d: lookupCitizen(idNumber: %q) { exists maskedName }", i, n)
		}
		q.WriteString(" }")
		r, err := off.Do(context.Background(), q.String(), nil)
		if err != nil {
			t.Fatal(err)
		}
		// lookupCitizen is non-null: its errors null the whole answer, as
		// GraphQL wants; the 30 lookups made are in the audit trail below.
		if len(r.Errors) != 10 {
			t.Fatalf("%d errors, want 10 (%s)", len(r.Errors), r.Data)
		}
		for _, e := range r.Errors {
			at, _ := time.Parse(time.RFC3339, fmt.Sprint(e.Extensions["availableAt"]))
			wait, _ := e.Extensions["retryAfter"].(float64)
			if e.Code() != "RATE_LIMITED" || at.IsZero() || wait < 1 || !strings.Contains(e.Message, "thử lại lúc") {
				t.Fatalf("refusal %+v", e)
			}
		}

		// The super admin reads the trail: 30 lookups, no number in any.
		super := s.signIn(t, superAdmin, superPass)
		var trail struct {
			AuditEvents struct {
				TotalCount int
				Edges      []struct{ Node json.RawMessage }
			}
		}
		mustDo(t, super, `{ auditEvents(first: 100, where: {action: "citizen.lookup"}) { totalCount edges { node { actor action targetType targetID detail } } } }`, nil, &trail)
		if trail.AuditEvents.TotalCount != 30 {
			t.Fatalf("%d lookups audited, want 30", trail.AuditEvents.TotalCount)
		}
		for _, e := range trail.AuditEvents.Edges {
			for n := range numbers {
				if strings.Contains(string(e.Node), n) {
					t.Fatalf("audit event holds a looked-up number: %s", e.Node)
				}
			}
			if !strings.Contains(string(e.Node), `"IDNumberHash"`) || !strings.Contains(string(e.Node), `"exists":`) {
				t.Fatalf("audit event %s", e.Node)
			}
		}
	})
}
