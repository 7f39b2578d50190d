package proctest_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/fixtures"
	"github.com/motcua/motcua/internal/testkit/proctest"
)

// TestKillAndRestart is "nothing is lost" (docs/FAULTS.md) on PostgreSQL: the
// server is killed with SIGKILL while completions, new registrations and
// SMS are in flight, and restarted on the same database (see
// proctest.RunKillRestart for what is checked).
func TestKillAndRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Second)
	defer cancel()
	rep, err := proctest.RunKillRestart(ctx, proctest.KillRestartConfig{
		Bin: motcuaBin, Dir: t.TempDir(), Database: dbtest.PostgresURL(t), SecretKey: secretKey, Scan: fixtures.File(t, "sample.docx"),
		Citizens: 20, Newcomers: 6, Desks: 4, Workers: 4, KillAfter: 6, FinalWithin: 30 * time.Second,
		Series: 2, Log: logTo(t, "server"),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rep.Tried {
		t.Log(s)
	}
	for _, c := range rep.Checks {
		if !c.OK {
			t.Errorf("%s: %s", c.What, c.Detail)
		} else {
			t.Logf("held: %s — %s", c.What, c.Detail)
		}
	}
}
