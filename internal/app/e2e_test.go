package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/domain/seed"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/gqlclient"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// Demo sign-ins (seed/demo.go).
const (
	superAdmin   = "001078900001"
	superPass    = "SieuQuanTri@2026"
	provAdmin    = "020183900002"
	provPass     = "QuanTriTinh@2026"
	registrar    = "020090900003"
	registrarPw  = "CanBoMotCua@2026"
	justiceOff   = "020188900004"
	justicePw    = "CanBoTuPhap@2026"
	citizenLogin = "001201900006"
	citizenPw    = "CongDanDemo@2026"
)

// testServer is the whole product on a real HTTP server, in dev mode (demo
// data, console SMS with a short receipt delay).
type testServer struct {
	*httptest.Server
	App *app.App
}

// start runs the product on databaseURL; opts change its options.
func start(t testing.TB, databaseURL string, opts ...func(*app.Options)) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv := httptest.NewUnstartedServer(nil)
	origin := "http://" + srv.Listener.Addr().String()
	o := app.Options{
		DatabaseURL: databaseURL, Dev: true, Migrate: true,
		AllowedOrigins: []string{origin}, MasterKey: []byte(strings.Repeat("k", 32)),
		ScansBucket: "file://" + t.TempDir() + "?create_dir=1&no_tmp_dir=1",
		SMSWorkers:  2,
		SMS:         app.SMSOptions{Provider: "console", ConsoleDelay: 150 * time.Millisecond},
		Logger:      slog.New(slog.NewJSONHandler(io.Discard, nil)),
	}
	for _, opt := range opts {
		opt(&o)
	}
	a, err := app.New(ctx, o)
	if err != nil {
		t.Fatalf("app: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	if err := a.Start(ctx); err != nil {
		t.Fatalf("start: %v", err)
	}
	srv.Config.Handler = a.Handler
	srv.Start()
	t.Cleanup(srv.Close)
	return &testServer{Server: srv, App: a}
}

func databases(t *testing.T, fn func(t *testing.T, s *testServer)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, start(t, dbtest.SQLiteURL(t))) })
	t.Run("postgres", func(t *testing.T) { fn(t, start(t, dbtest.PostgresURL(t))) })
}

func (s *testServer) client() *gqlclient.Client { return &gqlclient.Client{BaseURL: s.URL} }

func (s *testServer) signIn(t testing.TB, login, password string) *gqlclient.Client {
	t.Helper()
	c := s.client()
	var out struct {
		SignIn struct {
			Token              string
			MustChangePassword bool
		}
	}
	mustDo(t, c, `mutation($l:String!,$p:String!){ signIn(input:{login:$l,password:$p}){ token mustChangePassword } }`,
		map[string]any{"l": login, "p": password}, &out)
	if out.SignIn.Token == "" {
		t.Fatalf("signIn %s: no token", login)
	}
	c.Token = out.SignIn.Token
	return c
}

func mustDo(t testing.TB, c *gqlclient.Client, q string, vars map[string]any, out any) {
	t.Helper()
	r, err := c.Do(context.Background(), q, vars)
	if err != nil {
		t.Fatalf("%s: %v", firstLine(q), err)
	}
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %+v", firstLine(q), r.Errors)
	}
	if out != nil {
		if err := r.Decode(out); err != nil {
			t.Fatal(err)
		}
	}
}

func wantCode(t *testing.T, c *gqlclient.Client, q string, vars map[string]any, code string) *gqlclient.Response {
	t.Helper()
	r, err := c.Do(context.Background(), q, vars)
	if err != nil {
		t.Fatalf("%s: %v", firstLine(q), err)
	}
	if got := r.FirstCode(); got != code {
		t.Fatalf("%s: code %q, want %q (%+v)", firstLine(q), got, code, r.Errors)
	}
	return r
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i > 0 {
		s = s[:i]
	}
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}

// TestAdminAtGraphiQL is the newcomer's first session: sign in as the demo
// super admin, query units and accounts with Relay pagination and
// where-filters, and use introspection.
func TestAdminAtGraphiQL(t *testing.T) {
	databases(t, func(t *testing.T, s *testServer) {
		admin := s.signIn(t, superAdmin, superPass)
		var page struct {
			Units struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   string
				}
				Edges []struct {
					Node struct{ ID, Code, Name, Kind string }
				}
			}
		}
		q := `query($after:Cursor){ units(first: 10, after: $after, where: {kind: PROVINCE}, orderBy: [{field: CODE}]) {
			totalCount pageInfo { hasNextPage endCursor } edges { node { id code name kind } } } }`
		mustDo(t, admin, q, nil, &page)
		if page.Units.TotalCount != 34 || len(page.Units.Edges) != 10 || !page.Units.PageInfo.HasNextPage {
			t.Fatalf("first page of provinces: total %d, %d edges, next %v", page.Units.TotalCount, len(page.Units.Edges), page.Units.PageInfo.HasNextPage)
		}
		seen := map[string]bool{}
		for {
			for _, e := range page.Units.Edges {
				if e.Node.Kind != "PROVINCE" || seen[e.Node.ID] {
					t.Fatalf("unexpected or repeated node %+v", e.Node)
				}
				seen[e.Node.ID] = true
			}
			if !page.Units.PageInfo.HasNextPage {
				break
			}
			mustDo(t, admin, q, map[string]any{"after": page.Units.PageInfo.EndCursor}, &page)
		}
		if len(seen) != 34 {
			t.Fatalf("paged through %d provinces, want 34", len(seen))
		}

		var accs struct {
			Accounts struct {
				TotalCount int
				Edges      []struct {
					Node struct{ FullName, Status, IDNumberMasked, PhoneMasked string }
				}
			}
		}
		mustDo(t, admin, `{ accounts(first: 5, where: {status: LOCKED}) { totalCount edges { node { fullName status idNumberMasked phoneMasked } } } }`, nil, &accs)
		if accs.Accounts.TotalCount < 1 {
			t.Fatal("no LOCKED demo account found")
		}
		for _, e := range accs.Accounts.Edges {
			if e.Node.Status != "LOCKED" || !strings.Contains(e.Node.IDNumberMasked, "*") || !strings.Contains(e.Node.PhoneMasked, "*") {
				t.Errorf("account %+v: want LOCKED and masked numbers", e.Node)
			}
		}
		mustDo(t, admin, `{ __schema { queryType { name } } }`, nil, nil)
	})
}

func TestTransportGuards(t *testing.T) {
	s := start(t, dbtest.SQLiteURL(t))
	// A multipart POST without the preflight header (a cross-site form) is refused.
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader("--x--\r\n"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("multipart without preflight: HTTP %d, want 400", resp.StatusCode)
	}
	// A WebSocket from a foreign origin is refused before the upgrade.
	req, _ = http.NewRequest(http.MethodGet, s.URL+"/graphql", nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	req.Header.Set("Sec-WebSocket-Protocol", "graphql-transport-ws")
	req.Header.Set("Origin", "https://evil.example")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("foreign-origin WebSocket: HTTP %d, want 403", resp.StatusCode)
	}
	// first: 100000 is refused; a 100-deep query is refused by complexity or parsing.
	admin := s.signIn(t, superAdmin, superPass)
	wantCode(t, admin, `{ units(first: 100000) { totalCount } }`, nil, "VALIDATION")
	deep := strings.Repeat("{ parent ", 100) + "{ id }" + strings.Repeat(" }", 100)
	r, err := admin.Do(context.Background(), `{ units(first: 1) { edges { node `+deep+` } } }`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) == 0 {
		t.Error("a 100-deep query was answered")
	}
	// Health.
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200, "/dev/sms": 200} {
		resp, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

// devInbox reads the console provider's inbox for a phone.
func devInbox(t *testing.T, s *testServer, phone string) []struct{ Phone, Kind, Body, Status string } {
	t.Helper()
	resp, err := http.Get(s.URL + "/dev/sms?phone=" + phone)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var msgs []struct{ Phone, Kind, Body, Status string }
	if err := json.NewDecoder(resp.Body).Decode(&msgs); err != nil {
		t.Fatal(err)
	}
	return msgs
}

var _ = seed.UndeliverablePhone
