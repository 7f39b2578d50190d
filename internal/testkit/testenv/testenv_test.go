package testenv

import (
	"context"
	"testing"

	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/policy/viewer"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestMigratedDatabases(t *testing.T) {
	Databases(t, func(t *testing.T, db *store.DB) {
		n, err := db.Client.Unit.Query().Count(viewer.System(context.Background()))
		if err != nil || n != 0 {
			t.Fatalf("fresh database: %d units, %v", n, err)
		}
	})
}
