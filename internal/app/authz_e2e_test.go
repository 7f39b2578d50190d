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
// Long because it is a table: one row per case, so that the cases read side
// by side and a missing one shows.
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
		// Outside a level-1 admin's scope an exact identifier finds an account,
		// masked, and takes no filter or name order that could unmask it
		// (0934000106: a citizen of Hà Nội; the admin is Lạng Sơn's).
		{`{ accounts(search: "0934000106", first: 2) { totalCount } }`, [6]string{U, F, F, F, "ok", "ok"}},
		{`{ accounts(search: "0934000106", where: {status: ACTIVE}) { totalCount } }`, [6]string{U, F, F, F, "VALIDATION", "ok"}},
		{`{ accounts(search: "0934000106", orderBy: [{field: FULL_NAME}]) { totalCount } }`, [6]string{U, F, F, F, "VALIDATION", "ok"}},
		{`{ accounts(search: "nguyen van an", where: {status: ACTIVE}) { totalCount } }`, [6]string{U, F, F, F, "ok", "ok"}},
		{`{ officers(search: "0934000106", where: {}) { totalCount } }`, [6]string{U, F, F, F, "VALIDATION", "ok"}},
		{fmt.Sprintf(`mutation { addOfficer(accountID: %q) { id } }`, noAccount), [6]string{U, F, F, F, NF, NF}},
		{fmt.Sprintf(`mutation { assignOfficerUnit(officerID: %q, unitID: %q) { id } }`, noOfficer, noUnit), [6]string{U, F, F, F, NF, NF}},
		{fmt.Sprintf(`mutation { moveOfficer(officerID: %q, unitID: %q) { officer { id } notice { code } } }`, noOfficer, noUnit), [6]string{U, F, F, F, NF, NF}},
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
		// Statistics and signals: admins within scope; thresholds the super admin's.
		{`{ statistics { funnel { started } otp { codesSent } } }`, [6]string{U, F, F, F, "ok", "ok"}},
		{fmt.Sprintf(`{ statistics(filter: {unitID: %q}) { from } }`, noUnit), [6]string{U, F, F, F, NF, NF}},
		{`{ signals(first: 2) { totalCount } }`, [6]string{U, F, F, F, "ok", "ok"}},
		{`{ signalSettings { sharedPhoneAccounts } }`, [6]string{U, F, F, F, "ok", "ok"}},
		{`mutation { reviewSignal(id: "SG00000000000000000000000000") { id } }`, [6]string{U, F, F, F, NF, NF}},
		{`mutation { updateSignalSettings(input: {sharedPhoneAccounts: 1}) { sharedPhoneAccounts } }`, [6]string{U, F, F, F, F, "VALIDATION"}},
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

// TestAdminScopeTable: what an admin sees of an account, by where the
// account is and how it was searched (data minimisation). The Lạng Sơn admin
// sees in full the accounts of its province (its officers, the citizens its
// desks created); a citizen of Hà Nội only by exact ID number or phone, and
// masked: masked name, no date of birth or e-mail. The super admin sees all.
// Long because it is a table: one row per case, so that the cases read side
// by side and a missing one shows.
func TestAdminScopeTable(t *testing.T) {
	databases(t, func(t *testing.T, s *testServer) {
		actors := map[string]*gqlclient.Client{
			"admin": s.signIn(t, provAdmin, provPass),
			"super": s.signIn(t, superAdmin, superPass),
		}
		const accountsQ = `query($s: String!) { accounts(search: $s, first: 5) { edges { node { id fullName dateOfBirth email visibility idNumberMasked createdAtUnit { id } } } } }`
		type node struct {
			ID, FullName, Visibility, IDNumberMasked string
			DateOfBirth, Email                       *string
			CreatedAtUnit                            *struct{ ID string }
		}
		search := func(c *gqlclient.Client, text string) []node {
			var out struct {
				Accounts struct{ Edges []struct{ Node node } }
			}
			mustDo(t, c, accountsQ, map[string]any{"s": text}, &out)
			var nodes []node
			for _, e := range out.Accounts.Edges {
				nodes = append(nodes, e.Node)
			}
			return nodes
		}
		// want: "" (not found), or the name and visibility shown.
		table := []struct {
			who, search, name, visibility string
		}{
			{"admin", "nguyen van an", "", ""}, // Hà Nội citizen by name
			{"admin", "0934000106", "Nguyễn V** A**", "MASKED"},
			{"admin", "001201900006", "Nguyễn V** A**", "MASKED"},
			{"admin", "001 201 900 006", "Nguyễn V** A**", "MASKED"},
			{"admin", "pham thi huong", "Phạm Thị Hương", "FULL"}, // created at the Lạng Sơn centre
			{"admin", "0912000107", "Phạm Thị Hương", "FULL"},
			{"admin", "nong van thang", "Nông Văn Thắng", "FULL"}, // officer of the Lạng Sơn centre
			{"admin", "dang thi anh", "", ""},                     // registered online, no unit yet
			{"admin", "0983000105", "Đặng T** Á**", "MASKED"},
			{"super", "nguyen van an", "Nguyễn Văn An", "FULL"},
			{"super", "0934000106", "Nguyễn Văn An", "FULL"},
			{"super", "pham thi huong", "Phạm Thị Hương", "FULL"},
		}
		for _, row := range table {
			got := search(actors[row.who], row.search)
			if row.name == "" {
				if len(got) != 0 {
					t.Errorf("%s %q: found %+v, want nothing", row.who, row.search, got)
				}
				continue
			}
			if len(got) != 1 || got[0].FullName != row.name || got[0].Visibility != row.visibility || got[0].IDNumberMasked == "" {
				t.Errorf("%s %q: got %+v, want %s %s", row.who, row.search, got, row.name, row.visibility)
				continue
			}
			masked := row.visibility == "MASKED"
			if (got[0].DateOfBirth == nil) != masked || (got[0].Email == nil) != masked {
				t.Errorf("%s %q: date of birth %v, e-mail %v shown for %s", row.who, row.search, got[0].DateOfBirth, got[0].Email, row.visibility)
			}
			if masked && got[0].CreatedAtUnit != nil {
				t.Errorf("%s %q: unit of creation shown masked", row.who, row.search)
			}
		}
		// Listing without a search: only the province's accounts, in full.
		var list struct {
			Accounts struct {
				Edges []struct{ Node node }
			}
		}
		mustDo(t, actors["admin"], `{ accounts(first: 100) { edges { node { id fullName visibility } } } }`, nil, &list)
		if len(list.Accounts.Edges) == 0 {
			t.Fatal("the admin lists no account of its province")
		}
		for _, e := range list.Accounts.Edges {
			if e.Node.Visibility != "FULL" || e.Node.FullName == "Nguyễn Văn An" {
				t.Errorf("the admin's list holds %+v", e.Node)
			}
		}

		// node(id:) does not open what the search masks.
		citizen := search(actors["super"], "0934000106")[0]
		nodeQ := `query($id: ID!) { node(id: $id) { ... on Account { fullName dateOfBirth } } }`
		var byNode struct {
			Node *struct {
				FullName    string
				DateOfBirth *string
			}
		}
		r, err := actors["admin"].Do(context.Background(), nodeQ, map[string]any{"id": citizen.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Decode(&byNode); err == nil && byNode.Node != nil && byNode.Node.FullName != "" {
			t.Errorf("node(id:) shows the admin %+v", byNode.Node)
		}
		mustDo(t, actors["super"], nodeQ, map[string]any{"id": citizen.ID}, &byNode)
		if byNode.Node == nil || byNode.Node.FullName != "Nguyễn Văn An" || byNode.Node.DateOfBirth == nil {
			t.Errorf("super admin by node: %+v", byNode.Node)
		}

		// Step 1 works from the masked result: the admin adds the account;
		// the officer, with no unit yet, shows it masked, found again only by
		// an exact identifier.
		var added struct {
			AddOfficer struct {
				ID      string
				Account struct{ FullName, Visibility string }
			}
		}
		mustDo(t, actors["admin"], `mutation($id: ID!) { addOfficer(accountID: $id) { id account { fullName visibility } } }`,
			map[string]any{"id": citizen.ID}, &added)
		if added.AddOfficer.Account.Visibility != "MASKED" || added.AddOfficer.Account.FullName != "Nguyễn V** A**" {
			t.Errorf("added officer shows %+v", added.AddOfficer.Account)
		}
		officersQ := `query($s: String!) { officers(search: $s) { edges { node { id account { fullName visibility dateOfBirth } } } } }`
		for search, want := range map[string]int{"nguyen van an": 0, "0934000106": 1} {
			var out struct {
				Officers struct {
					Edges []struct {
						Node struct {
							ID      string
							Account struct {
								FullName, Visibility string
								DateOfBirth          *string
							}
						}
					}
				}
			}
			mustDo(t, actors["admin"], officersQ, map[string]any{"s": search}, &out)
			if len(out.Officers.Edges) != want {
				t.Errorf("officers %q: %d found, want %d", search, len(out.Officers.Edges), want)
				continue
			}
			if want == 1 && (out.Officers.Edges[0].Node.Account.Visibility != "MASKED" || out.Officers.Edges[0].Node.Account.DateOfBirth != nil) {
				t.Errorf("officers %q: %+v", search, out.Officers.Edges[0].Node.Account)
			}
		}

		// An officer of a Hà Nội desk, found by phone: the Lạng Sơn admin sees
		// the account masked and not the officer record (read as the system,
		// the rows' edges are read again with the admin's rights).
		var units struct {
			Units struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		mustDo(t, actors["super"], `{ units(search: "000.01.50.H26", first: 1) { edges { node { id } } } }`, nil, &units)
		anh := search(actors["super"], "0983000105")[0]
		var hnOfficer struct{ AddOfficer struct{ ID string } }
		mustDo(t, actors["super"], `mutation($id: ID!) { addOfficer(accountID: $id) { id } }`, map[string]any{"id": anh.ID}, &hnOfficer)
		mustDo(t, actors["super"], `mutation($o: ID!, $u: ID!) { assignOfficerUnit(officerID: $o, unitID: $u) { id } }`,
			map[string]any{"o": hnOfficer.AddOfficer.ID, "u": units.Units.Edges[0].Node.ID}, nil)
		for _, order := range []string{"", `, orderBy: [{field: CREATED_AT, direction: DESC}]`} {
			var out struct {
				Accounts struct {
					Edges []struct {
						Node struct {
							FullName, Visibility string
							Officer              *struct{ ID string }
						}
					}
				}
			}
			mustDo(t, actors["admin"], `{ accounts(search: "0983000105"`+order+`) { edges { node { fullName visibility officer { id unit { name } } } } } }`, nil, &out)
			if len(out.Accounts.Edges) != 1 || out.Accounts.Edges[0].Node.Visibility != "MASKED" || out.Accounts.Edges[0].Node.Officer != nil {
				t.Errorf("Hà Nội officer by phone%s: %+v", order, out.Accounts.Edges)
			}
		}
	})
}
