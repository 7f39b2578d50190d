package auth

import (
	"container/list"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/policy/viewer"
)

// The viewer cache: a session's viewer is built once (session, account,
// officer and unit read, grants computed) and reused by the session's next
// requests, so that a warm request reads nothing to know who is asking.
//
// It stays true because every way a cached viewer can become wrong drops
// it: a revoked session and an account whose standing changed are dropped
// at once on the replica that made the change and, through the events bus,
// on every other (Service.Run); a grant moves the Authorizer's generation,
// which makes every viewer of an older generation a miss; and an entry
// lives at most viewerTTL whatever happens, which bounds what no event
// announces (an account's name edited, a session's password-change-only
// flag cleared on another replica — refused for a little longer, never
// allowed more). Liveness (expiry, idle timeout) is re-judged on every hit.
const (
	viewerTTL      = 30 * time.Second
	viewerCacheMax = 50_000
	// touchFlushEvery: how often recorded uses are written.
	touchFlushEvery = 5 * time.Second
)

// Run keeps the cached viewers true on this replica and writes the
// recorded session uses, until ctx ends: it drops the viewer of a session
// revoked on any replica (events.TopicSession), those of an account whose
// standing changed (events.TopicAccount), and every viewer after a resync.
// Grants need no event here: the policy reload moves the generation.
func (s *Service) Run(ctx context.Context) error {
	ch, err := s.bus.Subscribe(ctx, events.TopicSession, events.TopicAccount)
	if err != nil {
		return fmt.Errorf("auth: viewer events: %w", err)
	}
	tick := time.NewTicker(touchFlushEvery)
	defer tick.Stop()
	defer func() {
		// The uses recorded last, written on the way out.
		flushCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = s.FlushTouches(flushCtx)
	}()
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				return nil
			}
			switch e.Topic {
			case events.TopicSession:
				s.viewers.dropSession(pulid.ID(e.ID))
			case events.TopicAccount:
				s.viewers.dropAccount(pulid.ID(e.ID))
			case events.TopicResync:
				s.viewers.clear()
			}
		case <-tick.C:
			if err := s.FlushTouches(ctx); err != nil && ctx.Err() == nil {
				slog.Error("auth: record session uses", "err", err)
			}
		case <-ctx.Done():
			return nil
		}
	}
}

// cachedViewer is one session's viewer and what Me shows without reading.
type cachedViewer struct {
	tokenHash string
	v         *viewer.Viewer
	account   *ent.Account
	officer   *ent.Officer // nil when the account is not in user management
	session   ent.Session  // the row as read; LastSeenAt is kept up to date here
	loadedAt  time.Time
	elem      *list.Element
}

// viewerCache is a bounded LRU of cachedViewer by token hash, with an index
// by session. It is safe for concurrent use.
type viewerCache struct {
	mu        sync.Mutex
	max       int
	ttl       time.Duration
	byToken   map[string]*cachedViewer
	bySession map[pulid.ID]*cachedViewer
	order     *list.List // front: most recently used
	// epoch moves on every drop: a viewer read before a drop may predate
	// the revocation that caused it, so put refuses it.
	epoch uint64
	// touches are the sessions whose use is to be written (last_seen_at).
	touches map[pulid.ID]time.Time
}

func newViewerCache(max int, ttl time.Duration) *viewerCache {
	return &viewerCache{
		max: max, ttl: ttl,
		byToken: map[string]*cachedViewer{}, bySession: map[pulid.ID]*cachedViewer{},
		order: list.New(), touches: map[pulid.ID]time.Time{},
	}
}

// get returns the viewer of tokenHash when cached, fresh (younger than the
// TTL, of generation gen) and the session still live at now; when use, it
// records the use (at most once per touchEvery per session). A session that
// looks dead here is re-read rather than refused: another replica may have
// recorded a use this one has not seen.
func (c *viewerCache) get(tokenHash string, now time.Time, gen uint64, use bool) *viewer.Viewer {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.byToken[tokenHash]
	if e == nil {
		return nil
	}
	if now.Sub(e.loadedAt) >= c.ttl || now.Before(e.loadedAt) || e.v.Grants().Generation != gen || !live(&e.session, now) {
		c.remove(e)
		return nil
	}
	c.order.MoveToFront(e.elem)
	if use {
		c.touchLocked(e, now)
	}
	return e.v
}

// begin returns the epoch to pass to put for a viewer about to be read.
func (c *viewerCache) begin() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.epoch
}

// put caches e unless something was dropped since epoch; when use, it
// records the use.
func (c *viewerCache) put(e *cachedViewer, epoch uint64, use bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if use {
		c.touchLocked(e, e.loadedAt)
	}
	if epoch != c.epoch {
		return
	}
	if old := c.byToken[e.tokenHash]; old != nil {
		c.remove(old)
	}
	if old := c.bySession[e.session.ID]; old != nil {
		c.remove(old)
	}
	e.elem = c.order.PushFront(e)
	c.byToken[e.tokenHash], c.bySession[e.session.ID] = e, e
	for c.order.Len() > c.max {
		c.remove(c.order.Back().Value.(*cachedViewer))
	}
}

// touchLocked records a use of e's session at now if its last recorded use
// is touchEvery old.
func (c *viewerCache) touchLocked(e *cachedViewer, now time.Time) {
	if now.Sub(e.session.LastSeenAt) < touchEvery {
		return
	}
	e.session.LastSeenAt = now
	c.touches[e.session.ID] = now
}

// recordedUse returns the use of a session recorded but not written yet.
func (c *viewerCache) recordedUse(id pulid.ID) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.touches[id]
	return t, ok
}

// takeTouches returns the uses to write and forgets them.
func (c *viewerCache) takeTouches() map[pulid.ID]time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.touches) == 0 {
		return nil
	}
	out := c.touches
	c.touches = map[pulid.ID]time.Time{}
	return out
}

// profile returns the account and officer cached with v, when v is the
// cached viewer of its session (the viewer of this request), as copies.
func (c *viewerCache) profile(v *viewer.Viewer) (*ent.Account, *ent.Officer, bool) {
	if v == nil || v.SessionID == "" {
		return nil, nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.bySession[v.SessionID]
	if e == nil || e.v != v {
		return nil, nil, false
	}
	acct := *e.account
	if e.officer == nil {
		return &acct, nil, true
	}
	o := *e.officer
	return &acct, &o, true
}

// dropSession forgets the viewer of a session.
func (c *viewerCache) dropSession(id pulid.ID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	if e := c.bySession[id]; e != nil {
		c.remove(e)
	}
}

// dropAccount forgets the viewers of an account's sessions.
func (c *viewerCache) dropAccount(id pulid.ID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	for _, e := range c.bySession {
		if e.session.AccountID == id {
			c.remove(e)
		}
	}
}

// clear forgets every viewer (after events may have been missed).
func (c *viewerCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	for _, e := range c.bySession {
		c.remove(e)
	}
}

func (c *viewerCache) remove(e *cachedViewer) {
	c.order.Remove(e.elem)
	delete(c.byToken, e.tokenHash)
	if c.bySession[e.session.ID] == e {
		delete(c.bySession, e.session.ID)
	}
}

// len is the number of cached viewers.
func (c *viewerCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
