package server

import (
	"net/http"
	"time"

	"github.com/motcua/motcua/internal/platform/requestinfo"
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

func (c sessionCookies) writer(w http.ResponseWriter) requestinfo.SessionWriter {
	return cookieWriter{c: c, w: w}
}

type cookieWriter struct {
	c sessionCookies
	w http.ResponseWriter
}

func (cw cookieWriter) SetSession(token string, expires time.Time) {
	http.SetCookie(cw.w, &http.Cookie{
		Name: cw.c.name(), Value: token, Path: "/", Expires: expires,
		Secure: cw.c.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
}

func (cw cookieWriter) ClearSession() {
	http.SetCookie(cw.w, &http.Cookie{
		Name: cw.c.name(), Value: "", Path: "/", MaxAge: -1,
		Secure: cw.c.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
}
