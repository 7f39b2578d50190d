package sso

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/oidcclient"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/policy/viewer"
)

// The demo relying party of dev mode: a province portal served by the same
// binary at /dev/rp, built the way an integrator would build one (x/oauth2
// and go-oidc against the discovery document), so that `make run` shows the
// whole flow.

// DemoRPPath is where the demo relying party lives (dev mode only).
const DemoRPPath = "/dev/rp"

// DemoRPTitle is the demo portal's name.
const DemoRPTitle = "Cổng Dịch vụ công tỉnh Lạng Sơn (demo)"

// DemoRP registers (or refreshes) the demo client and returns its handlers
// by mux pattern. The client is confidential; its secret is replaced at
// every start and kept only in this process, for the demo.
func (s *Service) DemoRP(ctx context.Context, unitCode string) (map[string]http.Handler, error) {
	redirect := s.issuer + DemoRPPath + "/callback"
	sys := viewer.System(ctx)
	c, err := s.db.Client.OIDCClient.Query().Where(oidcclient.DevDemo(true)).First(sys)
	var secret string
	switch {
	case ent.IsNotFound(err):
		u, uerr := s.db.Client.Unit.Query().Where(unit.Code(unitCode)).Only(sys)
		if uerr != nil {
			return nil, fmt.Errorf("sso: demo client unit: %w", uerr)
		}
		c, secret, err = s.CreateClient(sys, ClientInput{
			Name: "Cổng Dịch vụ công tỉnh Lạng Sơn (demo)", UnitID: u.ID, RedirectURIs: []string{redirect},
			PostLogoutRedirectURIs: []string{s.issuer + DemoRPPath}, BackchannelLogoutURI: s.issuer + DemoRPPath + "/backchannel",
			Scopes: []string{ScopeProfile, ScopePhone, ScopeEmail}, devDemo: true,
		})
		if err != nil {
			return nil, err
		}
	case err != nil:
		return nil, fmt.Errorf("sso: demo client: %w", err)
	default:
		var hash string
		if secret, hash, err = newSecret(); err != nil {
			return nil, err
		}
		c, err = s.db.Client.OIDCClient.UpdateOneID(c.ID).SetSecretHash(hash).SetDisabled(false).
			SetRedirectUris([]string{redirect}).SetPostLogoutRedirectUris([]string{s.issuer + DemoRPPath}).
			SetBackchannelLogoutURI(s.issuer + DemoRPPath + "/backchannel").Save(sys)
		if err != nil {
			return nil, fmt.Errorf("sso: demo client: %w", err)
		}
	}
	rp := &demoRP{issuer: s.issuer, conf: oauth2.Config{
		ClientID: string(c.ID), ClientSecret: secret, RedirectURL: redirect,
		Scopes: []string{oidc.ScopeOpenID, ScopeProfile, ScopePhone, ScopeEmail},
	}}
	return map[string]http.Handler{
		"GET " + DemoRPPath:                   http.HandlerFunc(rp.home),
		"GET " + DemoRPPath + "/login":        http.HandlerFunc(rp.login),
		"GET " + DemoRPPath + "/callback":     http.HandlerFunc(rp.callback),
		"POST " + DemoRPPath + "/backchannel": http.HandlerFunc(rp.backchannel),
	}, nil
}

type demoRP struct {
	issuer string
	conf   oauth2.Config
}

// provider reads the discovery document (the demo asks its own server).
func (rp *demoRP) provider(ctx context.Context) (*oidc.Provider, oauth2.Config, error) {
	p, err := oidc.NewProvider(ctx, rp.issuer)
	if err != nil {
		return nil, oauth2.Config{}, err
	}
	conf := rp.conf
	conf.Endpoint = p.Endpoint()
	return p, conf, nil
}

var demoTmpl = template.Must(template.New("rp").Parse(`<!doctype html><html lang="vi"><meta charset="utf-8">
<title>{{.Title}}</title>
<body style="font-family:sans-serif;max-width:48em;margin:2em auto;color:#1f2937">
<header style="background:#b91c1c;color:white;padding:1em 1.5em;border-radius:6px"><h1 style="margin:0;font-size:1.4em">{{.Title}}</h1>
<div>Hệ thống minh hoạ một cổng dịch vụ công cấp tỉnh đăng nhập bằng tài khoản của Cổng Dịch vụ công quốc gia (OpenID Connect).</div></header>
{{if .Error}}<p style="color:#b91c1c"><strong>Lỗi:</strong> {{.Error}}</p>{{end}}
{{if .Claims}}<h2>Đăng nhập thành công</h2><p>Thông tin hệ thống nhận được từ Cổng Dịch vụ công quốc gia:</p>
<table style="border-collapse:collapse">{{range .Claims}}<tr><th style="text-align:left;padding:4px 12px;border-bottom:1px solid #ddd">{{.K}}</th><td style="padding:4px 12px;border-bottom:1px solid #ddd"><code>{{.V}}</code></td></tr>{{end}}</table>
<p><a href="{{.Logout}}">Đăng xuất</a> · <a href="/dev/rp">Trang chủ</a></p>
{{else}}<p style="margin:2em 0"><a href="/dev/rp/login" style="background:#1d4ed8;color:white;padding:.8em 1.4em;border-radius:6px;text-decoration:none">Đăng nhập bằng tài khoản Cổng Dịch vụ công quốc gia</a></p>{{end}}
</body></html>`))

type kv struct{ K, V string }

type demoPage struct {
	Title, Error, Logout string
	Claims               []kv
}

func (rp *demoRP) render(w http.ResponseWriter, p demoPage) {
	p.Title = DemoRPTitle
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = demoTmpl.Execute(w, p)
}

func (rp *demoRP) home(w http.ResponseWriter, r *http.Request) {
	rp.render(w, demoPage{Error: r.URL.Query().Get("error")})
}

func randomString() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (rp *demoRP) setCookie(w http.ResponseWriter, name, value string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: DemoRPPath, HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 600})
}

func (rp *demoRP) login(w http.ResponseWriter, r *http.Request) {
	_, conf, err := rp.provider(r.Context())
	if err != nil {
		rp.render(w, demoPage{Error: "discovery: " + err.Error()})
		return
	}
	state, nonce, verifier := randomString(), randomString(), oauth2.GenerateVerifier()
	rp.setCookie(w, "demo_rp_state", state)
	rp.setCookie(w, "demo_rp_nonce", nonce)
	rp.setCookie(w, "demo_rp_verifier", verifier)
	http.Redirect(w, r, conf.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("ui_locales", "vi")), http.StatusFound)
}

func cookie(r *http.Request, name string) string {
	if c, err := r.Cookie(name); err == nil {
		return c.Value
	}
	return ""
}

func (rp *demoRP) callback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		rp.render(w, demoPage{Error: e + ": " + q.Get("error_description")})
		return
	}
	if st := cookie(r, "demo_rp_state"); st == "" || st != q.Get("state") {
		rp.render(w, demoPage{Error: "state không khớp / state mismatch"})
		return
	}
	p, conf, err := rp.provider(ctx)
	if err != nil {
		rp.render(w, demoPage{Error: "discovery: " + err.Error()})
		return
	}
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(cookie(r, "demo_rp_verifier")))
	if err != nil {
		rp.render(w, demoPage{Error: "token: " + err.Error()})
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := p.Verifier(&oidc.Config{ClientID: conf.ClientID}).Verify(ctx, raw)
	if err != nil || idt.Nonce != cookie(r, "demo_rp_nonce") {
		rp.render(w, demoPage{Error: fmt.Sprintf("id_token: %v", err)})
		return
	}
	claims := map[string]any{}
	_ = idt.Claims(&claims)
	if ui, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil {
		_ = ui.Claims(&claims)
	}
	keys := make([]string, 0, len(claims))
	for k := range claims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	page := demoPage{}
	for _, k := range keys {
		b, _ := json.Marshal(claims[k])
		page.Claims = append(page.Claims, kv{K: k, V: string(b)})
	}
	var endSession struct {
		URL string `json:"end_session_endpoint"`
	}
	_ = p.Claims(&endSession)
	page.Logout = endSession.URL + "?" + url.Values{"id_token_hint": {raw}, "post_logout_redirect_uri": {rp.issuer + DemoRPPath}}.Encode()
	rp.render(w, page)
}

// backchannel accepts logout tokens (a real RP would verify the token and
// end its local session; the demo keeps none).
func (rp *demoRP) backchannel(w http.ResponseWriter, _ *http.Request) {
	w.WriteHeader(http.StatusOK)
}
