package server

import (
	"net/http"
	"sync"
	"time"
)

// sessionCookies names and writes the session cookie: __Host- prefixed,
// Secure, HttpOnly, SameSite=Lax; in dev mode on plain-HTTP loopback an
// unprefixed, non-Secure cookie (browsers drop a __Host- cookie without Secure).
type sessionCookies struct{ secure bool }

func (c sessionCookies) name() string {
	if c.secure {
		return "__Host-motcua_session"
	}
	return "motcua_session"
}

// token is the request's session token: the Authorization header first, then the cookie.
func (c sessionCookies) token(r *http.Request) string {
	if t := bearerToken(r.Header.Get("Authorization")); t != "" {
		return t
	}
	if ck, err := r.Cookie(c.name()); err == nil {
		return ck.Value
	}
	return ""
}

// writer returns the session writer of one request, to be released when
// the request's handler returns.
func (c sessionCookies) writer(w http.ResponseWriter) *cookieWriter {
	return &cookieWriter{c: c, w: w}
}

// cookieWriter sets the session cookie on the response of its request
// while the request's handler runs. A WebSocket keeps the request's context
// (and this writer in it) for its life: release drops the ResponseWriter,
// through which the whole of net/http's connection, buffers included, would
// stay in memory (docs/PERFORMANCE.md, S6); a cookie cannot be set on a
// response already sent anyway.
type cookieWriter struct {
	c  sessionCookies
	mu sync.Mutex
	w  http.ResponseWriter // nil once released
}

func (cw *cookieWriter) release() {
	cw.mu.Lock()
	cw.w = nil
	cw.mu.Unlock()
}

func (cw *cookieWriter) set(cookie *http.Cookie) {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	if cw.w != nil {
		http.SetCookie(cw.w, cookie)
	}
}

func (cw *cookieWriter) SetSession(token string, expires time.Time) {
	cw.set(&http.Cookie{
		Name: cw.c.name(), Value: token, Path: "/", Expires: expires,
		Secure: cw.c.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
}

func (cw *cookieWriter) ClearSession() {
	cw.set(&http.Cookie{
		Name: cw.c.name(), Value: "", Path: "/", MaxAge: -1,
		Secure: cw.c.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
}
