package sso

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rs/cors"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"github.com/motcua/motcua/ent/schema/pulid"
)

// Paths of the OP. Discovery announces them; RPs should read it.
const (
	DiscoveryPath = "/.well-known/openid-configuration"
	// SPAPath is the SPA's sign-in and consent page of a pending request.
	SPAPath = "/sso/"
)

// Request limits of the OP's endpoints.
const (
	maxQueryLen  = 8 << 10
	maxValueLen  = 4 << 10
	maxFormBytes = 64 << 10
)

// Routes are the OP's HTTP handlers by mux pattern, to be mounted on the
// main server (which puts the session's viewer in the context first).
func (s *Service) Routes() (map[string]http.Handler, error) {
	if s.issuer == "" || !s.hasCrypto || s.seal.aead == nil {
		return nil, errors.New("sso: the provider needs an issuer and keys")
	}
	provider, err := s.provider()
	if err != nil {
		return nil, err
	}
	guarded := guardParams(provider)
	login := guardParams(http.HandlerFunc(s.login))
	return map[string]http.Handler{
		"GET " + DiscoveryPath: discovery(provider),
		"/oidc/":               guarded,
		"GET " + LoginPath:     login,
	}, nil
}

func (s *Service) provider() (*op.Provider, error) {
	cfg := &op.Config{
		CryptoKey:                s.cryptoKey,
		CryptoKeyId:              "k1",
		DefaultLogoutRedirectURI: s.issuer + "/",
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		GrantTypeRefreshToken:    true,
		SupportedUILocales:       []language.Tag{language.Vietnamese, language.English},
		SupportedScopes:          []string{ScopeOpenID, ScopeProfile, ScopePhone, ScopeEmail, ScopeVNIdentity, ScopeOffline},
		SupportedClaims: []string{"sub", "aud", "exp", "iat", "iss", "auth_time", "nonce", "acr", "amr", "sid", "at_hash", "c_hash",
			"azp", "name", "birthdate", "phone_number", "phone_number_verified", "email", "vn_id_number"},
		BackChannelLogoutSupported: true,
	}
	opts := []op.Option{
		op.WithCustomEndpoints(op.NewEndpoint("oidc/authorize"), op.NewEndpoint("oidc/token"), op.NewEndpoint("oidc/userinfo"),
			op.NewEndpoint("oidc/revoke"), op.NewEndpoint("oidc/end_session"), op.NewEndpoint("oidc/keys")),
		op.WithCustomIntrospectionEndpoint(op.NewEndpoint("oidc/introspect")),
		// No credentials cross-origin: the endpoints a browser app calls
		// (token, userinfo) take explicit credentials, never the cookie.
		op.WithCORSOptions(&cors.Options{
			AllowedOrigins: []string{"*"}, AllowedMethods: []string{http.MethodGet, http.MethodPost},
			AllowedHeaders: []string{"Authorization", "Content-Type", "Accept"},
		}),
	}
	if strings.HasPrefix(s.issuer, "http://") {
		opts = append(opts, op.WithAllowInsecure())
	}
	p, err := op.NewOpenIDProvider(s.issuer, cfg, storage{s}, opts...)
	if err != nil {
		return nil, fmt.Errorf("sso: provider: %w", err)
	}
	return p, nil
}

// discovery is the library's document, narrowed to what this OP does:
// the code flow only (no implicit, no device or JWT grants), answers in
// the query, and the acr values it asserts.
func discovery(provider http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		provider.ServeHTTP(rec, r)
		var doc map[string]any
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &doc) != nil {
			http.Error(w, "discovery unavailable", http.StatusInternalServerError)
			return
		}
		delete(doc, "device_authorization_endpoint")
		doc["response_types_supported"] = []string{"code"}
		doc["response_modes_supported"] = []string{"query"}
		doc["grant_types_supported"] = []string{"authorization_code", "refresh_token"}
		doc["code_challenge_methods_supported"] = []string{"S256"}
		doc["acr_values_supported"] = []string{ACRDesk, ACRSelf}
		doc["claim_types_supported"] = []string{"normal"}
		doc["backchannel_logout_supported"] = true
		doc["backchannel_logout_session_supported"] = false
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=300")
		_ = json.NewEncoder(w).Encode(doc)
	})
}

// guardParams refuses oversized requests and repeated parameters (RFC 6749
// §3.1: a parameter must not be included more than once) before the
// library sees them; the answer is an error page, never a redirect.
func guardParams(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.URL.RawQuery) > maxQueryLen {
			errorPage(w, http.StatusRequestURITooLong, "request too long")
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		}
		if err := r.ParseForm(); err != nil {
			errorPage(w, http.StatusBadRequest, "malformed or oversized request")
			return
		}
		for _, vs := range []url.Values{r.URL.Query(), r.PostForm} {
			for k, v := range vs {
				if len(v) > 1 {
					errorPage(w, http.StatusBadRequest, "parameter "+template.HTMLEscapeString(k)+" repeated")
					return
				}
				if len(v[0]) > maxValueLen {
					errorPage(w, http.StatusBadRequest, "parameter "+template.HTMLEscapeString(k)+" too long")
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

var errorTmpl = template.Must(template.New("e").Parse(`<!doctype html><html lang="vi"><meta charset="utf-8">
<title>Không thể đăng nhập</title><body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>Không thể tiếp tục đăng nhập</h1><p>Yêu cầu đăng nhập từ hệ thống không hợp lệ hoặc đã hết hạn. Vui lòng quay lại hệ thống và thử lại.</p>
<p lang="en">The sign-in request is invalid or has expired. Please go back to the system and try again.</p>
<p><small>{{.}}</small></p></body></html>`))

// errorPage answers a request that must not go back to any RP.
func errorPage(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = errorTmpl.Execute(w, detail)
}

// login decides what the browser of a pending request does: finish at once
// (valid session, fresh enough, consent remembered), answer an RP that
// asked prompt=none with the reason it cannot, or go to the SPA page.
func (s *Service) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	req, err := s.open(ctx, pulid.ID(r.URL.Query().Get("id")))
	if err != nil {
		errorPage(w, http.StatusBadRequest, "unknown or expired request")
		return
	}
	step, si, remembered, err := s.next(ctx, req)
	if err != nil {
		s.log.Error("sso: login", "err", err)
		errorPage(w, http.StatusInternalServerError, "internal error")
		return
	}
	if step == NextConsent && remembered && !slices.Contains(req.Prompt, oidc.PromptConsent) {
		if err := s.finish(ctx, req, si, false); err != nil {
			errorPage(w, http.StatusBadRequest, "request already answered")
			return
		}
		http.Redirect(w, r, s.callbackURL(req.ID), http.StatusFound)
		return
	}
	if slices.Contains(req.Prompt, oidc.PromptNone) {
		e := oidc.ErrLoginRequired()
		switch step {
		case NextChangePassword:
			e = oidc.ErrInteractionRequired()
		case NextConsent:
			e = &oidc.Error{ErrorType: "consent_required"}
		}
		if _, err := s.Deny(ctx, req.ID); err != nil {
			errorPage(w, http.StatusBadRequest, "request already answered")
			return
		}
		to, err := errorRedirect(req, e)
		if err != nil {
			errorPage(w, http.StatusBadRequest, "bad redirect URI")
			return
		}
		http.Redirect(w, r, to, http.StatusFound)
		return
	}
	http.Redirect(w, r, SPAPath+url.PathEscape(string(req.ID)), http.StatusFound)
}

// Start makes the first signing key, and
// rotates keys on schedule and purges spent rows every ten minutes.
func (s *Service) Start(ctx context.Context) error {
	if err := s.EnsureKey(ctx); err != nil {
		return err
	}
	go func() {
		tick := time.NewTicker(10 * time.Minute)
		defer tick.Stop()
		for {
			if rotated, err := s.rotateIfDue(ctx); err != nil {
				s.log.Error("sso: scheduled key rotation", "err", err)
			} else if rotated {
				s.log.Info("sso: signing key rotated")
			}
			if _, err := s.Purge(ctx); err != nil {
				s.log.Error("sso: purge", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return nil
}
