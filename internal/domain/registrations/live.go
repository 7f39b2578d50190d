package registrations

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/privacy"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/smsmessage"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/smsqueue"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy/viewer"
)

// Subscription.registrationEvents follows docs/ARCHITECTURE.md
// "Transactions and events": events carry ids and statuses only, so each
// change is re-read. What the watchers of a case share is shared:
//
//   - one bus subscription per process (liveHub.run), started with the first
//     watcher and stopped with the last;
//   - one read per event and case, as the system, handed to every watcher
//     of that case. Whether a watcher may see the case is decided once,
//     when it subscribes (the read through its own ctx, where the privacy
//     policies apply: its officer or an admin in scope), and again when the
//     policy changes (PolicyChanged), never per event.
//
// A subscription ends (its channel is closed) when its ctx is done, when
// the bus closes, when the case is gone, and, told why through onEnd, when
// the viewer's session is revoked, when a policy change hides the case, or
// when it fell behind (liveBuffer events waiting): never a silent loss.

// EventKind says what an Event reports (the API's RegistrationEventKind).
type EventKind string

// The kinds of Event.
const (
	Snapshot         EventKind = "SNAPSHOT"
	StateChanged     EventKind = "STATE_CHANGED"
	SMSStatusChanged EventKind = "SMS_STATUS_CHANGED"
)

// MarshalGQL writes the kind as a GraphQL enum value.
func (k EventKind) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(k))) }

// UnmarshalGQL reads a GraphQL enum value.
func (k *EventKind) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	switch EventKind(s) {
	case Snapshot, StateChanged, SMSStatusChanged:
	default:
		ok = false
	}
	if !ok {
		return fmt.Errorf("registrations: %v is not a RegistrationEventKind", v)
	}
	*k = EventKind(s)
	return nil
}

// Event is one event of Subscription.registrationEvents. The watchers of a
// case receive the same *Event: they must not modify it.
type Event struct {
	Kind         EventKind
	Registration *ent.Registration
	// Sms is the registration's most recently updated message (nil when it
	// has none): the one whose status changed, for SMS_STATUS_CHANGED.
	Sms *ent.SMSMessage
	At  time.Time
}

// liveBuffer is how many events a watcher may have waiting for its socket.
const liveBuffer = 16

var (
	errFellBehind = refusal.New(refusal.ResyncRequired,
		"Kết nối không nhận kịp các sự kiện; hãy đăng ký lại.",
		"The connection fell behind the events; subscribe again.")
	errSessionEnded = refusal.New(refusal.Unauthenticated,
		"Phiên đăng nhập đã kết thúc.", "The session has ended.")
	errCaseNotFound = refusal.New(refusal.NotFound,
		"Không tìm thấy hồ sơ đăng ký.", "Registration not found.")
)

// liveHub fans registration events out to the watchers of this process.
// Every field is guarded by mu; a watcher's channel is sent to and closed
// only under mu.
type liveHub struct {
	s *Service

	mu      sync.Mutex
	cases   map[pulid.ID]map[*watcher]struct{}
	running *liveRun // nil when nobody watches
}

type liveRun struct{ cancel context.CancelFunc }

type watcher struct {
	v     *viewer.Viewer
	id    pulid.ID
	out   chan *Event
	onEnd func(*refusal.Error)
	stop  func() bool // unregisters the context.AfterFunc
	// pending: joined, its SNAPSHOT not yet queued; missed: an event came
	// meanwhile, so the snapshot is read again once queued.
	pending, missed bool
	ended           *refusal.Error // why the hub ended it, if it did
}

func newLiveHub(s *Service) *liveHub {
	return &liveHub{s: s, cases: map[pulid.ID]map[*watcher]struct{}{}}
}

// Events streams a registration to its officer or an admin in scope:
// first a SNAPSHOT, then STATE_CHANGED and SMS_STATUS_CHANGED as they are
// committed (and a SNAPSHOT again after the bus lost events). Anyone else
// is refused with NOT_FOUND before any channel is returned, as if the
// registration did not exist. onEnd (may be nil) is told why the server
// ended the stream, before its channel is closed.
func (s *Service) Events(ctx context.Context, id pulid.ID, onEnd func(*refusal.Error)) (<-chan *Event, error) {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return nil, refusal.New(refusal.Unauthenticated, "Vui lòng đăng nhập.", "Please sign in.")
	}
	if s.bus == nil {
		return nil, errors.New("registrations: events need a bus")
	}
	w := &watcher{v: v, id: id, out: make(chan *Event, liveBuffer), onEnd: onEnd, pending: true}
	// Joined before the first read, so that nothing committed in between is missed.
	if err := s.live.join(w); err != nil {
		return nil, err
	}
	first, err := s.readCase(ctx, id, Snapshot, s.now())
	if err != nil {
		s.live.leave(w, nil)
		if ent.IsNotFound(err) {
			return nil, errCaseNotFound
		}
		return nil, err
	}
	h := s.live
	h.mu.Lock()
	if _, in := h.cases[id][w]; !in { // ended while reading (session revoked, bus closed)
		h.mu.Unlock()
		if w.ended != nil {
			return nil, w.ended
		}
		return nil, errCaseNotFound
	}
	w.out <- &first // the buffer is empty: nothing is delivered while pending
	w.pending = false
	missed, r := w.missed, h.running
	// No goroutine per watcher: the runtime calls leave when ctx ends.
	w.stop = context.AfterFunc(ctx, func() { h.leave(w, nil) })
	h.mu.Unlock()
	if missed {
		h.refresh(r, id, Snapshot, time.Time{})
	}
	return w.out, nil
}

// readCase reads the registration and its latest message as ctx may see them.
func (s *Service) readCase(ctx context.Context, id pulid.ID, kind EventKind, at time.Time) (Event, error) {
	reg, err := s.db.Client.Registration.Get(ctx, id)
	if err != nil {
		return Event{}, err
	}
	latest, err := reg.QuerySms().
		Order(ent.Desc(smsmessage.FieldUpdatedAt), ent.Desc(smsmessage.FieldID)).
		First(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return Event{}, fmt.Errorf("registrations: latest message: %w", err)
	}
	return Event{Kind: kind, Registration: reg, Sms: latest, At: at}, nil
}

func (h *liveHub) join(w *watcher) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.running == nil {
		ctx, cancel := context.WithCancel(context.Background())
		in, err := h.s.bus.Subscribe(ctx, events.TopicRegistration, events.TopicSession)
		if err != nil {
			cancel()
			return fmt.Errorf("registrations: subscribe: %w", err)
		}
		r := &liveRun{cancel: cancel}
		h.running = r
		go h.run(r, in)
	}
	ws := h.cases[w.id]
	if ws == nil {
		ws = map[*watcher]struct{}{}
		h.cases[w.id] = ws
	}
	ws[w] = struct{}{}
	return nil
}

func (h *liveHub) leave(w *watcher, why *refusal.Error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.removeLocked(w, why)
}

func (h *liveHub) removeLocked(w *watcher, why *refusal.Error) {
	ws, ok := h.cases[w.id]
	if _, in := ws[w]; !ok || !in {
		return
	}
	delete(ws, w)
	if len(ws) == 0 {
		delete(h.cases, w.id)
	}
	if w.stop != nil {
		w.stop()
	}
	w.ended = why
	if why != nil && w.onEnd != nil && !w.pending {
		w.onEnd(why)
	}
	close(w.out)
	if len(h.cases) == 0 && h.running != nil {
		h.running.cancel()
		h.running = nil
	}
}

// run is the hub's one reader of the bus for the life r; a life replaced
// by a newer one delivers nothing more.
func (h *liveHub) run(r *liveRun, in <-chan events.Event) {
	for e := range in {
		switch e.Topic {
		case events.TopicSession:
			h.sessionEnded(r, e.ID)
		case events.TopicRegistration:
			kind := StateChanged
			if e.Status == smsqueue.RegistrationSMSChanged {
				kind = SMSStatusChanged
			}
			h.refresh(r, pulid.ID(e.ID), kind, e.At)
		case events.TopicResync:
			h.mu.Lock()
			ids := make([]pulid.ID, 0, len(h.cases))
			for id := range h.cases {
				ids = append(ids, id)
			}
			h.mu.Unlock()
			for _, id := range ids {
				h.refresh(r, id, Snapshot, time.Time{})
			}
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.running != r {
		return
	}
	for _, ws := range h.cases {
		for w := range ws {
			h.removeLocked(w, nil)
		}
	}
}

func (h *liveHub) sessionEnded(r *liveRun, sessionID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.running != r {
		return
	}
	for _, ws := range h.cases {
		for w := range ws {
			if w.v.SessionID != "" && string(w.v.SessionID) == sessionID {
				h.removeLocked(w, errSessionEnded)
			}
		}
	}
}

// refresh reads case id once, as the system, and hands the event to every
// watcher of it. Sends never block: a full buffer ends that watcher.
func (h *liveHub) refresh(r *liveRun, id pulid.ID, kind EventKind, at time.Time) {
	h.mu.Lock()
	watched := r != nil && h.running == r && len(h.cases[id]) > 0
	h.mu.Unlock()
	if !watched {
		return
	}
	if at.IsZero() {
		at = h.s.now()
	}
	ev, err := h.s.readCase(viewer.System(context.Background()), id, kind, at)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.running != r {
		return
	}
	for w := range h.cases[id] {
		switch {
		case ent.IsNotFound(err):
			h.removeLocked(w, nil) // the case is gone
		case err != nil:
			h.removeLocked(w, errFellBehind)
		case w.pending:
			w.missed = true
		default:
			select {
			case w.out <- &ev:
			default:
				h.removeLocked(w, errFellBehind)
			}
		}
	}
}

// PolicyChanged decides again, through each watcher's own viewer, whether
// it may still see its case: call it after the Authorizer reloaded. A
// watcher that may not is ended with NOT_FOUND, as it would be refused now.
func (s *Service) PolicyChanged(ctx context.Context) {
	h := s.live
	h.mu.Lock()
	var all []*watcher
	for _, ws := range h.cases {
		for w := range ws {
			all = append(all, w)
		}
	}
	h.mu.Unlock()
	for _, w := range all {
		_, err := s.db.Client.Registration.Get(viewer.NewContext(ctx, w.v.Now()), w.id)
		if err == nil || (!ent.IsNotFound(err) && !errors.Is(err, privacy.Deny)) {
			continue // still visible, or the check failed: the next change decides
		}
		h.leave(w, errCaseNotFound)
	}
}
