package server

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/policy/viewer"
)

// requestContext gives every request an id, its client address and language,
// logs one line per request (path without query: queries may hold a phone),
// and turns a panic into a 500.
func requestContext(cfg Config, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		w.Header().Set("X-Request-ID", id)
		info := requestinfo.Info{
			ID:        id,
			ClientIP:  clientIP(r, cfg.TrustProxyHeaders),
			UserAgent: truncate(r.UserAgent(), 256),
			Lang:      requestinfo.LangFromAcceptLanguage(r.Header.Get("Accept-Language")),
		}
		ctx := requestinfo.NewContext(r.Context(), info)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				cfg.Logger.Error("panic", "request_id", id, "panic", p)
				if !rec.wrote {
					http.Error(rec, "internal error", http.StatusInternalServerError)
				}
			}
			cfg.Logger.Info("request", "request_id", id, "method", r.Method, "path", r.URL.Path,
				"status", rec.status, "duration_ms", time.Since(start).Milliseconds())
		}()
		next.ServeHTTP(rec, r.WithContext(ctx))
	})
}

// statusRecorder remembers the status for the log; it passes Hijack and Flush
// through (WebSocket upgrades need Hijack).
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Hijack and Flush.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Hijack is needed by the WebSocket upgrader, which type-asserts http.Hijacker.
func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	s.status, s.wrote = http.StatusSwitchingProtocols, true
	return http.NewResponseController(s.ResponseWriter).Hijack()
}

// Flush passes through.
func (s *statusRecorder) Flush() { _ = http.NewResponseController(s.ResponseWriter).Flush() }

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func clientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			return strings.TrimSpace(strings.Split(xff, ",")[0])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// securityHeaders sets the headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// authenticate puts the viewer of the session cookie or bearer token into
// the context. Identity enters here and in the WebSocket init only.
func authenticate(auth Authenticator, cfg Config, next http.Handler) http.Handler {
	cookies := sessionCookies{secure: cfg.SecureCookie}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := cookies.writer(w)
		defer cw.release()
		ctx := requestinfo.WithSessionWriter(r.Context(), cw)
		if token := cookies.token(r); token != "" && auth != nil {
			v, err := auth.Authenticate(ctx, token)
			if err != nil {
				cfg.Logger.Error("authenticate", "request_id", requestinfo.FromContext(ctx).ID, "err", err)
				http.Error(w, "authentication unavailable", http.StatusServiceUnavailable)
				return
			}
			if v != nil {
				ctx = withSessionToken(viewer.NewContext(ctx, v), token)
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// bearerToken reads "Authorization: Bearer …".
func bearerToken(h string) string {
	const prefix = "bearer "
	if len(h) > len(prefix) && strings.EqualFold(h[:len(prefix)], prefix) {
		return strings.TrimSpace(h[len(prefix):])
	}
	return ""
}

// withViewer authenticates a WebSocket's connection_init token.
func withViewer(ctx context.Context, auth Authenticator, token string) (context.Context, error) {
	v, err := auth.Authenticate(ctx, token)
	if err != nil {
		return ctx, err
	}
	if v != nil {
		ctx = withSessionToken(viewer.NewContext(ctx, v), token)
	}
	return ctx, nil
}
