package proctest_test

import (
	"context"
	"database/sql"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/fixtures"
	"github.com/motcua/motcua/internal/testkit/proctest"
)

// TestTwoReplicas runs two `serve --dev` replicas on one PostgreSQL
// database with the http SMS provider: a receipt posted to
// B shows on a subscription on A, each message is sent once although both
// replicas run workers, and a grant made on A applies on B.
//
// The replicas start one after the other: started at the same instant on
// an empty database, the second fails seeding the demo data (see
// docs/FAULTS.md, "replicas starting at once").
// Long because it is one scenario told in order: its steps share what the
// first ones set up and each checks what the one before left.
func TestTwoReplicas(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dbURL := dbtest.PostgresURL(t)
	gw := proctest.NewGateway(proctest.GatewayConfig{ReceiptSecret: []byte(receiptSecret)})
	defer gw.Close()
	scans := "file://" + t.TempDir() + "?create_dir=1&no_tmp_dir=1"
	replica := func(name string) *proctest.Server {
		return startServer(t, ctx, proctest.ServerConfig{
			Database: dbURL, Dev: true, SecretKey: secretKey, ScansBucket: scans, Workers: 2,
			Gateway: &proctest.GatewayRef{URL: gw.URL, ReceiptSecret: receiptSecret, Auth: "Bearer replica-" + name},
		}, name)
	}
	a := replica("A")
	b := replica("B")
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// The registrar signs in on A; the same session works on B.
	offA, err := proctest.SignIn(ctx, a.URL, proctest.Registrar, proctest.RegistrarPass)
	if err != nil {
		t.Fatal(err)
	}
	offB := proctest.On(offA, b.URL)
	unitID, err := proctest.OfficerUnit(ctx, offB)
	if err != nil {
		t.Fatal(err)
	}

	// A registration on A, watched on A; its OTP's receipt goes to B.
	cz := proctest.NewCitizen(1, 0)
	regID, err := proctest.StartRegistration(ctx, offA, cz, unitID, "cccd.docx", fixtures.File(t, "sample.docx"))
	if err != nil {
		t.Fatal(err)
	}
	sub, err := proctest.Subscribe(ctx, offA, regID)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if e, err := proctest.NextEvent(sub, 10*time.Second); err != nil || e.Kind != "SNAPSHOT" {
		t.Fatalf("first event: %+v %v, want SNAPSHOT", e, err)
	}
	if err := proctest.SendOTP(ctx, offA, regID); err != nil {
		t.Fatal(err)
	}
	if _, seen, err := proctest.WaitEvent(sub, time.Now().Add(15*time.Second), proctest.SMSIs("REGISTRATION_OTP", "SENT")); err != nil {
		t.Fatalf("OTP never SENT on A: %v; saw %+v", err, seen)
	}
	st, err := gw.Wait(ctx, func(s proctest.GatewayState) bool { _, ok := s.LatestTo(cz.Phone); return ok })
	if err != nil {
		t.Fatal(err)
	}
	otpMsg, _ := st.LatestTo(cz.Phone)
	posted := time.Now()
	if code, err := gw.PostReceipt(ctx, b.URL, otpMsg.ID, "DELIVRD"); err != nil || code != http.StatusNoContent {
		t.Fatalf("receipt to B: %d %v", code, err)
	}
	ev, seen, err := proctest.WaitEvent(sub, time.Now().Add(15*time.Second), proctest.SMSIs("REGISTRATION_OTP", "DELIVERED"))
	if err != nil {
		t.Fatalf("A never showed DELIVERED after the receipt at B: %v; saw %+v", err, seen)
	}
	t.Logf("receipt posted to B → DELIVERED on A's subscription: %v", ev.At.Sub(posted).Round(100*time.Microsecond))

	// Completed on B with the code the gateway carried; A's subscriber sees it.
	code, ok := proctest.OTPIn(otpMsg.Text)
	if !ok {
		t.Fatal("no code in the OTP text")
	}
	if _, err := proctest.Complete(ctx, offB, regID, code); err != nil {
		t.Fatal(err)
	}
	if _, seen, err := proctest.WaitEvent(sub, time.Now().Add(15*time.Second), func(e proctest.RegEvent) bool {
		return e.State == "CREATED" && e.SMS != nil && e.SMS.Kind == "INITIAL_PASSWORD" && e.SMS.Status == "SENT"
	}); err != nil {
		t.Fatalf("A never showed CREATED with the password SMS sent: %v; saw %+v", err, seen)
	}

	// More messages, enqueued on both replicas: each is sent exactly once.
	for i := 1; i <= 8; i++ {
		c, server := offA, a
		if i%2 == 0 {
			c, server = offB, b
		}
		id, err := proctest.StartRegistration(ctx, c, proctest.NewCitizen(1, i), unitID, "cccd.docx", fixtures.File(t, "sample.docx"))
		if err != nil {
			t.Fatalf("registration %d on %s: %v", i, server.URL, err)
		}
		if err := proctest.SendOTP(ctx, c, id); err != nil {
			t.Fatal(err)
		}
	}
	msgs, err := proctest.Messages(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	// Receipts for all the others, alternately to A and B; then everything is final.
	st, err = gw.Wait(ctx, func(s proctest.GatewayState) bool { return len(s.Messages) >= len(msgs) })
	if err != nil {
		t.Fatalf("%v: the gateway got %d of %d messages", err, len(st.Messages), len(msgs))
	}
	for i, m := range st.Messages {
		if m.ID == otpMsg.ID {
			continue
		}
		target := []string{a.URL, b.URL}[i%2]
		if code, err := gw.PostReceipt(ctx, target, m.ID, "DELIVRD"); err != nil || code != http.StatusNoContent {
			t.Fatalf("receipt: %d %v", code, err)
		}
	}
	msgs, err = proctest.WaitMessages(ctx, db, time.Now().Add(15*time.Second), proctest.AllFinal)
	if err != nil {
		t.Fatal(err)
	}
	st = gw.State()
	perReplica := map[string]int{}
	for _, m := range st.Messages {
		perReplica[m.From]++
		if m.Calls != 1 {
			t.Errorf("message %s was sent %d times", m.ID, m.Calls)
		}
	}
	for _, c := range proctest.SMSChecks(msgs, st) {
		if !c.OK {
			t.Errorf("%s: %s", c.What, c.Detail)
		}
	}
	t.Logf("%d messages, each sent once; sent by replica: %v", len(msgs), perReplica)

	// A grant made on A applies on B.
	anh, err := proctest.SignIn(ctx, b.URL, proctest.Unmanaged, proctest.UnmanagedPass)
	if err != nil {
		t.Fatal(err)
	}
	if perms, err := proctest.Permissions(ctx, anh); err != nil || len(perms) != 0 {
		t.Fatalf("before the grant: permissions %v %v", perms, err)
	}
	admin, err := proctest.SignIn(ctx, a.URL, proctest.SuperAdmin, proctest.SuperAdminPass)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := proctest.GrantCreate(ctx, admin, proctest.UnmanagedFolded, unitID); err != nil {
		t.Fatal(err)
	}
	granted := time.Now()
	for {
		perms, err := proctest.Permissions(ctx, anh)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(perms, "CREATE_CITIZEN_ACCOUNTS") {
			break
		}
		if time.Since(granted) > 10*time.Second {
			t.Fatalf("B still shows permissions %v 10 s after the grant on A", perms)
		}
		time.Sleep(20 * time.Millisecond) // B reloads on a NOTIFY we cannot observe from here
	}
	t.Logf("grant on A → permission on B: %v", time.Since(granted).Round(time.Millisecond))
}
