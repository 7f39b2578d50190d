package app_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/testkit/dbtest"
)

// authorizeRaw sends the browser to /authorize with exactly the given
// parameters and returns the answer without following it.
func authorizeRaw(t *testing.T, s *testServer, b *http.Client, q url.Values) (*http.Response, *url.URL) {
	t.Helper()
	return get(t, b, s.URL+"/oidc/authorize?"+q.Encode())
}

func baseParams(rp *testRP, f flow) url.Values {
	return url.Values{
		"client_id": {rp.clientID}, "redirect_uri": {rp.srv.URL + "/cb"}, "response_type": {"code"},
		"scope": {"openid profile"}, "state": {f.state}, "nonce": {f.nonce},
		"code_challenge": {oauth2.S256ChallengeFromVerifier(f.verifier)}, "code_challenge_method": {"S256"},
	}
}

// TestSSOBadInput is long because it is a table: one row per case, so that
// the cases read side by side and a missing one shows.
func TestSSOBadInput(t *testing.T) {
	databases(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		rp := newRP(t, s, []string{"profile"}) // no vn_identity
		b := browser(t, rp)

		noRedirect := func(name string, q url.Values, status int) {
			t.Helper()
			resp, loc := authorizeRaw(t, s, b, q)
			if loc != nil || resp.StatusCode != status {
				t.Errorf("%s: %d %v, want an error page %d and no redirect", name, resp.StatusCode, loc, status)
			}
		}
		toRP := func(name string, q url.Values, wantErr string) {
			t.Helper()
			_, loc := authorizeRaw(t, s, b, q)
			if loc == nil || !strings.HasPrefix(loc.String(), rp.srv.URL+"/cb") || loc.Query().Get("error") != wantErr {
				t.Errorf("%s: redirect %v, want the RP with error=%s", name, loc, wantErr)
			}
		}
		f := newFlow()
		with := func(k, v string) url.Values {
			q := baseParams(rp, f)
			if v == "" {
				q.Del(k)
			} else {
				q.Set(k, v)
			}
			return q
		}
		noRedirect("unregistered redirect_uri", with("redirect_uri", "https://evil.example/cb"), http.StatusBadRequest)
		noRedirect("redirect_uri with an extra path", with("redirect_uri", rp.srv.URL+"/cb/x"), http.StatusBadRequest)
		noRedirect("unknown client", with("client_id", "OC00000000000000000000000000"), http.StatusBadRequest)
		rep := baseParams(rp, f)
		rep.Add("redirect_uri", "https://evil.example/cb")
		noRedirect("repeated redirect_uri", rep, http.StatusBadRequest)
		noRedirect("oversized state", with("state", strings.Repeat("s", 5000)), http.StatusBadRequest)
		toRP("response_type token", with("response_type", "token"), "unauthorized_client")
		toRP("no PKCE", with("code_challenge", ""), "invalid_request")
		toRP("PKCE plain", with("code_challenge_method", "plain"), "invalid_request")
		toRP("prompt=none without a session", with("prompt", "none"), "login_required")

		// A client not allowed vn_identity asks for it: not granted.
		gql := signInBrowser(t, s, b, citizenLogin, citizenPw)
		f2 := newFlow()
		code := codeFor(t, s, rp, b, gql, f2, oauth2.SetAuthURLParam("scope", "openid profile vn_identity"))
		// A wrong verifier and a wrong secret (401) are refused, and do not
		// spend the RP's code.
		if _, err := rp.conf.Exchange(ctx, code, oauth2.VerifierOption(oauth2.GenerateVerifier())); err == nil {
			t.Fatal("a wrong code_verifier was accepted")
		}
		wrong := rp.conf
		wrong.ClientSecret = "not-the-secret"
		wrong.Endpoint.AuthStyle = oauth2.AuthStyleInHeader
		_, err := wrong.Exchange(ctx, code, oauth2.VerifierOption(f2.verifier))
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) || re.Response.StatusCode != http.StatusUnauthorized || re.ErrorCode != "invalid_client" {
			t.Fatalf("wrong client secret: %v, want 401 invalid_client", err)
		}
		post := rp.conf
		post.Endpoint.AuthStyle = oauth2.AuthStyleInParams // client_secret_post
		tok, err := post.Exchange(ctx, code, oauth2.VerifierOption(f2.verifier))
		if err != nil {
			t.Fatal(err)
		}
		if sc, _ := tok.Extra("scope").(string); strings.Contains(sc, "vn_identity") {
			t.Fatalf("scope not allowed was granted: %q", sc)
		}
		ui, err := rp.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			t.Fatal(err)
		}
		var info map[string]any
		_ = ui.Claims(&info)
		if _, ok := info["vn_id_number"]; ok || info["name"] == nil {
			t.Fatalf("userinfo of a client without vn_identity: %v", info)
		}
		// An expired code (60 s) is refused.
		f5 := newFlow()
		code5 := codeFor(t, s, rp, b, gql, f5)
		expireCodes(t, s)
		if _, err := rp.conf.Exchange(ctx, code5, oauth2.VerifierOption(f5.verifier)); err == nil {
			t.Fatal("an expired code was accepted")
		}

		// Disabling the client stops its tokens at once, and its sign-ins.
		admin := s.signIn(t, superAdmin, superPass)
		mustDo(t, admin, `mutation($id:ID!){ setOIDCClientDisabled(id:$id, disabled:true){ disabled } }`, map[string]any{"id": rp.clientID}, nil)
		if _, err := rp.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil {
			t.Fatal("userinfo answered for a disabled client")
		}
		if _, err := rp.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken, Expiry: time.Now().Add(-time.Hour)}).Token(); err == nil {
			t.Fatal("a disabled client refreshed")
		}
		noRedirect("disabled client", baseParams(rp, newFlow()), http.StatusBadRequest)
	})
}

// expireCodes ages every issued code past its 60 seconds.
func expireCodes(t *testing.T, s *testServer) {
	t.Helper()
	_, err := s.App.DB.SQL.ExecContext(context.Background(), rebind(s, `UPDATE oidc_requests SET code_issued_at = ? WHERE code_issued_at IS NOT NULL`), time.Now().Add(-2*time.Minute).UTC())
	if err != nil {
		t.Fatal(err)
	}
}

func rebind(s *testServer, q string) string {
	if s.App.DB.IsPostgres() {
		return strings.Replace(q, "?", "$1", 1)
	}
	return q
}

// TestSSOBackchannelAndKeys: a password reset revokes the RP's tokens and
// POSTs a signed logout_token to it; a rotated key keeps verifying.
// Long because it is one scenario told in order: its steps share what the
// first ones set up and each checks what the one before left.
func TestSSOBackchannelAndKeys(t *testing.T) {
	databases(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		rp := newRP(t, s, []string{"profile", "phone"})
		b := browser(t, rp)
		gql := signInBrowser(t, s, b, citizenLogin, citizenPw)
		f := newFlow()
		tok, err := rp.conf.Exchange(ctx, codeFor(t, s, rp, b, gql, f), oauth2.VerifierOption(f.verifier))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := tok.Extra("id_token").(string)
		idt, err := rp.provider.Verifier(&oidc.Config{ClientID: rp.clientID}).Verify(ctx, raw)
		if err != nil {
			t.Fatal(err)
		}

		// Key rotation: the previous key stays in the JWKS; its token still verifies.
		kid, err := s.App.SSO.RotateKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := oidc.NewProvider(ctx, s.URL) // a fresh RP: fetches the JWKS again
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fresh.Verifier(&oidc.Config{ClientID: rp.clientID}).Verify(ctx, raw); err != nil {
			t.Fatalf("a token of the previous key no longer verifies: %v", err)
		}
		var jwks struct{ Keys []struct{ Kid string } }
		resp, _ := http.Get(s.URL + "/oidc/keys")
		_ = json.NewDecoder(resp.Body).Decode(&jwks)
		resp.Body.Close()
		if len(jwks.Keys) != 2 || jwks.Keys[0].Kid != kid {
			t.Fatalf("JWKS after rotation: %+v (new kid %s)", jwks, kid)
		}
		f2 := newFlow()
		tok2, err := rp.conf.Exchange(ctx, codeFor(t, s, rp, b, gql, f2), oauth2.VerifierOption(f2.verifier))
		if err != nil {
			t.Fatal(err)
		}
		raw2, _ := tok2.Extra("id_token").(string)
		if !strings.Contains(headerOf(raw2), kid) {
			t.Fatalf("new tokens are not signed with the new key %s: %s", kid, headerOf(raw2))
		}

		// Password reset: tokens die, a logout token arrives.
		resetCitizenPassword(t, s)
		select {
		case lt := <-rp.logouts:
			var claims struct {
				Sub    string
				Aud    string
				Events map[string]any
			}
			// Verify it like an RP: signature against the JWKS, issuer, audience.
			v := fresh.Verifier(&oidc.Config{ClientID: rp.clientID, SkipExpiryCheck: false})
			tokLT, err := v.Verify(ctx, lt)
			if err != nil {
				t.Fatalf("logout_token does not verify: %v", err)
			}
			_ = tokLT.Claims(&claims)
			if claims.Sub != idt.Subject || claims.Events["http://schemas.openid.net/event/backchannel-logout"] == nil {
				t.Fatalf("logout_token claims: %+v", claims)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("no back-channel logout within 15 s")
		}
		if active(t, s, rp, tok2.AccessToken) {
			t.Fatal("tokens survive a password reset")
		}
		// The delivery is visible to the admin.
		admin := s.signIn(t, superAdmin, superPass)
		deadline := time.Now().Add(5 * time.Second)
		for {
			var out struct {
				Node struct {
					RecentBackchannelDeliveries []struct{ Status, Reason string }
				}
			}
			mustDo(t, admin, `query($id:ID!){ node(id:$id){ ... on OIDCClient { recentBackchannelDeliveries { status reason } } } }`, map[string]any{"id": rp.clientID}, &out)
			d := out.Node.RecentBackchannelDeliveries
			if len(d) == 1 && d[0].Status == "DELIVERED" && d[0].Reason == "PASSWORD_RESET" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("deliveries: %+v", d)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

func headerOf(jwt string) string {
	h, _, _ := strings.Cut(jwt, ".")
	b, _ := base64URLDecode(h)
	return string(b)
}

func base64URLDecode(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }

func resetCitizenPassword(t *testing.T, s *testServer) {
	t.Helper()
	anon := s.client()
	mustDo(t, anon, `mutation($l:String!){ requestPasswordReset(login:$l) }`, map[string]any{"l": citizenLogin}, nil)
	var code string
	deadline := time.Now().Add(10 * time.Second)
	for code == "" && time.Now().Before(deadline) {
		for _, m := range devInbox(t, s, "%2B84934000106") {
			if m.Kind == "RESET_OTP" {
				if c := otpInBody.FindStringSubmatch(m.Body); c != nil {
					code = c[1]
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code == "" {
		t.Fatal("no RESET_OTP")
	}
	mustDo(t, anon, `mutation($l:String!,$c:String!,$p:String!){ resetPassword(input:{login:$l, code:$c, newPassword:$p}) }`,
		map[string]any{"l": citizenLogin, "c": code, "p": "hoa sen no tren ho tay"}, nil)
}

// TestSSOTwoReplicas: authorize and approve on replica A, exchange the code
// and refresh on replica B, one PostgreSQL database.
func TestSSOTwoReplicas(t *testing.T) {
	dbURL := dbtest.PostgresURL(t)
	a := start(t, dbURL)
	bSrv := httptest.NewUnstartedServer(nil)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	// Replica B answers under the same issuer (as behind one load balancer).
	appB, err := app.New(ctx, app.Options{
		DatabaseURL: dbURL, Dev: true, Migrate: true, PublicURL: a.URL,
		AllowedOrigins: []string{a.URL}, MasterKey: []byte(strings.Repeat("k", 32)),
		ScansBucket: "file://" + t.TempDir() + "?create_dir=1&no_tmp_dir=1", SMSWorkers: 1,
		SMS:    app.SMSOptions{Provider: "console", ConsoleDelay: 150 * time.Millisecond},
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { appB.Close() })
	if err := appB.Start(ctx); err != nil {
		t.Fatal(err)
	}
	bSrv.Config.Handler = appB.Handler
	bSrv.Start()
	t.Cleanup(bSrv.Close)

	rp := newRP(t, a, []string{"profile"})
	br := browser(t, rp)
	gql := signInBrowser(t, a, br, citizenLogin, citizenPw)
	f := newFlow()
	code := codeFor(t, a, rp, br, gql, f)
	onB := rp.conf
	onB.Endpoint.TokenURL = strings.Replace(onB.Endpoint.TokenURL, a.URL, bSrv.URL, 1)
	tok, err := onB.Exchange(ctx, code, oauth2.VerifierOption(f.verifier))
	if err != nil {
		t.Fatalf("code from A exchanged on B: %v", err)
	}
	if _, err := rp.provider.Verifier(&oidc.Config{ClientID: rp.clientID}).Verify(ctx, tok.Extra("id_token").(string)); err != nil {
		t.Fatal(err)
	}
	if _, err := onB.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken, Expiry: time.Now().Add(-time.Hour)}).Token(); err != nil {
		t.Fatalf("refresh on B: %v", err)
	}
}
