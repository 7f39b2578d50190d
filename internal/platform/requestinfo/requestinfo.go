// Package requestinfo carries what the server knows about a request besides
// who is asking: its id (for logs), the client address (for audit and
// throttling) and the preferred language (for messages).
package requestinfo

import (
	"context"
	"strings"
	"time"
)

// Info describes one request.
type Info struct {
	ID        string
	ClientIP  string
	UserAgent string
	Lang      string // "vi" or "en"
}

type ctxKey struct{}

// NewContext returns ctx carrying info.
func NewContext(ctx context.Context, info Info) context.Context {
	return context.WithValue(ctx, ctxKey{}, info)
}

// FromContext returns the request's info (zero when none).
func FromContext(ctx context.Context) Info {
	info, _ := ctx.Value(ctxKey{}).(Info)
	return info
}

// LangFromAcceptLanguage picks "en" when the header prefers English, else "vi".
func LangFromAcceptLanguage(h string) string {
	for _, part := range strings.Split(h, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "vi"):
			return "vi"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return "vi"
}

// SessionWriter lets a resolver set or clear the session cookie of the HTTP
// response (signIn, signOut). Over a WebSocket there is none.
type SessionWriter interface {
	SetSession(token string, expires time.Time)
	ClearSession()
}

type writerKey struct{}

// WithSessionWriter returns ctx carrying w.
func WithSessionWriter(ctx context.Context, w SessionWriter) context.Context {
	return context.WithValue(ctx, writerKey{}, w)
}

// SessionWriterFrom returns the request's SessionWriter, or one that does nothing.
func SessionWriterFrom(ctx context.Context) SessionWriter {
	if w, ok := ctx.Value(writerKey{}).(SessionWriter); ok {
		return w
	}
	return noSessionWriter{}
}

type noSessionWriter struct{}

func (noSessionWriter) SetSession(string, time.Time) {}
func (noSessionWriter) ClearSession()                {}
