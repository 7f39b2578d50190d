package proctest_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite" // to check the database file after the run

	"github.com/motcua/motcua/internal/testkit/fixtures"
	"github.com/motcua/motcua/internal/testkit/proctest"
)

// TestSQLiteKillAndRestart: a `serve --dev` on SQLite killed with SIGKILL
// right after writes and restarted on the same file starts and has every
// committed change; the restarted server finishes a case begun before the
// kill; the file passes SQLite's integrity check.
// Long because it is one scenario told in order: its steps share what the
// first ones set up and each checks what the one before left.
func TestSQLiteKillAndRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	dbFile := filepath.Join(dir, "motcua.db")
	srv := startServer(t, ctx, proctest.ServerConfig{
		Dir: dir, Database: "sqlite://" + dbFile, Dev: true, Args: []string{"--sms-console-delay", "100ms"},
	}, "sqlite")
	off, unitID, err := proctest.SignInRegistrar(ctx, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	scan := fixtures.File(t, "sample.docx")
	c1, c2, c3 := proctest.NewCitizen(3, 1), proctest.NewCitizen(3, 2), proctest.NewCitizen(3, 3)
	reg1, err := proctest.StartRegistration(ctx, off, c1, unitID, "cccd.docx", scan)
	if err != nil {
		t.Fatal(err)
	}
	code, err := proctest.DevOTP(ctx, off, reg1, c1.Phone)
	if err != nil {
		t.Fatal(err)
	}
	acc1, err := proctest.Complete(ctx, off, reg1, code)
	if err != nil {
		t.Fatal(err)
	}
	reg2, err := proctest.StartRegistration(ctx, off, c2, unitID, "cccd.docx", scan)
	if err != nil {
		t.Fatal(err)
	}
	if err := proctest.SendOTP(ctx, off, reg2); err != nil {
		t.Fatal(err)
	}
	reg3, err := proctest.StartRegistration(ctx, off, c3, unitID, "cccd.docx", scan)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}

	if err := srv.Start(ctx); err != nil {
		t.Fatalf("restart on the same file: %v", err)
	}
	// The session survived; every committed change is there.
	for id, want := range map[string]string{reg1: "CREATED", reg2: "OTP_SENT", reg3: "DRAFT"} {
		r, err := proctest.GetRegistration(ctx, off, id)
		if err != nil {
			t.Fatalf("after the restart: %v", err)
		}
		if r.State != want {
			t.Errorf("registration %s: %s after the restart, want %s", id, r.State, want)
		}
	}
	var mine struct {
		CitizenAccountsCreatedByMe struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	if err := proctest.Do(ctx, off, "mine", `{ citizenAccountsCreatedByMe(first: 1){ edges { node { id } } } }`, nil, &mine); err != nil {
		t.Fatal(err)
	}
	if e := mine.CitizenAccountsCreatedByMe.Edges; len(e) != 1 || e[0].Node.ID != acc1 {
		t.Errorf("newest account created by the registrar = %+v, want %s", e, acc1)
	}
	admin, err := proctest.SignIn(ctx, srv.URL, proctest.SuperAdmin, proctest.SuperAdminPass)
	if err != nil {
		t.Fatal(err)
	}
	var provinces struct{ Units struct{ TotalCount int } }
	if err := proctest.Do(ctx, admin, "units", `{ units(first: 1, where: {kind: PROVINCE}) { totalCount } }`, nil, &provinces); err != nil {
		t.Fatal(err)
	}
	if provinces.Units.TotalCount != 34 {
		t.Errorf("%d provinces after the restart (demo data seeded twice?), want 34", provinces.Units.TotalCount)
	}
	// The restarted server finishes the case begun before the kill.
	code, err = proctest.DevOTP(ctx, off, reg3, c3.Phone)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := proctest.Complete(ctx, off, reg3, code); err != nil {
		t.Fatal(err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}

	db, err := sql.Open("sqlite", dbFile)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var integrity string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
		t.Errorf("integrity_check: %q %v", integrity, err)
	}
	var accounts int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM accounts WHERE id_number IN (?, ?, ?)",
		c1.IDNumber, c2.IDNumber, c3.IDNumber).Scan(&accounts); err != nil || accounts != 2 {
		t.Errorf("accounts of the three citizens: %d %v, want 2", accounts, err)
	}
}
