package smsqueue

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// The SMS monitor (Subscription.smsActivity) is watched by many admins at
// once, so its subscribers share everything that does not depend on who
// they are (docs/PERFORMANCE.md, S6):
//
//   - one bus subscription per process (activityHub.run), started with the
//     first subscriber and stopped with the last;
//   - one read of each status change, as the system (sharedReads);
//   - one scope check per feed: subscribers whose scope and unit filter are
//     equal share a feed. A subscriber's scope is computed once, when it
//     subscribes, and again only when the policy changes (PolicyChanged):
//     never per event, which made Casbin a third of S6's CPU.
//
// A subscriber that does not take its events as fast as they come (its
// buffer of activityBuffer is full, or its transport's Pusher refuses) is ended with a RESYNC_REQUIRED error
// rather than slowing the others down or losing events silently: its client
// re-subscribes and re-reads the history (Query.smsMessages).

// activityBuffer is how many events a monitor may have waiting for its
// socket. The stream is a few events a second; a client this far behind is
// told to resubscribe.
const activityBuffer = 16

var (
	errFellBehind = refusal.New(refusal.ResyncRequired,
		"Kết nối không nhận kịp các sự kiện; hãy đăng ký lại và tải lại dữ liệu.",
		"The connection fell behind the events; subscribe again and reload.")
	errSessionEnded = refusal.New(refusal.Unauthenticated,
		"Phiên đăng nhập đã kết thúc.", "The session has ended.")
	errMonitorForbidden = refusal.New(refusal.Forbidden,
		"Bạn không có quyền theo dõi tin nhắn SMS.",
		"You may not monitor SMS messages.")
	errUnitOutOfScope = refusal.New(refusal.OutOfScope,
		"Đơn vị này nằm ngoài phạm vi quản lý của bạn.",
		"This unit is outside your scope.").OnField("unitID")
)

// activityHub fans the SMS status changes out to the monitors of this
// process. Every field is guarded by mu; channels are sent to and closed
// only under mu, so a send never meets a closed channel.
type activityHub struct {
	q *Queue

	mu      sync.Mutex
	feeds   map[string]*activityFeed // by feedKey
	subs    map[*activitySub]*activityFeed
	running *hubRun // nil when there is no subscriber
}

// hubRun is one life of the hub's bus subscription.
type hubRun struct{ cancel context.CancelFunc }

// activityFeed is the subscribers that see the same messages: same scope,
// same unit filter.
type activityFeed struct {
	scope policy.Scope
	under string
	subs  map[*activitySub]struct{}
}

type activitySub struct {
	v     *viewer.Viewer
	under string
	out   chan *ent.SMSMessage
	push  events.Pusher // nil: events go to out
	onEnd func(*refusal.Error)
	stop  func() bool // unregisters the context.AfterFunc
}

func newActivityHub(q *Queue) *activityHub {
	return &activityHub{q: q, feeds: map[string]*activityFeed{}, subs: map[*activitySub]*activityFeed{}}
}

// feedKey identifies the feed of a scope and filter.
func feedKey(scope policy.Scope, under string) string {
	if scope.All {
		return "*|" + under
	}
	paths := slices.Clone(scope.Paths)
	slices.Sort(paths)
	return strings.Join(paths, ",") + "|" + under
}

// SMSActivity streams the status changes of the SMS messages within the
// viewer's scope for monitoring SMS (admins), narrowed to the subtree of
// unitID when given, which must lie inside that scope. The channel is
// closed when ctx is done, when the bus closes, and when the hub ends the
// subscription, after calling onEnd (which may be nil) with the reason: the
// session was revoked, the viewer lost the scope, or it fell behind.
func (q *Queue) SMSActivity(ctx context.Context, unitID *pulid.ID, onEnd func(*refusal.Error)) (<-chan *ent.SMSMessage, error) {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return nil, errUnauthenticated
	}
	scope := v.Scope(policy.ObjSMS, policy.ActMonitor)
	if scope.Empty() {
		return nil, errMonitorForbidden
	}
	under := ""
	if unitID != nil {
		u, err := q.db.Client.Unit.Get(ctx, *unitID)
		if ent.IsNotFound(err) {
			return nil, refusal.New(refusal.NotFound, "Không tìm thấy đơn vị.", "Unit not found.").OnField("unitID")
		}
		if err != nil {
			return nil, fmt.Errorf("smsqueue: sms activity: %w", err)
		}
		if !scope.Covers(u.Path) {
			return nil, errUnitOutOfScope
		}
		under = u.Path
	}
	s := &activitySub{v: v, under: under, onEnd: onEnd}
	if p := events.PusherFrom(ctx); p != nil && p.Claim() {
		// The transport takes events as they come (docs/PERFORMANCE.md,
		// S6): out carries nothing and is only closed.
		s.push, s.out = p, make(chan *ent.SMSMessage)
	} else {
		s.out = make(chan *ent.SMSMessage, activityBuffer)
	}
	if err := q.activity.join(ctx, s, scope); err != nil {
		return nil, err
	}
	return s.out, nil
}

// join adds s to the feed of its scope, starting the bus subscription if s
// is the first subscriber, until ctx ends.
func (h *activityHub) join(ctx context.Context, s *activitySub, scope policy.Scope) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	// No goroutine per subscriber: the runtime calls leave when ctx ends
	// (in a goroutine of its own, which waits for mu).
	s.stop = context.AfterFunc(ctx, func() { h.leave(s, nil) })
	if h.running == nil {
		busCtx, cancel := context.WithCancel(context.Background())
		in, err := h.q.bus.Subscribe(busCtx, events.TopicSMS, events.TopicSession)
		if err != nil {
			cancel()
			s.stop()
			return fmt.Errorf("smsqueue: subscribe: %w", err)
		}
		r := &hubRun{cancel: cancel}
		h.running = r
		go h.run(r, in)
	}
	h.addLocked(s, scope)
	return nil
}

func (h *activityHub) addLocked(s *activitySub, scope policy.Scope) {
	key := feedKey(scope, s.under)
	f := h.feeds[key]
	if f == nil {
		f = &activityFeed{scope: scope, under: s.under, subs: map[*activitySub]struct{}{}}
		h.feeds[key] = f
	}
	f.subs[s] = struct{}{}
	h.subs[s] = f
}

// leave removes s, if still there, telling it why (unless why is nil: its
// own ctx ended it), and stops the bus subscription after the last one.
func (h *activityHub) leave(s *activitySub, why *refusal.Error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.removeLocked(s, why)
}

func (h *activityHub) removeLocked(s *activitySub, why *refusal.Error) {
	f, ok := h.subs[s]
	if !ok {
		return
	}
	delete(h.subs, s)
	delete(f.subs, s)
	if len(f.subs) == 0 {
		delete(h.feeds, feedKey(f.scope, f.under))
	}
	if s.stop != nil {
		s.stop()
	}
	if why != nil && s.onEnd != nil {
		s.onEnd(why)
	}
	if s.push != nil {
		s.push.Close()
	}
	close(s.out)
	if len(h.subs) == 0 && h.running != nil {
		h.running.cancel()
		h.running = nil
	}
}

// run is the hub's one reader of the bus, for the life r. A life replaced
// by a newer one (the last subscriber left, then another came) delivers
// nothing more.
func (h *activityHub) run(r *hubRun, in <-chan events.Event) {
	for e := range in {
		switch e.Topic {
		case events.TopicSession:
			h.sessionEnded(r, e.ID)
		case events.TopicSMS:
			h.deliver(r, e)
		}
		// TopicResync: an activity feed has no state to re-send; the
		// monitor's history is a query.
	}
	// The bus closed (or r was cancelled): end whoever is still here.
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.running != r {
		return
	}
	for s := range h.subs {
		h.removeLocked(s, nil)
	}
}

func (h *activityHub) sessionEnded(r *hubRun, sessionID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.running != r {
		return
	}
	for s := range h.subs {
		if s.v.SessionID != "" && string(s.v.SessionID) == sessionID {
			h.removeLocked(s, errSessionEnded)
		}
	}
}

// deliver reads the changed message once and hands it to every feed whose
// scope and filter cover it. Sends never block: a full buffer ends that
// subscriber (errFellBehind), never delays the others.
func (h *activityHub) deliver(r *hubRun, e events.Event) {
	h.mu.Lock()
	idle := h.running != r || len(h.subs) == 0
	h.mu.Unlock()
	if idle {
		return
	}
	m, err := h.q.reads.message(context.Background(), e.ID, e.Status)
	if ent.IsNotFound(err) {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.running != r {
		return
	}
	if err != nil {
		// The event cannot be shown: the monitors are told to resync
		// rather than silently missing it.
		h.q.log.Warn("smsqueue: sms activity: read failed; ending the monitors", "message", e.ID, "err", err)
		for s := range h.subs {
			h.removeLocked(s, errFellBehind)
		}
		return
	}
	for _, f := range h.feeds {
		if !f.scope.Covers(m.UnitPath) || !strings.HasPrefix(m.UnitPath, f.under) {
			continue
		}
		// A copy per feed: a transport that encodes an event once for all
		// the subscribers given the same pointer then never shares the
		// bytes across feeds, whose scopes differ.
		fm := new(ent.SMSMessage)
		*fm = *m
		for s := range f.subs {
			if s.push != nil {
				if !s.push.Push(fm) {
					h.removeLocked(s, errFellBehind)
				}
				continue
			}
			select {
			case s.out <- fm:
			default:
				h.removeLocked(s, errFellBehind)
			}
		}
	}
}

// PolicyChanged recomputes the scope of every SMS monitor of this process:
// call it after the Authorizer reloaded. A monitor whose scope is gone, or
// no longer covers its unit filter, is ended with the refusal it would get
// if it subscribed now.
func (q *Queue) PolicyChanged() {
	h := q.activity
	h.mu.Lock()
	defer h.mu.Unlock()
	for s, old := range h.subs {
		scope := s.v.Now().Scope(policy.ObjSMS, policy.ActMonitor)
		switch {
		case scope.Empty():
			h.removeLocked(s, errMonitorForbidden)
			continue
		case s.under != "" && !scope.Covers(s.under):
			h.removeLocked(s, errUnitOutOfScope)
			continue
		}
		if feedKey(scope, s.under) == feedKey(old.scope, old.under) {
			continue
		}
		delete(old.subs, s)
		if len(old.subs) == 0 {
			delete(h.feeds, feedKey(old.scope, old.under))
		}
		h.addLocked(s, scope)
	}
}

// Monitors returns how many smsActivity subscriptions this process serves.
func (q *Queue) Monitors() int {
	q.activity.mu.Lock()
	defer q.activity.mu.Unlock()
	return len(q.activity.subs)
}
