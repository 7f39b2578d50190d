package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/gqlclient"
)

// TestAuthorizationTable is every query and mutation × every kind of actor
// through the real server: allowed (ok, or a refusal that comes only after
// authorisation, such as NOT_FOUND for an id that does not exist) or refused
// with the exact code. Ids that exist nowhere separate "may not" from "may,
// but there is no such thing".
func TestAuthorizationTable(t *testing.T) {
	s := start(t, dbtest.SQLiteURL(t))
	actors := map[string]*gqlclient.Client{
		"anonymous": s.client(),
		"citizen":   s.signIn(t, citizenLogin, citizenPw),
		"officer":   s.signIn(t, justiceOff, justicePw), // no right: not a service desk
		"registrar": s.signIn(t, registrar, registrarPw),
		"admin":     s.signIn(t, provAdmin, provPass), // Lạng Sơn
		"super":     s.signIn(t, superAdmin, superPass),
	}
	const (
		noAccount = "AC00000000000000000000000000"
		noOfficer = "OF00000000000000000000000000"
		noUnit    = "UN00000000000000000000000000"
		noReg     = "RG00000000000000000000000000"
		noSession = "SE00000000000000000000000000"
		noClient  = "OC00000000000000000000000000"
		noRequest = "OQ00000000000000000000000000"
	)
	U, F := "UNAUTHENTICATED", "FORBIDDEN"
	NF := "NOT_FOUND"
	// expect: anonymous, citizen, officer, registrar, admin, super.
	table := []struct {
		op     string
		expect [6]string
	}{
		{`{ viewer { account { id } } }`, [6]string{"ok", "ok", "ok", "ok", "ok", "ok"}},
		{`{ units(first: 2) { totalCount } }`, [6]string{U, "ok", "ok", "ok", "ok", "ok"}},
		{`{ officers(first: 2) { totalCount } }`, [6]string{U, F, F, F, "ok", "ok"}},
		{`{ accounts(first: 2) { totalCount } }`, [6]string{U, F, F, F, "ok", "ok"}},
		{`{ auditEvents(first: 2) { totalCount } }`, [6]string{U, F, F, F, "ok", "ok"}},
		{`{ smsMessages(first: 2) { totalCount } }`, [6]string{U, F, F, F, "ok", "ok"}},
		// Officers without the right are told the §4.1 cause.
		{`{ lookupCitizen(idNumber: "001201900006") { exists } }`, [6]string{U, F, "UNIT_NOT_SERVICE_DESK", "ok", "UNIT_NOT_SERVICE_DESK", "OFFICER_HAS_NO_UNIT"}},
		// "Mine" lists: an officer without cases sees an empty list; a citizen is refused.
		{`{ registrations(first: 2) { totalCount } }`, [6]string{U, F, "ok", "ok", "ok", "ok"}},
		{`{ citizenAccountsCreatedByMe(first: 2) { totalCount } }`, [6]string{U, F, "ok", "ok", "ok", "ok"}},
		{fmt.Sprintf(`mutation { addOfficer(accountID: %q) { id } }`, noAccount), [6]string{U, F, F, F, NF, NF}},
		{fmt.Sprintf(`mutation { assignOfficerUnit(officerID: %q, unitID: %q) { id } }`, noOfficer, noUnit), [6]string{U, F, F, F, NF, NF}},
		{fmt.Sprintf(`mutation { setOfficerPermissions(officerID: %q, permissions: [CREATE_CITIZEN_ACCOUNTS]) { id } }`, noOfficer), [6]string{U, F, F, F, NF, NF}},
		{fmt.Sprintf(`mutation { grantAdmin(accountID: %q, unitID: %q) { id } }`, noAccount, noUnit), [6]string{U, F, F, F, F, NF}},
		{fmt.Sprintf(`mutation { unlockSignIn(accountID: %q) }`, noAccount), [6]string{U, F, F, F, NF, NF}},
		{fmt.Sprintf(`mutation { sendRegistrationOTP(registrationID: %q) { id } }`, noReg), [6]string{U, F, F, NF, F, F}},
		{fmt.Sprintf(`mutation { completeRegistration(registrationID: %q, code: "123456") { id } }`, noReg), [6]string{U, F, F, NF, F, F}},
		{fmt.Sprintf(`mutation { cancelRegistration(registrationID: %q) { id } }`, noReg), [6]string{U, F, F, NF, F, F}},
		{fmt.Sprintf(`mutation { resendInitialPassword(accountID: %q) { id } }`, noAccount), [6]string{U, F, F, NF, NF, NF}},
		{fmt.Sprintf(`mutation { revokeSession(sessionID: %q) }`, noSession), [6]string{U, NF, NF, NF, NF, NF}},
		{`mutation { changePassword(input: {currentPassword: "sai mat khau", newPassword: "mot hai ba bon nam"}) }`, [6]string{U, "VALIDATION", "VALIDATION", "VALIDATION", "VALIDATION", "VALIDATION"}},
		// Single sign-on: the client registry is admins' (scoped by the client's unit), the rest anyone's own.
		{`{ oidcClients(first: 2) { totalCount } }`, [6]string{U, F, F, F, "ok", "ok"}},
		{fmt.Sprintf(`mutation { createOIDCClient(input: {name: "X", unitID: %q, redirectURIs: ["https://rp.example/cb"], scopes: ["openid"], public: false}) { clientSecret } }`, noUnit), [6]string{U, F, F, F, "VALIDATION", "VALIDATION"}},
		{fmt.Sprintf(`mutation { updateOIDCClient(id: %q, input: {name: "Y"}) { id } }`, noClient), [6]string{U, F, F, F, NF, NF}},
		{fmt.Sprintf(`mutation { setOIDCClientDisabled(id: %q, disabled: true) { id } }`, noClient), [6]string{U, F, F, F, NF, NF}},
		{fmt.Sprintf(`mutation { rotateOIDCClientSecret(id: %q) { clientSecret } }`, noClient), [6]string{U, F, F, F, NF, NF}},
		{`{ connectedApps { clientID } }`, [6]string{U, "ok", "ok", "ok", "ok", "ok"}},
		{fmt.Sprintf(`mutation { revokeConnectedApp(clientID: %q) }`, noClient), [6]string{U, NF, NF, NF, NF, NF}},
		{fmt.Sprintf(`{ oidcAuthRequest(id: %q) { id } }`, noRequest), [6]string{"ok", "ok", "ok", "ok", "ok", "ok"}},
		{fmt.Sprintf(`mutation { approveOIDCAuthRequest(id: %q) { url } }`, noRequest), [6]string{NF, NF, NF, NF, NF, NF}},
		{fmt.Sprintf(`mutation { denyOIDCAuthRequest(id: %q) { url } }`, noRequest), [6]string{NF, NF, NF, NF, NF, NF}},
		{`mutation { requestPasswordReset(login: "001099123456") }`, [6]string{"ok", "ok", "ok", "ok", "ok", "ok"}},
		// A login nobody asked a code for (one that was asked for gets a
		// decoy code, and each wrong try uses one of its attempts).
		{`mutation { resetPassword(input: {login: "001099123457", code: "123456", newPassword: "mot hai ba bon nam"}) }`, [6]string{"OTP_EXPIRED", "OTP_EXPIRED", "OTP_EXPIRED", "OTP_EXPIRED", "OTP_EXPIRED", "OTP_EXPIRED"}},
	}
	names := []string{"anonymous", "citizen", "officer", "registrar", "admin", "super"}
	for _, row := range table {
		for i, name := range names {
			r, err := actors[name].Do(context.Background(), row.op, nil)
			if err != nil {
				t.Fatalf("%s: %s: %v", name, row.op, err)
			}
			got := r.FirstCode()
			if got == "" {
				got = "ok"
			}
			if got != row.expect[i] {
				t.Errorf("%-9s %s: got %s, want %s (%v)", name, short(row.op), got, row.expect[i], r.Errors)
			}
		}
	}
	// Sign-out last: it ends the sessions used above (signing out when
	// signed out is harmless).
	for _, name := range names {
		want := "ok"
		r, err := actors[name].Do(context.Background(), `mutation { signOut }`, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := orOK(r.FirstCode()); got != want {
			t.Errorf("%-9s signOut: got %s, want %s", name, got, want)
		}
	}
}

func orOK(code string) string {
	if code == "" {
		return "ok"
	}
	return code
}

func short(op string) string {
	op = strings.Join(strings.Fields(op), " ")
	if len(op) > 70 {
		return op[:70] + "…"
	}
	return op
}

// TestNodeIsGuarded: node(id:) answers only what the privacy rules let the
// viewer read, whatever the type.
func TestNodeIsGuarded(t *testing.T) {
	s := start(t, dbtest.SQLiteURL(t))
	super := s.signIn(t, superAdmin, superPass)
	var me struct {
		Viewer struct{ Account struct{ ID string } }
	}
	mustDo(t, super, `{ viewer { account { id } } }`, nil, &me)
	q := `query($id: ID!){ node(id: $id) { id ... on Account { fullName } } }`
	vars := map[string]any{"id": me.Viewer.Account.ID}

	var got struct {
		Node *struct{ ID, FullName string }
	}
	mustDo(t, super, q, vars, &got)
	if got.Node == nil || got.Node.ID != me.Viewer.Account.ID || got.Node.FullName == "" {
		t.Fatalf("super admin reading own account by node: %+v", got.Node)
	}
	// Another citizen cannot read the super admin's account through node.
	citizen := s.signIn(t, citizenLogin, citizenPw)
	r, err := citizen.Do(context.Background(), q, vars)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) == 0 && !strings.Contains(string(r.Data), `"node":null`) {
		t.Fatalf("a citizen read another account through node: %s", r.Data)
	}
	// Unknown prefixes and anonymous callers get nothing.
	wantCode(t, citizen, q, map[string]any{"id": "ZZ01"}, "NOT_FOUND")
	wantCode(t, s.client(), q, vars, "UNAUTHENTICATED")
}
