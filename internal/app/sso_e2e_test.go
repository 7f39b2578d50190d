package app_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/domain/seed"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/gqlclient"
)

// testRP is a relying party built on x/oauth2 and go-oidc, with a callback
// that records nothing (the browser stops at it) and a back-channel logout
// endpoint that records what it receives.
type testRP struct {
	srv      *httptest.Server
	logouts  chan string
	clientID string
	secret   string
	provider *oidc.Provider
	conf     oauth2.Config
}

const clientQ = `mutation($in: CreateOIDCClientInput!){ createOIDCClient(input:$in){ clientSecret client{ id name scopes public disabled redirectURIs unit{ code } } } }`

// newRP registers a client through GraphQL as the super admin.
func newRP(t testing.TB, s *testServer, scopes []string) *testRP {
	t.Helper()
	rp := &testRP{logouts: make(chan string, 16)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /bc", func(w http.ResponseWriter, r *http.Request) {
		rp.logouts <- r.FormValue("logout_token")
		w.WriteHeader(http.StatusOK)
	})
	rp.srv = httptest.NewServer(mux)
	t.Cleanup(rp.srv.Close)
	admin := s.signIn(t, superAdmin, superPass)
	var units struct {
		Units struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	mustDo(t, admin, `query($c:String!){ units(search:$c, first:1){ edges{ node{ id } } } }`, map[string]any{"c": seed.CodeLangSon}, &units)
	var out struct {
		CreateOIDCClient struct {
			ClientSecret *string
			Client       struct{ ID string }
		}
	}
	mustDo(t, admin, clientQ, map[string]any{"in": map[string]any{
		"name": "Cổng Dịch vụ công tỉnh Lạng Sơn", "unitID": units.Units.Edges[0].Node.ID,
		"redirectURIs": []string{rp.srv.URL + "/cb"}, "postLogoutRedirectURIs": []string{rp.srv.URL + "/bye"},
		"backchannelLogoutURI": rp.srv.URL + "/bc", "scopes": scopes, "public": false,
	}}, &out)
	if out.CreateOIDCClient.ClientSecret == nil {
		t.Fatal("no secret for a confidential client")
	}
	rp.clientID, rp.secret = out.CreateOIDCClient.Client.ID, *out.CreateOIDCClient.ClientSecret
	var err error
	if rp.provider, err = oidc.NewProvider(context.Background(), s.URL); err != nil {
		t.Fatalf("discovery: %v", err)
	}
	rp.conf = oauth2.Config{ClientID: rp.clientID, ClientSecret: rp.secret, Endpoint: rp.provider.Endpoint(),
		RedirectURL: rp.srv.URL + "/cb", Scopes: append([]string{oidc.ScopeOpenID}, scopes...)}
	return rp
}

// browser is a cookie-keeping client that stops at the RP and at the SPA.
func browser(t testing.TB, rp *testRP) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), rp.srv.URL) || strings.HasPrefix(req.URL.Path, "/sso/") {
			return http.ErrUseLastResponse
		}
		return nil
	}}
}

func signInBrowser(t testing.TB, s *testServer, b *http.Client, login, password string) *gqlclient.Client {
	t.Helper()
	c := &gqlclient.Client{BaseURL: s.URL, HTTP: b}
	mustDo(t, c, `mutation($l:String!,$p:String!){ signIn(input:{login:$l,password:$p}){ token } }`,
		map[string]any{"l": login, "p": password}, nil)
	return c
}

func rnd() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// get follows redirects until the RP or the SPA and returns the last Location.
func get(t testing.TB, b *http.Client, u string) (*http.Response, *url.URL) {
	t.Helper()
	resp, err := b.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	loc, _ := resp.Location()
	return resp, loc
}

type flow struct {
	state, nonce, verifier string
}

func newFlow() flow { return flow{rnd(), rnd(), oauth2.GenerateVerifier()} }

func (f flow) url(rp *testRP, extra ...oauth2.AuthCodeOption) string {
	opts := append([]oauth2.AuthCodeOption{oidc.Nonce(f.nonce), oauth2.S256ChallengeOption(f.verifier)}, extra...)
	return rp.conf.AuthCodeURL(f.state, opts...)
}

// codeFor runs the browser part: authorize, the SPA step (approve through
// GraphQL when consent is asked), back at the RP with a code.
func codeFor(t testing.TB, s *testServer, rp *testRP, b *http.Client, gql *gqlclient.Client, f flow, extra ...oauth2.AuthCodeOption) string {
	t.Helper()
	_, loc := get(t, b, f.url(rp, extra...))
	if loc == nil {
		t.Fatal("authorize: no redirect")
	}
	if strings.HasPrefix(loc.Path, "/sso/") {
		id := strings.TrimPrefix(loc.Path, "/sso/")
		var req struct {
			OidcAuthRequest *struct {
				ClientName, Next string
				Scopes           []string
			}
		}
		mustDo(t, gql, `query($id:ID!){ oidcAuthRequest(id:$id){ clientName next scopes } }`, map[string]any{"id": id}, &req)
		if req.OidcAuthRequest == nil || req.OidcAuthRequest.Next != "CONSENT" || req.OidcAuthRequest.ClientName != "Cổng Dịch vụ công tỉnh Lạng Sơn" {
			t.Fatalf("oidcAuthRequest: %+v", req.OidcAuthRequest)
		}
		var ap struct{ ApproveOIDCAuthRequest struct{ URL string } }
		mustDo(t, gql, `mutation($id:ID!){ approveOIDCAuthRequest(id:$id){ url } }`, map[string]any{"id": id}, &ap)
		_, loc = get(t, b, ap.ApproveOIDCAuthRequest.URL)
	}
	if loc == nil || !strings.HasPrefix(loc.String(), rp.srv.URL+"/cb") {
		t.Fatalf("not back at the RP: %v", loc)
	}
	if loc.Query().Get("state") != f.state || loc.Query().Get("code") == "" {
		t.Fatalf("RP callback: %v", loc.Query())
	}
	return loc.Query().Get("code")
}

// TestSSOCodeFlow is long because it is one scenario told in order: its
// steps share what the first ones set up and each checks what the one before
// left.
func TestSSOCodeFlow(t *testing.T) {
	databases(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		rp := newRP(t, s, []string{"profile", "phone", "email", "vn_identity"})
		b := browser(t, rp)
		gql := signInBrowser(t, s, b, citizenLogin, citizenPw)

		f := newFlow()
		start := time.Now()
		code := codeFor(t, s, rp, b, gql, f)
		tok, err := rp.conf.Exchange(ctx, code, oauth2.VerifierOption(f.verifier))
		if err != nil {
			t.Fatalf("exchange: %v", err)
		}
		t.Logf("code flow end to end (authorize, consent, code, token): %d ms", time.Since(start).Milliseconds())
		raw, _ := tok.Extra("id_token").(string)
		idt, err := rp.provider.Verifier(&oidc.Config{ClientID: rp.clientID}).Verify(ctx, raw)
		if err != nil {
			t.Fatalf("verify ID token against the JWKS: %v", err)
		}
		var claims struct {
			Sub, Acr, Sid, Nonce string
			Amr                  []string
			AuthTime             int64  `json:"auth_time"`
			IDNumber             string `json:"vn_id_number"`
		}
		_ = idt.Claims(&claims)
		if claims.Nonce != f.nonce || claims.Acr != "urn:motcua:loa:self" || len(claims.Amr) != 1 || claims.Amr[0] != "pwd" ||
			claims.AuthTime == 0 || claims.Sid == "" || !strings.HasPrefix(claims.Sub, "AC") || claims.IDNumber != "" {
			t.Fatalf("ID token claims: %+v", claims)
		}
		if time.Until(idt.Expiry) > 15*time.Minute || time.Until(tok.Expiry) > 15*time.Minute+time.Second {
			t.Fatalf("lifetimes: id %v access %v", idt.Expiry, tok.Expiry)
		}
		ui, err := rp.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			t.Fatalf("userinfo: %v", err)
		}
		var info map[string]any
		_ = ui.Claims(&info)
		if info["sub"] != claims.Sub || info["name"] != "Nguyễn Văn An" || info["phone_number"] != "+84934000106" ||
			info["vn_id_number"] != citizenLogin || info["birthdate"] != "2001-01-15" {
			t.Fatalf("userinfo: %v", info)
		}

		// The second sign-in needs no consent: the SPA is skipped.
		f2 := newFlow()
		_, loc := get(t, b, f2.url(rp))
		if loc == nil || !strings.HasPrefix(loc.String(), rp.srv.URL+"/cb") {
			t.Fatalf("remembered consent did not finish at once: %v", loc)
		}

		// prompt=none finishes silently; prompt=login and prompt=consent go to the
		// SPA, which gets ui_locales and login_hint.
		_, loc = get(t, b, newFlow().url(rp, oauth2.SetAuthURLParam("prompt", "none")))
		if loc == nil || loc.Query().Get("code") == "" {
			t.Fatalf("prompt=none with a session and consent: %v", loc)
		}
		for _, prompt := range []string{"login", "consent"} {
			_, loc = get(t, b, newFlow().url(rp, oauth2.SetAuthURLParam("prompt", prompt),
				oauth2.SetAuthURLParam("ui_locales", "en vi"), oauth2.SetAuthURLParam("login_hint", citizenLogin)))
			if loc == nil || !strings.HasPrefix(loc.Path, "/sso/") {
				t.Fatalf("prompt=%s did not go to the sign-in page: %v", prompt, loc)
			}
			var req struct {
				OidcAuthRequest struct {
					Next, LoginHint   string
					UILocales, Prompt []string
				}
			}
			mustDo(t, gql, `query($id:ID!){ oidcAuthRequest(id:$id){ next loginHint uiLocales prompt } }`,
				map[string]any{"id": strings.TrimPrefix(loc.Path, "/sso/")}, &req)
			want := map[string]string{"login": "SIGN_IN", "consent": "CONSENT"}[prompt]
			r := req.OidcAuthRequest
			if r.Next != want || r.LoginHint != citizenLogin || strings.Join(r.UILocales, ",") != "en,vi" || r.Prompt[0] != prompt {
				t.Fatalf("prompt=%s: %+v", prompt, r)
			}
		}

		// Refresh rotates; the rotated token presented again revokes the grant.
		r1 := tok.RefreshToken
		tok2, err := rp.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: r1, Expiry: time.Now().Add(-time.Hour)}).Token()
		if err != nil || tok2.RefreshToken == "" || tok2.RefreshToken == r1 {
			t.Fatalf("refresh: %v (%v)", err, tok2)
		}
		if active(t, s, rp, tok2.AccessToken) != true {
			t.Fatal("refreshed access token inactive")
		}
		if _, err := rp.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: r1, Expiry: time.Now().Add(-time.Hour)}).Token(); err == nil {
			t.Fatal("a rotated refresh token worked again")
		}
		if _, err := rp.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok2.RefreshToken, Expiry: time.Now().Add(-time.Hour)}).Token(); err == nil {
			t.Fatal("re-use did not revoke the family")
		}
		if active(t, s, rp, tok2.AccessToken) || active(t, s, rp, tok.AccessToken) {
			t.Fatal("access tokens of a revoked family still active")
		}

		// A code works once; its second use also revokes what the first issued.
		f3 := newFlow()
		code3 := codeFor(t, s, rp, b, gql, f3)
		tok3, err := rp.conf.Exchange(ctx, code3, oauth2.VerifierOption(f3.verifier))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rp.conf.Exchange(ctx, code3, oauth2.VerifierOption(f3.verifier)); err == nil {
			t.Fatal("a code worked twice")
		}
		if active(t, s, rp, tok3.AccessToken) {
			t.Fatal("code re-use did not revoke the first use's tokens")
		}

		// Revocation of a refresh token (RFC 7009) ends its family.
		f4 := newFlow()
		tok4, err := rp.conf.Exchange(ctx, codeFor(t, s, rp, b, gql, f4), oauth2.VerifierOption(f4.verifier))
		if err != nil {
			t.Fatal(err)
		}
		form(t, s, rp, "/oidc/revoke", url.Values{"token": {tok4.RefreshToken}, "token_type_hint": {"refresh_token"}}, http.StatusOK)
		if active(t, s, rp, tok4.AccessToken) {
			t.Fatal("revoked refresh token's access token still active")
		}

		// End-session: registered post-logout URI only.
		raw4, _ := tok4.Extra("id_token").(string)
		resp, loc := get(t, b, s.URL+"/oidc/end_session?"+url.Values{"id_token_hint": {raw4}, "post_logout_redirect_uri": {"https://evil.example/"}}.Encode())
		if loc != nil || resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("open redirect at end_session: %d %v", resp.StatusCode, loc)
		}
		_, loc = get(t, b, s.URL+"/oidc/end_session?"+url.Values{"id_token_hint": {raw4}, "post_logout_redirect_uri": {rp.srv.URL + "/bye"}, "state": {"x"}}.Encode())
		if loc == nil || loc.String() != rp.srv.URL+"/bye?state=x" {
			t.Fatalf("end_session redirect: %v", loc)
		}
		var v struct {
			Viewer *struct{ Account struct{ ID string } }
		}
		mustDo(t, gql, `{ viewer{ account{ id } } }`, nil, &v)
		if v.Viewer != nil {
			t.Fatal("end_session left the motcua session open")
		}
	})
}

// active asks the introspection endpoint about an access token.
func active(t testing.TB, s *testServer, rp *testRP, token string) bool {
	t.Helper()
	body := form(t, s, rp, "/oidc/introspect", url.Values{"token": {token}}, http.StatusOK)
	var out struct{ Active bool }
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("introspect: %s", body)
	}
	return out.Active
}

// form POSTs to the OP with the RP's client credentials (basic).
func form(t testing.TB, s *testServer, rp *testRP, path string, v url.Values, want int) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(rp.clientID), url.QueryEscape(rp.secret))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("POST %s: %d %s, want %d", path, resp.StatusCode, body, want)
	}
	return body
}

var _ = slog.Default
var _ = app.Options{}
var _ = dbtest.SQLiteURL
