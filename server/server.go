// Package server is motcua's HTTP face: the GraphQL endpoint (HTTP and
// WebSocket), GraphiQL, the request-form and scan downloads, SMS delivery
// receipts, health and metrics, and the single-page app.
package server

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/scans"
	"github.com/motcua/motcua/policy/viewer"
)

// Config is how the server behaves.
type Config struct {
	Dev bool
	// AllowedOrigins may open WebSockets and are the browser origins of the
	// SPA (e.g. "https://motcua.example.gov.vn").
	AllowedOrigins []string
	// TrustProxyHeaders: take the client address from X-Forwarded-For (set
	// only behind a load balancer that overwrites it).
	TrustProxyHeaders bool
	// SecureCookie: the session cookie is __Host- prefixed and Secure. Off
	// only in dev mode on plain-HTTP loopback.
	SecureCookie bool
	// MaxBodyBytes caps every request body but uploads (default
	// DefaultMaxBodyBytes); a larger one is answered 413 unread.
	MaxBodyBytes int64
	Logger       *slog.Logger
}

// Authenticator turns a session token into a viewer (nil for an unknown,
// expired or revoked token).
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (*viewer.Viewer, error)
}

// Files serves the registration documents.
type Files interface {
	RequestFormPDF(ctx context.Context, registrationID pulid.ID) ([]byte, error)
	ReadScan(ctx context.Context, registrationID pulid.ID) (scans.Kind, []byte, error)
}

// Pinger reports whether the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps are what the server serves.
type Deps struct {
	Schema   graphql.ExecutableSchema
	Auth     Authenticator
	Files    Files
	DB       Pinger
	Registry *prometheus.Registry
	// DevInbox is the console SMS inbox, mounted at /dev/sms in dev mode only.
	DevInbox http.Handler
	// Sockets, when set, registers the open WebSockets of signed-in
	// sessions so that revocations close them (run its Watch, and call
	// RolesChanged after each policy reload).
	Sockets *Sockets
	// Receipts are SMS delivery-receipt handlers by provider name.
	Receipts map[string]http.Handler
	// Mounts are further handlers by mux pattern (the OpenID Provider's
	// endpoints, the dev demo relying party), behind the same middleware.
	Mounts map[string]http.Handler
	SPA    fs.FS
}

// New returns the server's handler.
func New(cfg Config, deps Deps) (http.Handler, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	gql, err := newGraphQL(cfg, deps)
	if err != nil {
		return nil, err
	}
	metrics := newHTTPMetrics(deps.Registry)
	mux := http.NewServeMux()
	handle := func(pattern string, h http.Handler) { mux.Handle(pattern, metrics.instrument(pattern, h)) }

	handle("/graphql", requirePreflightForMultipart(gql))
	handle("GET /playground", graphiql())
	handle("GET /registrations/{id}/request-form.pdf", requestForm(deps.Files, cfg.Logger))
	handle("GET /scans/{id}", scan(deps.Files, cfg.Logger))
	for name, h := range deps.Receipts {
		handle("POST /sms/receipts/"+name, h)
	}
	handle("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n")) //nolint:errcheck
	}))
	handle("GET /readyz", ready(deps.DB))
	if deps.Registry != nil {
		handle("GET /metrics", promhttp.HandlerFor(deps.Registry, promhttp.HandlerOpts{Registry: deps.Registry}))
	}
	if cfg.Dev && deps.DevInbox != nil {
		handle("GET /dev/sms", deps.DevInbox)
	} else {
		handle("/dev/", http.NotFoundHandler())
	}
	for pattern, h := range deps.Mounts {
		handle(pattern, h)
	}
	handle("/", spa(deps.SPA))

	var h http.Handler = mux
	h = authenticate(deps.Auth, cfg, h)
	h = limitBodies(cfg.MaxBodyBytes, h)
	h = securityHeaders(h)
	h = requestContext(cfg, h)
	return h, nil
}

func ready(db Pinger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if db == nil || db.Ping(ctx) != nil {
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n")) //nolint:errcheck
	})
}
