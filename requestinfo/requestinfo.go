// Package requestinfo carries what the server knows about a request besides
// who is asking: its id (for logs), the client address (for audit and
// throttling) and the preferred language (for messages).
package requestinfo

import (
	"context"
	"strings"
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
