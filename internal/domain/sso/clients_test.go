package sso

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/internal/rules/refusal"
)

func TestCheckURI(t *testing.T) {
	prod, dev := &Service{}, &Service{dev: true}
	cases := []struct {
		uri       string
		prod, dev bool
	}{
		{"https://dichvucong.langson.gov.vn/oidc/callback", true, true},
		{"https://rp.example/cb?x=1", true, true},
		{"http://127.0.0.1:9000/cb", false, true},
		{"http://localhost:9000/cb", false, true},
		{"http://[::1]:9000/cb", false, true},
		{"http://rp.example/cb", false, false},
		{"https://rp.example/cb#frag", false, false},
		{"https://user:pw@rp.example/cb", false, false},
		{"/relative/cb", false, false},
		{"javascript:alert(1)", false, false},
		{" https://rp.example/cb", false, false},
		{"https://rp.example/" + strings.Repeat("a", maxURILength), false, false},
		{"", false, false},
	}
	for _, c := range cases {
		if got := prod.checkURI("f", c.uri) == nil; got != c.prod {
			t.Errorf("production %q: accepted %v, want %v", c.uri, got, c.prod)
		}
		if got := dev.checkURI("f", c.uri) == nil; got != c.dev {
			t.Errorf("dev %q: accepted %v, want %v", c.uri, got, c.dev)
		}
	}
	if err := prod.checkURI("redirectURIs", "http://x"); !refusal.Is(err, refusal.Validation) {
		t.Fatalf("refusal: %v", err)
	}
}

func TestCheckScopes(t *testing.T) {
	got, err := checkScopes([]string{"profile", "vn_identity", "profile"})
	if err != nil || strings.Join(got, " ") != "openid profile vn_identity" {
		t.Fatalf("scopes %v, %v", got, err)
	}
	for _, bad := range []string{"offline_access", "address", "admin", ""} {
		if _, err := checkScopes([]string{bad}); !refusal.Is(err, refusal.Validation) {
			t.Errorf("scope %q accepted", bad)
		}
	}
}

func TestCheckSecretOverlap(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := &Service{now: func() time.Time { return now }}
	until := now.Add(time.Hour)
	c := &ent.OIDCClient{SecretHash: hashSecret("new"), PreviousSecretHash: hashSecret("old"), PreviousSecretExpiresAt: &until}
	if !s.checkSecret(c, "new") || !s.checkSecret(c, "old") || s.checkSecret(c, "other") || s.checkSecret(c, "") {
		t.Fatal("current and previous secrets within the overlap")
	}
	now = now.Add(2 * time.Hour)
	if s.checkSecret(c, "old") || !s.checkSecret(c, "new") {
		t.Fatal("the previous secret works after the overlap")
	}
	if s.checkSecret(&ent.OIDCClient{Public: true, SecretHash: hashSecret("x")}, "x") {
		t.Fatal("a public client authenticated with a secret")
	}
}

func TestGuardParams(t *testing.T) {
	ok := guardParams(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	cases := map[string]int{
		"/oidc/authorize?client_id=a&state=b":                                   http.StatusNoContent,
		"/oidc/authorize?redirect_uri=a&redirect_uri=b":                         http.StatusBadRequest,
		"/oidc/authorize?state=" + strings.Repeat("s", maxValueLen+1):           http.StatusBadRequest,
		"/oidc/authorize?a=" + strings.Repeat("s", maxQueryLen):                 http.StatusRequestURITooLong,
		"/oidc/authorize?scope=openid%20profile&prompt=none&ui_locales=vi%20en": http.StatusNoContent,
	}
	for target, want := range cases {
		rec := httptest.NewRecorder()
		ok.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != want || rec.Header().Get("Location") != "" {
			t.Errorf("%.60s: %d, want %d and no redirect", target, rec.Code, want)
		}
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/oidc/token", strings.NewReader("code=a&code=b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	ok.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest {
		t.Errorf("repeated form parameter: %d", rec.Code)
	}
}
