package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/motcua/motcua/graph"
	"github.com/motcua/motcua/graph/generated"
	"github.com/motcua/motcua/server"
)

func newServer(t *testing.T, dev bool) http.Handler {
	t.Helper()
	inbox := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "[]") })
	h, err := server.New(server.Config{Dev: dev, AllowedOrigins: []string{"http://127.0.0.1:8080"}}, server.Deps{
		Schema:   generated.NewExecutableSchema(generated.Config{Resolvers: &graph.Resolver{}}),
		DevInbox: inbox,
		SPA: fstest.MapFS{
			"index.html":    {Data: []byte("<!doctype html><title>app</title>")},
			"assets/app.js": {Data: []byte("console.log(1)")},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func get(h http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestDevInboxOnlyInDevMode(t *testing.T) {
	if code := get(newServer(t, false), "/dev/sms").Code; code != http.StatusNotFound {
		t.Errorf("outside dev mode /dev/sms = %d, want 404", code)
	}
	if code := get(newServer(t, true), "/dev/sms").Code; code != http.StatusOK {
		t.Errorf("in dev mode /dev/sms = %d, want 200", code)
	}
}

func TestSPA(t *testing.T) {
	h := newServer(t, false)
	for _, path := range []string{"/", "/officer/registrations/RG01", "/admin/officers"} {
		rec := get(h, path)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<title>app</title>") {
			t.Errorf("%s: %d %q, want the app's index.html", path, rec.Code, rec.Body.String())
		}
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
	}
	rec := get(h, "/assets/app.js")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
		t.Errorf("asset: %d, cache %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	for _, header := range []string{"X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "X-Request-ID"} {
		if rec.Header().Get(header) == "" {
			t.Errorf("missing %s", header)
		}
	}
}

func TestGraphQLTransportRules(t *testing.T) {
	h := newServer(t, false)
	post := func(contentType string, headers map[string]string) int {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
		req.Header.Set("Content-Type", contentType)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := post("application/json", nil); code != http.StatusOK {
		t.Errorf("JSON POST: %d", code)
	}
	if code := post("multipart/form-data; boundary=x", nil); code != http.StatusBadRequest {
		t.Errorf("multipart without preflight: %d, want 400", code)
	}
	if code := post("application/x-www-form-urlencoded", nil); code != http.StatusUnsupportedMediaType {
		t.Errorf("form POST: %d, want 415", code)
	}
	if code := post("text/plain", nil); code != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain POST (a CSRF shape): %d, want 415", code)
	}
}

func TestIntrospectionOffForAnonymousOutsideDev(t *testing.T) {
	body := `{"query":"{ __schema { queryType { name } } }"}`
	for dev, wantRefused := range map[bool]bool{false: true, true: false} {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		newServer(t, dev).ServeHTTP(rec, req)
		refused := strings.Contains(rec.Body.String(), `"errors"`)
		if refused != wantRefused {
			t.Errorf("dev=%v: introspection refused=%v: %s", dev, refused, rec.Body.String())
		}
	}
}
