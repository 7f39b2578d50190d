package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cli runs one motcua command line and returns its outputs.
func cli(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCommands(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "m.db")

	if _, _, err := cli(t, "", "migrate", "--database", db); err != nil {
		t.Fatalf("migrate: %v", err)
	}

	importUnits(t, db)

	// Accounts.
	accounts := writeFile(t, "accounts.csv", "id_number,full_name,date_of_birth,phone,email,status,origin\n"+
		"001090123456,Nguyễn Văn Bình,1990-05-06,0912 345 678,,ACTIVE,IMPORTED\n"+
		"001090123457,Trần Thị C,1990-13-01,0912 345 679,,ACTIVE,IMPORTED\n")
	_, stderr, err := cli(t, "", "accounts", "import", accounts, "--database", db)
	if err == nil || !strings.Contains(stderr, ":3:") {
		t.Fatalf("accounts with a bad date: err %v, stderr %q", err, stderr)
	}

	// The first super admin, password on stdin.
	out, _, err := cli(t, "rat kho doan mat khau nay\n", "admin", "create-super",
		"--id-number", "001078123456", "--name", "Nguyễn Văn An", "--phone", "0987 111 222", "--database", db)
	if err != nil || !strings.Contains(out, "super admin created") {
		t.Fatalf("create-super: %v %q", err, out)
	}

	// No server ran: the events of the commands above wait for a sealer.
	out, _, err = cli(t, "", "audit", "verify", "--database", db)
	if err != nil || !strings.Contains(out, "audit chain intact: 0 events") || !strings.Contains(out, "events not yet sealed") {
		t.Fatalf("audit verify before sealing: %v %q", err, out)
	}
	if out, _, err = cli(t, "", "audit", "seal", "--database", db); err != nil || !strings.Contains(out, "sealed ") {
		t.Fatalf("audit seal: %v %q", err, out)
	}
	out, _, err = cli(t, "", "audit", "verify", "--database", db)
	if err != nil || !strings.Contains(out, "audit chain intact") || strings.Contains(out, "not yet sealed") {
		t.Fatalf("audit verify: %v %q", err, out)
	}

	if _, _, err := cli(t, "", "frobnicate"); err == nil {
		t.Fatal("unknown command accepted")
	}
}

// importUnits checks `motcua units import` on db: a bad file lists every bad
// row with its line and writes nothing; a dry run writes nothing; then two
// units are imported.
func importUnits(t *testing.T, db string) {
	t.Helper()
	bad := writeFile(t, "bad.csv", "code,name,parent_code,kind\n"+
		"000.00.00.H99,Tỉnh Thử Nghiệm,,PROVINCE\n"+
		"bad code!,Xã A,000.00.00.H99,COMMUNE\n"+
		"000.00.51.H99,Xã B,NOPE,COMMUNE\n")
	_, stderr, err := cli(t, "", "units", "import", bad, "--dry-run", "--database", db)
	if err == nil || !strings.Contains(stderr, ":3:") || !strings.Contains(stderr, ":4:") {
		t.Fatalf("bad units file: err %v, stderr %q", err, stderr)
	}
	good := writeFile(t, "good.csv", "code,name,parent_code,kind\n"+
		"000.00.00.H99,Tỉnh Thử Nghiệm,,PROVINCE\n"+
		"000.00.01.H99,Trung tâm Phục vụ hành chính công tỉnh Thử Nghiệm,000.00.00.H99,agency\n")
	out, _, err := cli(t, "", "units", "import", "--dry-run", good, "--database", db)
	if err != nil || !strings.Contains(out, "2 rows are valid") {
		t.Fatalf("dry run: %v %q", err, out)
	}
	out, _, err = cli(t, "", "units", "import", good, "--database", db)
	if err != nil || !strings.Contains(out, "imported 2 units") {
		t.Fatalf("import: %v %q", err, out)
	}
}

func TestHelpIsNotAFailure(t *testing.T) {
	for _, args := range [][]string{
		{"help"}, {"--help"}, {"serve", "--help"}, {"serve", "-h"}, {"migrate", "-help"}, {"units", "import", "--help"},
	} {
		stdout, stderr, err := cli(t, "", args...)
		if err != nil {
			t.Errorf("motcua %s: %v", strings.Join(args, " "), err)
		}
		if !strings.Contains(stdout+stderr, "Usage") {
			t.Errorf("motcua %s printed no usage: %q %q", strings.Join(args, " "), stdout, stderr)
		}
	}
	stdout, stderr, _ := cli(t, "", "serve", "--help")
	if !strings.Contains(stdout+stderr, "-database") || !strings.Contains(stdout+stderr, "-sms-workers") {
		t.Errorf("serve --help does not list the flags: %q", stdout+stderr)
	}
	if _, _, err := cli(t, "", "serve", "--no-such-flag"); err == nil {
		t.Error("an unknown flag is accepted")
	}
}

func TestServeRefusesDevOnPublicAddress(t *testing.T) {
	_, _, err := cli(t, "", "serve", "--dev", "--addr", "0.0.0.0:0", "--database", "sqlite://"+filepath.Join(t.TempDir(), "m.db"))
	if err == nil || !strings.Contains(err.Error(), "non-loopback") {
		t.Fatalf("serve --dev on 0.0.0.0: %v", err)
	}
}

func TestEnvironmentVariables(t *testing.T) {
	t.Setenv("MOTCUA_DATABASE", "sqlite://"+filepath.Join(t.TempDir(), "env.db"))
	out, _, err := cli(t, "", "migrate")
	if err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate with MOTCUA_DATABASE: %v %q", err, out)
	}
	if _, err := os.Stat(strings.TrimPrefix(os.Getenv("MOTCUA_DATABASE"), "sqlite://")); err != nil {
		t.Fatalf("MOTCUA_DATABASE was not used: %v", err)
	}
}

// An OTP's receipt deadline must end within the code's life, by flag or by
// environment variable.
func TestServeRefusesAnOTPReceiptDeadlineBeyondTheCode(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "m.db")
	_, _, err := cli(t, "", "serve", "--dev", "--addr", "127.0.0.1:0", "--database", db, "--sms-receipt-deadline-otp", "5m")
	if err == nil || !strings.Contains(err.Error(), "receipt deadline") {
		t.Fatalf("serve with a 5m OTP deadline: %v", err)
	}
	t.Setenv("MOTCUA_SMS_RECEIPT_DEADLINE_OTP", "6m")
	_, _, err = cli(t, "", "serve", "--dev", "--addr", "127.0.0.1:0", "--database", db)
	if err == nil || !strings.Contains(err.Error(), "receipt deadline") {
		t.Fatalf("serve with MOTCUA_SMS_RECEIPT_DEADLINE_OTP=6m: %v", err)
	}
}

// A replica started with --migrate=false runs only on the schema version of
// its build and says what to run otherwise.
func TestServeWithoutMigrateRefusesAnUnmigratedDatabase(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "m.db")
	_, _, err := cli(t, "", "serve", "--dev", "--addr", "127.0.0.1:0", "--database", db, "--migrate=false")
	if err == nil || !strings.Contains(err.Error(), "no schema version") || !strings.Contains(err.Error(), "run `motcua migrate`") {
		t.Fatalf("serve --migrate=false on an unmigrated database: %v", err)
	}
}
