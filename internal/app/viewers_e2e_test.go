package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/gqlclient"
)

// eventWait bounds how long a replica may take to apply another replica's
// event. It is well below the cached viewers' lifetime (30 s), so a pass
// shows the event, not the lifetime, ended the viewer; the events take
// milliseconds, and nothing waits for the bound when they arrive.
const eventWait = 10 * time.Second

// eventually asks q on c until its first error code is code, failing after
// eventWait.
func eventually(t *testing.T, c *gqlclient.Client, q, code string) {
	t.Helper()
	deadline := time.Now().Add(eventWait)
	for {
		r, err := c.Do(context.Background(), q, nil)
		if err != nil {
			t.Fatalf("%s: %v", firstLine(q), err)
		}
		if r.FirstCode() == code {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still %q (%s), want %q", firstLine(q), r.FirstCode(), r.Data, code)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestCachedViewersFollowOtherReplicas runs two replicas on one PostgreSQL
// database (LISTEN/NOTIFY bus). Each caches its sessions' viewers; a sign-out
// and a withdrawn role on A end what B had cached.
func TestCachedViewersFollowOtherReplicas(t *testing.T) {
	url := dbtest.PostgresURL(t)
	a := start(t, url)
	b := start(t, url)

	// Signed out on A: the next requests on B are anonymous.
	onA := a.signIn(t, registrar, registrarPw)
	onB := &gqlclient.Client{BaseURL: b.URL, Token: onA.Token}
	var me struct {
		Viewer *struct{ Officer struct{ ID string } }
	}
	mustDo(t, onB, `{ viewer { officer { id } } }`, nil, &me) // B caches the viewer
	mustDo(t, onB, `{ viewer { officer { id } } }`, nil, &me)
	if me.Viewer == nil {
		t.Fatal("B does not know the session")
	}
	mustDo(t, onA, `mutation { signOut }`, nil, nil)
	eventually(t, onB, `{ citizenAccountsCreatedByMe(first: 1) { totalCount } }`, "UNAUTHENTICATED")
	mustDo(t, onB, `{ viewer { officer { id } } }`, nil, &me)
	if me.Viewer != nil {
		t.Error("B still shows the signed-out viewer")
	}

	// A role withdrawn on A: B refuses what the role allowed.
	onA = a.signIn(t, registrar, registrarPw)
	onB = &gqlclient.Client{BaseURL: b.URL, Token: onA.Token}
	mustDo(t, onB, `{ viewer { officer { id } } }`, nil, &me)
	mustDo(t, onB, `{ lookupCitizen(idNumber: "001201900006") { exists } }`, nil, nil)
	admin := a.signIn(t, provAdmin, provPass)
	mustDo(t, admin, `mutation($id: ID!) { setOfficerPermissions(officerID: $id, permissions: []) { id } }`,
		map[string]any{"id": me.Viewer.Officer.ID}, nil)
	eventually(t, onB, `{ lookupCitizen(idNumber: "001201900006") { exists } }`, "FORBIDDEN")
}

// TestCachedViewerAfterSignOutOnSameReplica: the replica that signs a
// session out forgets its viewer before answering.
func TestCachedViewerAfterSignOutOnSameReplica(t *testing.T) {
	databases(t, func(t *testing.T, s *testServer) {
		c := s.signIn(t, registrar, registrarPw)
		mustDo(t, c, `{ viewer { account { id } } }`, nil, nil)
		mustDo(t, c, `mutation { signOut }`, nil, nil)
		wantCode(t, c, `{ lookupCitizen(idNumber: "001201900006") { exists } }`, nil, "UNAUTHENTICATED")
	})
}
