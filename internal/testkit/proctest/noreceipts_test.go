package proctest_test

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/fixtures"
	"github.com/motcua/motcua/internal/testkit/proctest"
)

// TestGatewayWithoutReceipts: a gateway that accepts every SMS and never
// sends a delivery receipt, and a kill -9 in the middle (which, with the
// console provider, loses its simulated receipts the same way). Every
// message still reaches a final status, NO_REPORT, never before its
// kind's receipt deadline; the officer's subscription shows it; the
// password can then be resent; /metrics counts it.
// Long because it is one scenario told in order: its steps share what the
// first ones set up and each checks what the one before left.
func TestGatewayWithoutReceipts(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 180*time.Second)
	defer cancel()
	const otpDeadline, passwordDeadline = 2 * time.Second, 3 * time.Second
	dbURL := dbtest.PostgresURL(t)
	gw := proctest.NewGateway(proctest.GatewayConfig{ReceiptSecret: []byte(receiptSecret)}) // ReceiptTo nil: no receipts
	defer gw.Close()
	srv := startServer(t, ctx, proctest.ServerConfig{
		Database: dbURL, Dev: true, SecretKey: secretKey, Workers: 2,
		Gateway: &proctest.GatewayRef{URL: gw.URL, ReceiptSecret: receiptSecret},
		Args: []string{"--sms-receipt-deadline-otp", otpDeadline.String(),
			"--sms-receipt-deadline-password", passwordDeadline.String(), "--sms-receipt-deadline-notice", passwordDeadline.String()},
	}, "server")
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	off, unitID, err := proctest.SignInRegistrar(ctx, srv.URL)
	if err != nil {
		t.Fatal(err)
	}

	// Six cases to OTP_SENT; three completed with the code the gateway got.
	var regs []string
	var accounts []string
	for i := range 6 {
		cz := proctest.NewCitizen(4, i)
		id, err := proctest.StartRegistration(ctx, off, cz, unitID, "cccd.docx", fixtures.File(t, "sample.docx"))
		if err != nil {
			t.Fatal(err)
		}
		if err := proctest.SendOTP(ctx, off, id); err != nil {
			t.Fatal(err)
		}
		regs = append(regs, id)
		if i%2 == 1 {
			continue
		}
		st, err := gw.Wait(ctx, func(s proctest.GatewayState) bool { _, ok := s.LatestTo(cz.Phone); return ok })
		if err != nil {
			t.Fatal(err)
		}
		m, _ := st.LatestTo(cz.Phone)
		code, _ := proctest.OTPIn(m.Text)
		acc, err := proctest.Complete(ctx, off, id, code)
		if err != nil {
			t.Fatal(err)
		}
		accounts = append(accounts, acc)
	}
	// The receipts would have been lost with the process anyway.
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	sub, err := proctest.Subscribe(ctx, off, regs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()

	// A send job the killed process had already fetched (the queue is woken
	// on commit, so it often has) is rescued once it has run for the job
	// timeout plus its grace (45 s), at River's next rescuer pass.
	msgs, err := proctest.WaitMessages(ctx, db, time.Now().Add(150*time.Second), func(ms []proctest.DBMessage) bool {
		return len(ms) == 9 && proctest.AllFinal(ms)
	})
	if err != nil {
		t.Fatalf("%v: %s", err, proctest.CountStatuses(msgs))
	}
	for _, m := range msgs {
		deadline := otpDeadline
		if m.Kind == "INITIAL_PASSWORD" {
			deadline = passwordDeadline
		}
		switch {
		case m.Status != "NO_REPORT":
			t.Errorf("%s %s is %s, want NO_REPORT", m.Kind, m.ID, m.Status)
		case m.SentAt == nil || m.FinalAt.Sub(*m.SentAt) < deadline:
			t.Errorf("%s %s: NO_REPORT at %v, sent at %v: before its %v deadline", m.Kind, m.ID, m.FinalAt, m.SentAt, deadline)
		case !strings.Contains(m.LastError, "no delivery report"):
			t.Errorf("%s %s: last error %q", m.Kind, m.ID, m.LastError)
		}
	}
	t.Logf("%d messages: %s", len(msgs), proctest.CountStatuses(msgs))

	// The officer watching the case sees NO_REPORT (in the snapshot, or as
	// the change when the sweep came after the subscription).
	if _, seen, err := proctest.WaitEvent(sub, time.Now().Add(15*time.Second), proctest.SMSIs("INITIAL_PASSWORD", "NO_REPORT")); err != nil {
		t.Errorf("the subscription never showed NO_REPORT: %v; saw %+v", err, seen)
	}
	// The resend is open: a new password SMS goes out.
	var out struct{ ResendInitialPassword struct{ Status string } }
	if err := proctest.Do(ctx, off, "resendInitialPassword", `mutation($id:ID!){ resendInitialPassword(accountID:$id){ status } }`,
		map[string]any{"id": accounts[0]}, &out); err != nil {
		t.Errorf("resend after NO_REPORT: %v", err)
	}
	// And /metrics counts them.
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `motcua_sms_messages_total{kind="INITIAL_PASSWORD",provider="http",status="NO_REPORT"}`) {
		t.Errorf("/metrics has no NO_REPORT count of password SMS")
	}
}
