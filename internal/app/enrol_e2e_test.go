package app_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/fixtures"
	"github.com/motcua/motcua/internal/testkit/gqlclient"
)

var (
	otpInBody      = regexp.MustCompile(`\b(\d{6})\b`)
	passwordInBody = regexp.MustCompile(`(?i)mat khau\W*([A-Za-z0-9]{10})\b`)
)

// TestOfficerCreatesCitizenAccount is section 3 of the guide through the real
// server: lookup, start with an upload, request form, OTP by SMS (read from
// the console inbox), live SMS statuses over a WebSocket, completion, the
// password SMS, and the new citizen's first sign-in.
// Long because it is one scenario told in order: its steps share what the
// first ones set up and each checks what the one before left.
func TestOfficerCreatesCitizenAccount(t *testing.T) {
	databases(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		off := s.signIn(t, registrar, registrarPw)
		var v struct {
			Viewer struct {
				Permissions []string
				Officer     struct{ Unit struct{ ID string } }
			}
		}
		mustDo(t, off, `{ viewer { permissions officer { unit { id } } } }`, nil, &v)
		if len(v.Viewer.Permissions) != 1 || v.Viewer.Permissions[0] != "CREATE_CITIZEN_ACCOUNTS" {
			t.Fatalf("registrar permissions = %v", v.Viewer.Permissions)
		}
		unitID := v.Viewer.Officer.Unit.ID

		// An existing account: refuse, show only a masked name.
		var look struct {
			LookupCitizen struct {
				Exists     bool
				MaskedName *string
			}
		}
		mustDo(t, off, `query($n:String!){ lookupCitizen(idNumber:$n){ exists maskedName } }`, map[string]any{"n": citizenLogin}, &look)
		if !look.LookupCitizen.Exists || look.LookupCitizen.MaskedName == nil || strings.Contains(*look.LookupCitizen.MaskedName, "Văn An") {
			t.Fatalf("lookup of an existing account = %+v", look.LookupCitizen)
		}

		const idNumber, phone = "020195000123", "0987 654 321"
		mustDo(t, off, `query($n:String!){ lookupCitizen(idNumber:$n){ exists } }`, map[string]any{"n": idNumber}, &look)
		if look.LookupCitizen.Exists {
			t.Fatal("a new ID number was found")
		}
		startQ := `mutation($in: StartRegistrationInput!){ startRegistration(input:$in){ id state requestFormURL } }`
		in := map[string]any{"idNumber": idNumber, "fullName": "Trịnh Thị Mai", "dateOfBirth": "1995-03-04",
			"phone": phone, "email": "mai@example.vn", "unitID": unitID, "scan": nil}
		r, err := off.Upload(ctx, startQ, map[string]any{"in": in}, "in.scan", "cccd.docx", fixtures.File(t, "sample.docx"))
		if err != nil || len(r.Errors) > 0 {
			t.Fatalf("startRegistration: %v %+v", err, r)
		}
		var started struct {
			StartRegistration struct{ ID, State, RequestFormURL string }
		}
		r.Decode(&started) //nolint:errcheck
		reg := started.StartRegistration
		if reg.State != "DRAFT" {
			t.Fatalf("state after start = %s", reg.State)
		}
		resp, pdf, err := off.Get(ctx, strings.TrimPrefix(reg.RequestFormURL, s.URL))
		if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(string(pdf), "%PDF-") {
			t.Fatalf("request form: %v %d %.8q", err, resp.StatusCode, pdf)
		}

		sub, err := off.Subscribe(ctx, `subscription($id: ID!){ registrationEvents(registrationID: $id){
			kind registration { state } sms { kind status } } }`, map[string]any{"id": reg.ID})
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		if kind := nextEvent(t, sub).Kind; kind != "SNAPSHOT" {
			t.Fatalf("first event %s, want SNAPSHOT", kind)
		}

		var sent struct{ SendRegistrationOTP struct{ State string } }
		mustDo(t, off, `mutation($id:ID!){ sendRegistrationOTP(registrationID:$id){ state otpExpiresAt resendAvailableAt } }`, map[string]any{"id": reg.ID}, &sent)
		if sent.SendRegistrationOTP.State != "OTP_SENT" {
			t.Fatalf("state after OTP = %s", sent.SendRegistrationOTP.State)
		}
		waitSMS(t, sub, "REGISTRATION_OTP", "DELIVERED")
		inbox := devInbox(t, s, "%2B84987654321")
		if len(inbox) == 0 || inbox[0].Kind != "REGISTRATION_OTP" {
			t.Fatalf("inbox = %+v", inbox)
		}
		code := otpInBody.FindStringSubmatch(inbox[0].Body)
		if code == nil {
			t.Fatal("no 6-digit code in the OTP message")
		}
		wrong := "000000"
		if code[1] == wrong {
			wrong = "111111"
		}
		completeQ := `mutation($id:ID!,$c:String!){ completeRegistration(registrationID:$id, code:$c){ state account { id } } }`
		wantCode(t, off, completeQ, map[string]any{"id": reg.ID, "c": wrong}, "OTP_INVALID")
		var done struct {
			CompleteRegistration struct {
				State   string
				Account struct{ ID string }
			}
		}
		mustDo(t, off, completeQ, map[string]any{"id": reg.ID, "c": code[1]}, &done)
		if done.CompleteRegistration.State != "CREATED" || done.CompleteRegistration.Account.ID == "" {
			t.Fatalf("after completion: %+v", done.CompleteRegistration)
		}
		waitSMS(t, sub, "INITIAL_PASSWORD", "DELIVERED")

		// The same ID number again: refused.
		r, err = off.Upload(ctx, startQ, map[string]any{"in": in}, "in.scan", "cccd.docx", fixtures.File(t, "sample.docx"))
		if err != nil || r.FirstCode() != "ACCOUNT_EXISTS" {
			t.Fatalf("second start with the same ID number: %v %+v", err, r)
		}

		var pw string
		for _, m := range devInbox(t, s, "%2B84987654321") {
			if m.Kind == "INITIAL_PASSWORD" {
				if p := passwordInBody.FindStringSubmatch(m.Body); p != nil {
					pw = p[1]
				}
			}
		}
		if pw == "" {
			t.Fatal("no password in the INITIAL_PASSWORD message")
		}
		citizen := s.signIn(t, phone, pw)
		wantCode(t, citizen, `{ units(first:1){ totalCount } }`, nil, "PASSWORD_CHANGE_REQUIRED")
		mustDo(t, citizen, `mutation($c:String!){ changePassword(input:{currentPassword:$c, newPassword:"song hong chay qua ha noi"}) }`, map[string]any{"c": pw}, nil)
		var me struct {
			Viewer struct {
				Account struct{ MustChangePassword bool }
			}
		}
		mustDo(t, citizen, `{ viewer { account { mustChangePassword } } }`, nil, &me)
		if me.Viewer.Account.MustChangePassword {
			t.Fatal("still must change the password")
		}
		// The initial password is dead.
		r, err = s.client().Do(ctx, `mutation($l:String!,$p:String!){ signIn(input:{login:$l,password:$p}){ token } }`, map[string]any{"l": idNumber, "p": pw})
		if err != nil || len(r.Errors) == 0 {
			t.Fatalf("the initial password still signs in: %v %+v", err, r)
		}

		var mine struct {
			CitizenAccountsCreatedByMe struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		mustDo(t, off, `{ citizenAccountsCreatedByMe(first: 5){ edges { node { id } } } }`, nil, &mine)
		if len(mine.CitizenAccountsCreatedByMe.Edges) == 0 || mine.CitizenAccountsCreatedByMe.Edges[0].Node.ID != done.CompleteRegistration.Account.ID {
			t.Fatalf("newest created account is not first: %+v", mine)
		}
	})
}

type regEvent struct {
	Kind string
	SMS  *struct{ Kind, Status string }
}

func nextEvent(t *testing.T, sub *gqlclient.Subscription) regEvent {
	t.Helper()
	typ, r, err := sub.Next(10 * time.Second)
	if err != nil || typ != "next" || len(r.Errors) > 0 {
		t.Fatalf("subscription: %s %v %+v", typ, err, r)
	}
	var out struct {
		RegistrationEvents struct {
			Kind string
			SMS  *struct{ Kind, Status string } `json:"sms"`
		}
	}
	if err := r.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return regEvent{Kind: out.RegistrationEvents.Kind, SMS: out.RegistrationEvents.SMS}
}

// waitSMS reads live events until an SMS of kind reaches status.
func waitSMS(t *testing.T, sub *gqlclient.Subscription, kind, status string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var seen []string
	for time.Now().Before(deadline) {
		e := nextEvent(t, sub)
		if e.SMS != nil {
			seen = append(seen, e.SMS.Kind+":"+e.SMS.Status)
			if e.SMS.Kind == kind && e.SMS.Status == status {
				return
			}
		}
	}
	t.Fatalf("%s never reached %s; saw %v", kind, status, seen)
}

// TestForgotPassword is problem 3 of §4: a citizen who lost the SMS password
// recovers on their own with a code sent by SMS (read from the dev inbox).
func TestForgotPassword(t *testing.T) {
	s := start(t, dbtest.SQLiteURL(t))
	ctx := context.Background()
	anon := s.client()
	// The imported demo account has no password yet; it is ACTIVE.
	const login, phone = "079199900010", "%2B84912000110"
	var ok struct{ RequestPasswordReset bool }
	mustDo(t, anon, `mutation($l:String!){ requestPasswordReset(login:$l) }`, map[string]any{"l": login}, &ok)
	// An unknown login gets the same answer.
	var unknown struct{ RequestPasswordReset bool }
	mustDo(t, anon, `mutation{ requestPasswordReset(login:"001099123456") }`, nil, &unknown)
	if !ok.RequestPasswordReset || !unknown.RequestPasswordReset {
		t.Fatal("requestPasswordReset must always answer true")
	}
	var code string
	deadline := time.Now().Add(10 * time.Second)
	for code == "" && time.Now().Before(deadline) {
		for _, m := range devInbox(t, s, phone) {
			if m.Kind == "RESET_OTP" {
				if c := otpInBody.FindStringSubmatch(m.Body); c != nil {
					code = c[1]
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code == "" {
		t.Fatal("no RESET_OTP in the dev inbox")
	}
	resetQ := `mutation($l:String!,$c:String!,$p:String!){ resetPassword(input:{login:$l, code:$c, newPassword:$p}) }`
	wantCode(t, anon, resetQ, map[string]any{"l": login, "c": code, "p": "12345678"}, "PASSWORD_TOO_WEAK")
	mustDo(t, anon, resetQ, map[string]any{"l": login, "c": code, "p": "hoa sen no tren ho"}, nil)
	// The code is spent.
	r, err := anon.Do(ctx, resetQ, map[string]any{"l": login, "c": code, "p": "hoa sen no tren ho 2"})
	if err != nil || len(r.Errors) == 0 {
		t.Fatalf("a used code worked again: %v %+v", err, r)
	}
	s.signIn(t, login, "hoa sen no tren ho")
}
