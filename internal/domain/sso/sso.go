// Package sso makes motcua the OpenID Provider of the accounts it holds, for
// ministry and province systems (docs/SSO.md).
//
// The protocol is github.com/zitadel/oidc/v3 (package op, OpenID certified):
// discovery, JWKS, authorization (code flow with PKCE S256 only), token
// (authorization_code, refresh_token), userinfo, introspection, revocation
// and end-session. This package is its storage on Ent — clients, pending
// requests, codes, tokens, consents and signing keys all live in the
// database, so any replica answers any step — plus what the library leaves
// to the provider: the sign-in and consent handoff to the SPA, the client
// registry, key rotation, and OpenID Back-Channel Logout through River jobs.
package sso

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/jobs"
	"github.com/motcua/motcua/internal/platform/store"
)

// Scopes a client may be allowed, and the claims each gives (docs/SSO.md).
const (
	ScopeOpenID     = "openid"
	ScopeProfile    = "profile"
	ScopePhone      = "phone"
	ScopeEmail      = "email"
	ScopeVNIdentity = "vn_identity"
	ScopeOffline    = "offline_access"
)

// KnownScopes are the scopes a client may be registered with.
var KnownScopes = []string{ScopeOpenID, ScopeProfile, ScopePhone, ScopeEmail, ScopeVNIdentity}

// Assurance levels: how the identity behind the account was proofed.
const (
	ACRDesk = "urn:motcua:loa:desk" // created at a one-stop desk, ID card checked by an officer
	ACRSelf = "urn:motcua:loa:self"
)

// Defaults of Config.
const (
	DefaultIDTokenLifetime      = 15 * time.Minute
	DefaultAccessTokenLifetime  = 15 * time.Minute
	DefaultRefreshTokenLifetime = 30 * 24 * time.Hour
	DefaultKeyRotation          = 90 * 24 * time.Hour
	DefaultSecretOverlap        = 7 * 24 * time.Hour
	// CodeLifetime: a code must be exchanged within a minute of its issue.
	CodeLifetime = 60 * time.Second
	// RequestLifetime: the sign-in (with a forced password change) and
	// consent must be done within this time of the RP's request.
	RequestLifetime = 30 * time.Minute
	// MaxTokenLifetime bounds the ID and access token lifetime flags.
	MaxTokenLifetime = 15 * time.Minute
)

// Config is what the Service needs. DB, Jobs, Issuer, SealKey and
// CryptoKey are required.
type Config struct {
	DB *store.DB
	// Jobs is the process's job runner: New registers the back-channel
	// logout worker there; whoever owns it starts it.
	Jobs *jobs.Runner
	// Issuer is --public-url (dev: the listen URL), without a trailing slash.
	Issuer string
	Dev    bool
	// SealKey (32 bytes, derived from --secret-key) seals the private
	// signing keys at rest.
	SealKey []byte
	// CryptoKey (32 bytes, derived from --secret-key) encrypts the opaque
	// access tokens and codes the library hands out.
	CryptoKey            []byte
	IDTokenLifetime      time.Duration
	AccessTokenLifetime  time.Duration
	RefreshTokenLifetime time.Duration
	// KeyRotation: a signing key older than this is replaced (0: default).
	KeyRotation   time.Duration
	SecretOverlap time.Duration
	// SignOut ends the browser's motcua session at end-session (nil: it is
	// left alone).
	SignOut func(ctx context.Context) error
	// HTTPClient posts back-channel logouts (nil: a client with a 10 s timeout).
	HTTPClient *http.Client
	Registerer prometheus.Registerer
	Logger     *slog.Logger
	Now        func() time.Time
}

// Service is the OpenID Provider's domain: storage, clients, keys, grants
// and back-channel logout.
type Service struct {
	db          *store.DB
	issuer      string
	dev         bool
	seal        sealer
	cryptoKey   [32]byte
	hasCrypto   bool
	idTTL       time.Duration
	accessTTL   time.Duration
	refreshTTL  time.Duration
	keyRotation time.Duration
	overlap     time.Duration
	signOut     func(ctx context.Context) error
	httpClient  *http.Client
	log         *slog.Logger
	now         func() time.Time
	metrics     *metrics
	jobs        *jobs.Runner

	// keys caches parsed private keys by kid. A key row never changes, so
	// this is only a cache: which key signs is read from the database.
	keysMu sync.Mutex
	keys   map[string]*parsedKey
}

// New returns the service. Call Start to run its background work (the
// back-channel workers and scheduled key rotation).
func New(cfg Config) (*Service, error) {
	if cfg.DB == nil {
		return nil, errors.New("sso: config needs DB")
	}
	// A command that only manages clients has no keys; the provider and
	// key rotation refuse to run without them.
	var seal sealer
	var err error
	if cfg.SealKey != nil {
		if seal, err = newSealer(cfg.SealKey); err != nil {
			return nil, err
		}
	}
	if cfg.CryptoKey != nil && len(cfg.CryptoKey) != 32 {
		return nil, fmt.Errorf("sso: crypto key is %d bytes, want 32", len(cfg.CryptoKey))
	}
	s := &Service{
		db: cfg.DB, issuer: cfg.Issuer, dev: cfg.Dev, seal: seal,
		idTTL: orDefault(cfg.IDTokenLifetime, DefaultIDTokenLifetime), accessTTL: orDefault(cfg.AccessTokenLifetime, DefaultAccessTokenLifetime),
		refreshTTL: orDefault(cfg.RefreshTokenLifetime, DefaultRefreshTokenLifetime), keyRotation: orDefault(cfg.KeyRotation, DefaultKeyRotation),
		overlap: orDefault(cfg.SecretOverlap, DefaultSecretOverlap), signOut: cfg.SignOut,
		httpClient: cfg.HTTPClient, log: cfg.Logger, keys: map[string]*parsedKey{},
	}
	s.hasCrypto = cfg.CryptoKey != nil
	copy(s.cryptoKey[:], cfg.CryptoKey)
	if s.idTTL > MaxTokenLifetime || s.accessTTL > MaxTokenLifetime {
		return nil, fmt.Errorf("sso: ID and access tokens live at most %s", MaxTokenLifetime)
	}
	if s.httpClient == nil {
		s.httpClient = &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	clock := cfg.Now
	if clock == nil {
		clock = time.Now
	}
	// UTC to the microsecond, as auth does: what is read back compares equal.
	s.now = func() time.Time { return clock().UTC().Truncate(time.Microsecond) }
	if s.metrics, err = newMetrics(cfg.Registerer); err != nil {
		return nil, err
	}
	if cfg.Jobs == nil {
		return nil, errors.New("sso: config needs Jobs")
	}
	s.jobs = cfg.Jobs
	if err := register(s); err != nil {
		return nil, err
	}
	return s, nil
}

// Issuer is the issuer URL.
func (s *Service) Issuer() string { return s.issuer }

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// randomID is prefix and 256 random bits (unpadded base64url): the handle of
// a pending request or a token, which must not be guessable.
func randomID(prefix string) (pulid.ID, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("sso: random: %w", err)
	}
	return pulid.ID(prefix + base64.RawURLEncoding.EncodeToString(b)), nil
}

// hashSecret is what the database keeps of a code, refresh token or client
// secret: each has 256 random bits, so a plain SHA-256 leaves nothing to guess.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

type metrics struct {
	tokens        *prometheus.CounterVec
	refreshReuse  prometheus.Counter
	codeReuse     prometheus.Counter
	clientAuthBad prometheus.Counter
	deliveries    *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "motcua_oidc_tokens_issued_total", Help: "Tokens issued by the OpenID Provider, by grant type.",
		}, []string{"grant"}),
		refreshReuse: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "motcua_oidc_refresh_reuse_total", Help: "Rotated refresh tokens presented again (the grant was revoked).",
		}),
		codeReuse: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "motcua_oidc_code_reuse_total", Help: "Authorization codes presented a second time (what the first use issued was revoked).",
		}),
		clientAuthBad: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "motcua_oidc_client_auth_failures_total", Help: "Failed client authentications (unknown client, wrong secret, disabled).",
		}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "motcua_oidc_backchannel_deliveries_total", Help: "Back-channel logout attempts, by result.",
		}, []string{"result"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.tokens, m.refreshReuse, m.codeReuse, m.clientAuthBad, m.deliveries} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("sso: metrics: %w", err)
		}
	}
	return m, nil
}
