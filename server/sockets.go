package server

import (
	"cmp"
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// A WebSocket outlives the HTTP request that authenticated it, so a session
// that ends (signed out, revoked, password changed or reset, expired,
// account locked) or loses a role must not keep using an open one. Two
// controls see to it:
//
//   - every operation started on a socket re-authenticates its session
//     (liveSession): a dead session's operation is refused and the socket
//     closed with WebSocketCloseSessionEnded, a session that lost a role gets
//     WebSocketCloseForbidden, and a live one runs as the session is now;
//   - Sockets closes the sockets of this replica as soon as an event says so:
//     events.TopicSession (a session revoked, on any replica), events.
//     TopicAccount (an account's status changed: re-check), a policy reload
//     (RolesChanged: a role withdrawn), a missed-events resync and a periodic
//     sweep (re-check every socket: expiry, changes made behind the bus).

// defaultSweepEvery is how often Sockets re-checks every open socket.
const defaultSweepEvery = time.Minute

// SessionChecker is an Authenticator that can re-check a token without
// recording a use (auth.Service.Check): a socket kept open on a screen must
// not hold its session's idle timeout off.
type SessionChecker interface {
	Check(ctx context.Context, token string) (*viewer.Viewer, error)
}

// SocketsConfig configures Sockets.
type SocketsConfig struct {
	// Auth re-checks sessions; Check is used when it is a SessionChecker.
	Auth   Authenticator
	Logger *slog.Logger
	// SweepEvery is how often every socket is re-checked (default 1 min).
	SweepEvery time.Duration
}

// Sockets is the register of this replica's open WebSockets of signed-in
// sessions; it closes them when their session ends or loses a role. Run
// Watch for it to hear of revocations. It is safe for concurrent use.
type Sockets struct {
	check      func(ctx context.Context, token string) (*viewer.Viewer, error)
	logger     *slog.Logger
	sweepEvery time.Duration
	sweepNow   chan struct{}

	mu   sync.Mutex
	open map[*socketSession]struct{}
}

// NewSockets returns an empty register.
func NewSockets(cfg SocketsConfig) *Sockets {
	s := &Sockets{
		check:      cfg.Auth.Authenticate,
		logger:     cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler)),
		sweepEvery: cmp.Or(cfg.SweepEvery, defaultSweepEvery),
		sweepNow:   make(chan struct{}, 1),
		open:       make(map[*socketSession]struct{}),
	}
	if c, ok := cfg.Auth.(SessionChecker); ok {
		s.check = c.Check
	}
	return s
}

// socketSession is one open socket of a signed-in session.
type socketSession struct {
	token  string
	viewer *viewer.Viewer // as at connection_init; its roles come live from the Authorizer
	closer *webSocketCloser

	mu    sync.Mutex
	roles map[policy.Assignment]bool // the roles it held when last checked
}

func newSocketSession(token string, v *viewer.Viewer, closer *webSocketCloser) *socketSession {
	ss := &socketSession{token: token, viewer: v, closer: closer}
	ss.rolesStill(v.Roles())
	return ss
}

// rolesStill reports whether every role held when last checked is in now,
// and remembers now (so that a role granted since is watched too).
func (ss *socketSession) rolesStill(now []policy.Assignment) bool {
	held := make(map[policy.Assignment]bool, len(now))
	for _, a := range now {
		held[a] = true
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for a := range ss.roles {
		if !held[a] {
			return false
		}
	}
	ss.roles = held
	return true
}

func (ss *socketSession) sessionEnded() {
	ss.closer.close(WebSocketCloseSessionEnded, "session ended")
}

func (ss *socketSession) roleLost() {
	ss.closer.close(WebSocketCloseForbidden, "role withdrawn")
}

// judge closes the socket unless v, the session as it is now, is still
// live with every role it had; it reports whether the socket stays open.
func (ss *socketSession) judge(v *viewer.Viewer) bool {
	switch {
	case v == nil || v.SessionID != ss.viewer.SessionID:
		ss.sessionEnded()
		return false
	case !ss.rolesStill(v.Roles()):
		ss.roleLost()
		return false
	}
	return true
}

func (s *Sockets) add(ss *socketSession) {
	s.mu.Lock()
	s.open[ss] = struct{}{}
	s.mu.Unlock()
}

func (s *Sockets) remove(ss *socketSession) {
	s.mu.Lock()
	delete(s.open, ss)
	s.mu.Unlock()
}

// matching returns the open sockets for which keep is true.
func (s *Sockets) matching(keep func(*socketSession) bool) []*socketSession {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*socketSession
	for ss := range s.open {
		if keep(ss) {
			out = append(out, ss)
		}
	}
	return out
}

// Watch closes sockets on the bus's events until ctx ends or the bus closes:
// a revoked session's at once, an account's after re-checking it, and every
// socket is re-checked after a resync and every SweepEvery.
func (s *Sockets) Watch(ctx context.Context, bus events.Bus) error {
	ch, err := bus.Subscribe(ctx, events.TopicSession, events.TopicAccount)
	if err != nil {
		return err
	}
	go s.sweep(ctx)
	for e := range ch {
		switch e.Topic {
		case events.TopicSession:
			for _, ss := range s.matching(func(ss *socketSession) bool { return string(ss.viewer.SessionID) == e.ID }) {
				ss.sessionEnded()
			}
		case events.TopicAccount:
			s.recheck(ctx, func(ss *socketSession) bool { return string(ss.viewer.AccountID) == e.ID })
		case events.TopicResync:
			select {
			case s.sweepNow <- struct{}{}:
			default: // a sweep is already due
			}
		}
	}
	return nil
}

// sweep re-checks every socket every SweepEvery and when Watch asks, in its
// own goroutine so that revocations are not held up behind it.
func (s *Sockets) sweep(ctx context.Context) {
	tick := time.NewTicker(s.sweepEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.sweepNow:
		}
		s.recheck(ctx, func(*socketSession) bool { return true })
	}
}

// recheck re-checks the sessions of the matching sockets. A check that
// fails (database unreachable) leaves the socket open: its next operation
// is checked again, and refused if the check still fails.
func (s *Sockets) recheck(ctx context.Context, keep func(*socketSession) bool) {
	for _, ss := range s.matching(keep) {
		v, err := s.check(ctx, ss.token)
		if err != nil {
			if ctx.Err() == nil {
				s.logger.Warn("websocket: session re-check failed", "err", err)
			}
			continue
		}
		ss.judge(v)
	}
}

// RolesChanged closes the sockets whose session lost a role. Call it after
// the Authorizer reloaded; it reads roles from memory only.
func (s *Sockets) RolesChanged() {
	for _, ss := range s.matching(func(*socketSession) bool { return true }) {
		if !ss.rolesStill(ss.viewer.RolesNow()) {
			ss.roleLost()
		}
	}
}

type socketSessionKey struct{}

// openSocketSession is called once connection_init is accepted: a socket of
// a signed-in session (the token, cookie or bearer, is in ctx) is registered
// with sockets (which may be nil) until the connection ends, and its
// operations are re-authenticated by liveSession.
func openSocketSession(ctx context.Context, sockets *Sockets) context.Context {
	v, token, closer := viewer.FromContext(ctx), sessionTokenFrom(ctx), webSocketCloserFrom(ctx)
	if !v.SignedIn() || token == "" || closer == nil {
		return ctx
	}
	ss := newSocketSession(token, v, closer)
	if sockets != nil {
		sockets.add(ss)
		context.AfterFunc(ctx, func() { sockets.remove(ss) })
	}
	return context.WithValue(ctx, socketSessionKey{}, ss)
}

// freshAuthenticator is an Authenticator that can bypass its cache of
// sessions: a WebSocket outlives the events that keep that cache true
// (auth.Service.AuthenticateFresh), so each of its operations re-reads.
type freshAuthenticator interface {
	AuthenticateFresh(ctx context.Context, token string) (*viewer.Viewer, error)
}

// liveSession authorises each operation of a WebSocket against the session
// as it is when the operation starts (see the comment at the top).
type liveSession struct{ auth Authenticator }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = liveSession{}

func (liveSession) ExtensionName() string                   { return "MotcuaLiveSession" }
func (liveSession) Validate(graphql.ExecutableSchema) error { return nil }

func (l liveSession) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	ss, _ := ctx.Value(socketSessionKey{}).(*socketSession)
	if ss == nil {
		return next(ctx) // HTTP: the middleware authenticated this very request
	}
	lang := requestinfo.FromContext(ctx).Lang
	authenticate := l.auth.Authenticate
	if f, ok := l.auth.(freshAuthenticator); ok {
		authenticate = f.AuthenticateFresh
	}
	v, err := authenticate(ctx, ss.token)
	if err != nil {
		return refuseOperation(lang, refusal.New(refusal.Internal,
			"Không kiểm tra được phiên đăng nhập; hãy thử lại.", "Could not check the session; try again."))
	}
	if !ss.judge(v) {
		// The socket is closing; the answer is for a client that reads it first.
		if v == nil {
			return refuseOperation(lang, refusal.New(refusal.Unauthenticated,
				"Phiên đăng nhập đã kết thúc.", "The session has ended."))
		}
		return refuseOperation(lang, refusal.New(refusal.Forbidden,
			"Quyền của bạn đã thay đổi.", "Your permissions have changed."))
	}
	return next(viewer.NewContext(ctx, v))
}

func refuseOperation(lang string, r *refusal.Error) graphql.ResponseHandler {
	return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
		Message: r.Message(lang), Extensions: map[string]any{"code": string(r.Code)},
	}}})
}

// sessionTokenKey carries the session token that authenticated a request,
// for re-authenticating a WebSocket's operations.
type sessionTokenKey struct{}

func withSessionToken(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, sessionTokenKey{}, token)
}

func sessionTokenFrom(ctx context.Context) string {
	t, _ := ctx.Value(sessionTokenKey{}).(string)
	return t
}
