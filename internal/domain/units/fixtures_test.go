package units

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/policy/viewer"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var testNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newService(db *store.DB) *Service {
	return New(db, func() time.Time { return testNow })
}

// signedIn is a context of a signed-in account that holds no role: units are
// public names, so that is enough to read them.
func signedIn() context.Context {
	return viewer.NewContext(context.Background(), &viewer.Viewer{AccountID: pulid.New("AC")})
}

// mustCreate creates a unit as the system in its own transaction.
func mustCreate(t *testing.T, db *store.DB, s *Service, code, name string, kind unit.Kind, parent *ent.Unit) *ent.Unit {
	t.Helper()
	u, err := create(db, s, testkit.System(), code, name, kind, parent)
	if err != nil {
		t.Fatalf("create %s: %v", code, err)
	}
	return u
}

func create(db *store.DB, s *Service, ctx context.Context, code, name string, kind unit.Kind, parent *ent.Unit) (*ent.Unit, error) {
	in := NewUnit{Code: code, Name: name, Kind: kind}
	if parent != nil {
		in.ParentID = &parent.ID
	}
	var out *ent.Unit
	err := db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		out, err = s.Create(ctx, tx, in)
		return err
	})
	return out, err
}

func countUnits(t *testing.T, db *store.DB) int {
	t.Helper()
	n, err := db.Client.Unit.Query().Count(testkit.System())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func byCode(t *testing.T, db *store.DB, code string) *ent.Unit {
	t.Helper()
	u, err := db.Client.Unit.Query().Where(unit.Code(code)).Only(testkit.System())
	if err != nil {
		t.Fatalf("unit %s: %v", code, err)
	}
	return u
}
