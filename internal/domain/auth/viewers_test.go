package auth

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

func cacheEntry(i int, now time.Time) *cachedViewer {
	id := pulid.ID(fmt.Sprintf("SE%d", i))
	v := &viewer.Viewer{AccountID: pulid.ID(fmt.Sprintf("AC%d", i%2)), SessionID: id}
	v.Bind(&policy.Grants{})
	return &cachedViewer{
		tokenHash: fmt.Sprintf("h%d", i), v: v, account: &ent.Account{ID: v.AccountID}, loadedAt: now,
		session: ent.Session{ID: id, AccountID: v.AccountID, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)},
	}
}

// TestViewerCacheBounds: the cache holds at most its size (least recently
// used out first), forgets entries older than its lifetime or of another
// generation, and refuses an entry read before a drop.
func TestViewerCacheBounds(t *testing.T) {
	now := start
	c := newViewerCache(2, 30*time.Second)
	for i := range 3 {
		c.put(cacheEntry(i, now), c.begin(), false)
		if i == 1 {
			c.get("h0", now, 0, false) // h0 used: h1 is the least recent
		}
	}
	if c.len() != 2 || c.get("h1", now, 0, false) != nil || c.get("h0", now, 0, false) == nil || c.get("h2", now, 0, false) == nil {
		t.Fatalf("LRU kept the wrong entries (%d held)", c.len())
	}
	if c.get("h0", now, 1, false) != nil {
		t.Error("an entry of an older generation was used")
	}
	if c.get("h2", now.Add(30*time.Second), 0, false) != nil {
		t.Error("an entry past its lifetime was used")
	}

	epoch := c.begin()
	c.dropSession("SE9") // a revocation while entry 5 was being read
	c.put(cacheEntry(5, now), epoch, false)
	if c.get("h5", now, 0, false) != nil {
		t.Error("an entry read before a revocation was cached")
	}
	c.put(cacheEntry(6, now), c.begin(), false)
	c.put(cacheEntry(8, now), c.begin(), false)
	c.dropAccount("AC0")
	if c.get("h6", now, 0, false) != nil || c.get("h8", now, 0, false) != nil {
		t.Error("the account's viewers outlived its event")
	}
}

// TestViewerCachedUntilChanged: a session's viewer is built once and reused
// (Me then reads nothing), a policy reload that changed nothing keeps it,
// and a sign-out ends it on this replica at once.
func TestViewerCachedUntilChanged(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.account(t, hung)
		_, token := e.signIn(t, hung.id, hung.password)
		first := viewer.FromContext(e.session(t, token))
		if again := viewer.FromContext(e.session(t, token)); again != first {
			t.Fatal("the viewer was built again")
		}
		me, err := e.svc.Me(viewer.NewContext(e.ctx, first), false)
		if err != nil || me.Account.ID != first.AccountID || me.Sessions != nil {
			t.Fatalf("Me from the cache = %+v, %v", me, err)
		}
		gen := e.authz.Generation()
		if err := e.authz.Reload(context.Background()); err != nil || e.authz.Generation() != gen {
			t.Fatalf("a reload that changed nothing moved the generation (%v)", err)
		}
		if again := viewer.FromContext(e.session(t, token)); again != first {
			t.Fatal("the viewer was rebuilt after a reload that changed nothing")
		}
		if err := e.svc.SignOut(viewer.NewContext(e.ctx, first)); err != nil {
			t.Fatal(err)
		}
		e.dead(t, token, "signed out")
	})
}
