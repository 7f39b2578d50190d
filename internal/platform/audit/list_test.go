package audit_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// TestListScope: who may read the trail and what of it. Refusals come
// before any read (and a bad page is refused only to an admin); a level-1
// admin reads the events of their subtree only, the super admin all of
// them, newest first. Long because it is a table of actors and what each
// may read.
func TestListScope(t *testing.T) {
	const (
		provA, deskA, provB = "/UNa/", "/UNa/UNdesk/", "/UNb/"
	)
	authz, err := policy.New(context.Background(), func(context.Context) ([]policy.Assignment, error) {
		return []policy.Assignment{
			{Subject: "ACsuper", Role: policy.SuperAdmin, Path: policy.RootPath},
			{Subject: "ACadminA", Role: policy.Admin, Path: provA},
			{Subject: "ACadminB", Role: policy.Admin, Path: provB},
			{Subject: "ACregistrar", Role: policy.Officer, Path: deskA},
			{Subject: "ACregistrar", Role: policy.Registrar, Path: deskA},
		}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	as := func(account string) context.Context {
		v := viewer.New(authz)
		v.AccountID = pulid.ID(account)
		return viewer.NewContext(context.Background(), v)
	}
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
		for i, path := range []string{deskA, provB, provA} {
			err := db.InTx(viewer.System(context.Background()), func(ctx context.Context, tx *store.Tx) error {
				return audit.Record(ctx, tx, at.Add(time.Duration(i)*time.Second), audit.Entry{
					Action: "officer.grant", TargetType: "Officer", TargetID: "OF" + path, UnitPath: path,
				})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		targets := func(ctx context.Context) []string {
			t.Helper()
			conn, err := audit.List(ctx, db.Client, store.Page{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range conn.Edges {
				out = append(out, e.Node.TargetID)
			}
			return out
		}
		if got, want := targets(as("ACsuper")), []string{"OF" + provA, "OF" + provB, "OF" + deskA}; !slices.Equal(got, want) {
			t.Errorf("super admin reads %v, want %v (newest first)", got, want)
		}
		if got, want := targets(as("ACadminA")), []string{"OF" + provA, "OF" + deskA}; !slices.Equal(got, want) {
			t.Errorf("admin of A reads %v, want %v", got, want)
		}
		if got, want := targets(as("ACadminB")), []string{"OF" + provB}; !slices.Equal(got, want) {
			t.Errorf("admin of B reads %v, want %v", got, want)
		}

		tooMany := store.MaxPageSize + 1
		for _, tt := range []struct {
			who  context.Context
			page store.Page
			code refusal.Code
		}{
			{context.Background(), store.Page{}, refusal.Unauthenticated},
			{viewer.System(context.Background()), store.Page{}, refusal.Unauthenticated},
			{as("ACcitizen"), store.Page{}, refusal.Forbidden},
			{as("ACregistrar"), store.Page{}, refusal.Forbidden},
			{as("ACcitizen"), store.Page{First: &tooMany}, refusal.Forbidden},
			{as("ACadminA"), store.Page{First: &tooMany}, refusal.Validation},
		} {
			conn, err := audit.List(tt.who, db.Client, tt.page, nil)
			if conn != nil {
				t.Errorf("a refused listing answered %d events", len(conn.Edges))
			}
			testkit.Refused(t, err, tt.code)
		}
	})
}
