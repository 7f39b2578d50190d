package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/domain/seed"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/gqlclient"
	"github.com/motcua/motcua/policy/viewer"
)

// TestStatementsPerOperation counts the SQL statements each GraphQL
// operation sends through the real handler (the driver wrapped, only the
// request's own statements counted), so that a re-read of the viewer or an
// N+1 over an edge cannot come back unnoticed. The viewer is warm: its
// session was used once before.
func TestStatementsPerOperation(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { statementsPerOperation(t, dbtest.SQLiteURL(t)) })
	t.Run("postgres", func(t *testing.T) { statementsPerOperation(t, dbtest.PostgresURL(t)) })
}

// statementsPerOperation runs the operations against the server at url.
// Long because it is a table: one row an operation, with its limit.
func statementsPerOperation(t *testing.T, url string) {
	s := start(t, url, func(o *app.Options) { o.WrapDriver = dbtest.CountingDriver })
	ctx := context.Background()
	if _, err := seed.Generate(ctx, s.App.DB, seed.GenerateOptions{Accounts: 10, Officers: 110, Seed: 1}, nil); err != nil {
		t.Fatal(err)
	}
	// The requests of this server count their statements in current.
	var current atomic.Pointer[dbtest.Count]
	counted := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rctx, c := dbtest.Track(r.Context())
		current.Store(c)
		s.App.Handler.ServeHTTP(w, r.WithContext(rctx))
	}))
	t.Cleanup(counted.Close)
	super := s.signIn(t, superAdmin, superPass)
	c := &gqlclient.Client{BaseURL: counted.URL, Token: super.Token}

	created, err := s.App.DB.Client.Account.Query().Where(account.CreatedAtUnitIDNotNil()).First(viewer.System(ctx))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		q    string
		vars map[string]any
		max  int
	}{
		{"viewer account id", `{ viewer { account { id } } }`, nil, 0},
		{"viewer with roles, officer and permissions", `{ viewer { account { id fullName } roles officer { id } permissions currentSessionID } }`, nil, 0},
		{"node with createdAtUnit", `query($id: ID!) { node(id: $id) { ... on Account { id fullName createdAtUnit { id name } } } }`,
			map[string]any{"id": created.ID}, 2},
		{"100 officers with unit and account", `{ officers(first: 100) { edges { node { id unit { id name } account { id fullName } } } } }`, nil, 3},
	} {
		var out map[string]any
		mustDo(t, c, tc.q, tc.vars, &out) // warms the viewer
		mustDo(t, c, tc.q, tc.vars, &out)
		n := current.Load()
		if n.N() > tc.max {
			t.Errorf("%s: %d statements, want at most %d:\n%s", tc.name, n.N(), tc.max, n)
		} else {
			t.Logf("%s: %d statements", tc.name, n.N())
		}
		if tc.name == "100 officers with unit and account" {
			edges := out["officers"].(map[string]any)["edges"].([]any)
			if len(edges) != 100 {
				t.Errorf("officers: %d edges, want 100", len(edges))
			}
		}
	}

	// Sign-in: throttle reservation, the account and officer, the session,
	// its audit event and the answer's viewer, which the sign-in itself
	// hands to the resolver (no second read of the account and officer).
	var in struct {
		SignIn struct {
			Token  string
			Viewer struct {
				Account  struct{ ID string }
				Sessions []struct{ ID string }
			}
		}
	}
	anon := &gqlclient.Client{BaseURL: counted.URL}
	mustDo(t, anon, `mutation($l:String!,$p:String!){ signIn(input:{login:$l,password:$p}){ token viewer { account { id fullName } roles officer { id } permissions currentSessionID sessions { id } } } }`,
		map[string]any{"l": superAdmin, "p": superPass}, &in)
	n := current.Load()
	if in.SignIn.Token == "" || in.SignIn.Viewer.Account.ID == "" || len(in.SignIn.Viewer.Sessions) == 0 {
		t.Errorf("sign-in answered %+v", in.SignIn)
	}
	if max := 20; n.N() > max {
		t.Errorf("sign-in: %d statements, want at most %d:\n%s", n.N(), max, n)
	} else {
		t.Logf("sign-in: %d statements", n.N())
	}
}
