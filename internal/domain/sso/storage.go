package sso

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/oidcrequest"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/policy/viewer"
)

// storage is op.Storage on Ent. Every method reads and writes the
// database; nothing of a request or token is kept in this replica.
type storage struct{ s *Service }

var (
	_ op.Storage                        = storage{}
	_ op.CanSetUserinfoFromRequest      = storage{}
	_ op.CanTerminateSessionFromRequest = storage{}
)

// Request parameter limits: longer values are refused, not truncated.
const (
	maxStateLen = 1024
	maxNonceLen = 512
	maxHintLen  = 64
)

// authRequest is an OIDCRequest as the library sees it.
type authRequest struct{ r *ent.OIDCRequest }

var _ op.AuthRequest = authRequest{}

func (a authRequest) GetID() string         { return string(a.r.ID) }
func (a authRequest) GetACR() string        { return a.r.Acr }
func (a authRequest) GetAMR() []string      { return a.r.Amr }
func (a authRequest) GetAudience() []string { return []string{string(a.r.ClientID)} }
func (a authRequest) GetAuthTime() time.Time {
	if a.r.AuthTime == nil {
		return time.Time{}
	}
	return *a.r.AuthTime
}
func (a authRequest) GetClientID() string { return string(a.r.ClientID) }
func (a authRequest) GetCodeChallenge() *oidc.CodeChallenge {
	return &oidc.CodeChallenge{Challenge: a.r.CodeChallenge, Method: oidc.CodeChallengeMethodS256}
}
func (a authRequest) GetNonce() string                   { return a.r.Nonce }
func (a authRequest) GetRedirectURI() string             { return a.r.RedirectURI }
func (a authRequest) GetResponseType() oidc.ResponseType { return oidc.ResponseTypeCode }
func (a authRequest) GetResponseMode() oidc.ResponseMode { return oidc.ResponseMode(a.r.ResponseMode) }
func (a authRequest) GetScopes() []string                { return a.r.Scopes }
func (a authRequest) GetState() string                   { return a.r.State }
func (a authRequest) GetSubject() string {
	if a.r.AccountID == nil {
		return ""
	}
	return string(*a.r.AccountID)
}
func (a authRequest) Done() bool {
	return a.r.DoneAt != nil && a.r.DeniedAt == nil && a.r.AccountID != nil
}

// CreateAuthRequest stores a validated authorization request. On top of
// the library's checks: PKCE with S256 is required, the response is in the
// query, and the scopes are cut to those the client is allowed (openid
// required). offline_access is always added: every code flow gets a
// refresh token.
func (st storage) CreateAuthRequest(ctx context.Context, req *oidc.AuthRequest, hintSubject string) (op.AuthRequest, error) {
	s := st.s
	c, err := s.activeClient(ctx, pulid.ID(req.ClientID))
	if err != nil {
		return nil, oidc.ErrInvalidRequestRedirectURI().WithDescription("unknown or disabled client").WithParent(err)
	}
	switch {
	case req.CodeChallenge == "":
		return nil, oidc.ErrInvalidRequest().WithDescription("PKCE is required: send code_challenge with code_challenge_method=S256")
	case req.CodeChallengeMethod != oidc.CodeChallengeMethodS256:
		return nil, oidc.ErrInvalidRequest().WithDescription("code_challenge_method must be S256")
	case req.ResponseMode != "" && req.ResponseMode != oidc.ResponseModeQuery:
		return nil, oidc.ErrInvalidRequest().WithDescription("response_mode must be query")
	case len(req.State) > maxStateLen || len(req.Nonce) > maxNonceLen || len(req.LoginHint) > 256:
		return nil, oidc.ErrInvalidRequest().WithDescription("state, nonce or login_hint too long")
	}
	scopes := []string{}
	for _, sc := range req.Scopes {
		if slices.Contains(c.Scopes, sc) && !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	if !slices.Contains(scopes, ScopeOpenID) {
		return nil, oidc.ErrInvalidScope().WithDescription("the openid scope is required")
	}
	scopes = append(scopes, ScopeOffline)
	locales := []string{}
	for _, t := range req.UILocales {
		base, _ := t.Base()
		if b := base.String(); (b == "vi" || b == "en") && !slices.Contains(locales, b) {
			locales = append(locales, b)
		}
	}
	hint := req.LoginHint
	if len(hint) > maxHintLen {
		hint = ""
	}
	id, err := randomID("OQ")
	if err != nil {
		return nil, err
	}
	now := s.now()
	cr := s.db.Client.OIDCRequest.Create().SetID(id).SetClientID(c.ID).SetRedirectURI(req.RedirectURI).
		SetScopes(scopes).SetState(req.State).SetNonce(req.Nonce).SetResponseMode(string(req.ResponseMode)).
		SetCodeChallenge(req.CodeChallenge).SetPrompt(req.Prompt).SetUILocales(locales).
		SetLoginHint(hint).SetHintSubject(hintSubject).SetExpiresAt(now.Add(RequestLifetime)).
		SetCreatedAt(now).SetUpdatedAt(now)
	if req.MaxAge != nil {
		cr.SetMaxAge(int(min(*req.MaxAge, 1<<30)))
	}
	r, err := cr.Save(viewer.System(ctx))
	if err != nil {
		return nil, fmt.Errorf("sso: save request: %w", err)
	}
	return authRequest{r}, nil
}

// pending loads a request that has not expired.
func (s *Service) pending(ctx context.Context, id pulid.ID) (*ent.OIDCRequest, error) {
	r, err := s.db.Client.OIDCRequest.Get(viewer.System(ctx), id)
	if err != nil {
		return nil, err
	}
	if !s.now().Before(r.ExpiresAt) {
		return nil, errors.New("sso: request expired")
	}
	return r, nil
}

func (st storage) AuthRequestByID(ctx context.Context, id string) (op.AuthRequest, error) {
	r, err := st.s.pending(ctx, pulid.ID(id))
	if err != nil {
		return nil, oidc.ErrInvalidRequest().WithDescription("unknown or expired request").WithParent(err)
	}
	if r.CodeHash != nil {
		// One code per request: the callback cannot be replayed.
		return nil, oidc.ErrInvalidRequest().WithDescription("request already answered")
	}
	return authRequest{r}, nil
}

// AuthRequestByCode finds the request of a code. The code is spent when
// tokens are issued for it (createTokens), not here: the library asks
// before it checks the client and the verifier, and a failed attempt must
// not burn the RP's code. A code already spent revokes every token its
// first use issued.
func (st storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	s := st.s
	r, err := s.db.Client.OIDCRequest.Query().Where(oidcrequest.CodeHash(hashSecret(code))).Only(viewer.System(ctx))
	if err != nil {
		return nil, errors.New("sso: unknown code")
	}
	if r.CodeUsedAt != nil {
		s.metrics.codeReuse.Inc()
		if err := s.revokeFamily(ctx, r, "code_reuse"); err != nil {
			return nil, err
		}
		return nil, errors.New("sso: code used already")
	}
	if r.CodeIssuedAt == nil || s.now().Sub(*r.CodeIssuedAt) > CodeLifetime || r.AccountID == nil {
		return nil, errors.New("sso: code expired")
	}
	return authRequest{r}, nil
}

func (st storage) SaveAuthCode(ctx context.Context, id, code string) error {
	s := st.s
	now := s.now()
	n, err := s.db.Client.OIDCRequest.Update().
		Where(oidcrequest.ID(pulid.ID(id)), oidcrequest.DoneAtNotNil(), oidcrequest.DeniedAtIsNil(),
			oidcrequest.CodeHashIsNil(), oidcrequest.ExpiresAtGT(now)).
		SetCodeHash(hashSecret(code)).SetCodeIssuedAt(now).Save(viewer.System(ctx))
	if err != nil {
		return fmt.Errorf("sso: save code: %w", err)
	}
	if n == 0 {
		return oidc.ErrInvalidRequest().WithDescription("request already answered")
	}
	return nil
}

// DeleteAuthRequest keeps the row: a code presented again must still be
// recognised (and what it issued revoked). Purge removes old rows.
func (st storage) DeleteAuthRequest(context.Context, string) error { return nil }

func (st storage) GetClientByClientID(ctx context.Context, clientID string) (op.Client, error) {
	c, err := st.s.activeClient(ctx, pulid.ID(clientID))
	if err != nil {
		return nil, err
	}
	return opClient{c: c, idTTL: st.s.idTTL, dev: st.s.dev}, nil
}

// activeClient loads a client that is not disabled.
func (s *Service) activeClient(ctx context.Context, id pulid.ID) (*ent.OIDCClient, error) {
	if id == "" || len(id) > 64 {
		return nil, errors.New("sso: unknown client")
	}
	c, err := s.db.Client.OIDCClient.Get(viewer.System(ctx), id)
	if ent.IsNotFound(err) {
		return nil, errors.New("sso: unknown client")
	} else if err != nil {
		return nil, oidc.ErrServerError().WithParent(err)
	}
	if c.Disabled {
		return nil, errors.New("sso: client disabled")
	}
	return c, nil
}

func (st storage) AuthorizeClientIDSecret(ctx context.Context, clientID, secret string) error {
	c, err := st.s.activeClient(ctx, pulid.ID(clientID))
	if err == nil && !st.s.checkSecret(c, secret) {
		err = errors.New("sso: wrong client secret")
	}
	if err != nil {
		st.s.metrics.clientAuthBad.Inc()
		return err
	}
	return nil
}

func (st storage) SigningKey(ctx context.Context) (op.SigningKey, error) {
	k, err := st.s.currentKey(ctx)
	if err != nil {
		return nil, err
	}
	return signingKey{k}, nil
}

func (st storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (st storage) KeySet(ctx context.Context) ([]op.Key, error) {
	keys, err := st.s.publishedKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]op.Key, len(keys))
	for i, k := range keys {
		out[i] = publicKey{k}
	}
	return out, nil
}

// SetUserinfoFromScopes is deprecated in the library; SetUserinfoFromRequest does the work.
func (st storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the ID token's claims: those of the scopes
// (but the ID number, given at userinfo only), and sid and acr.
func (st storage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	a, err := st.s.db.Client.Account.Get(viewer.System(ctx), pulid.ID(req.GetSubject()))
	if err != nil {
		return fmt.Errorf("sso: account: %w", err)
	}
	setClaims(info, a, slices.DeleteFunc(slices.Clone(scopes), func(s string) bool { return s == ScopeVNIdentity }))
	switch r := req.(type) {
	case authRequest:
		if r.r.SessionID != nil {
			info.AppendClaims("sid", string(*r.r.SessionID))
		}
	case *refreshRequest:
		if r.t.SessionID != "" {
			info.AppendClaims("sid", r.t.SessionID)
		}
		info.AppendClaims("acr", r.t.Acr)
	}
	return nil
}

func (st storage) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	t, a, err := st.s.liveAccessToken(ctx, tokenID, subject, "")
	if err != nil {
		return err
	}
	setClaims(info, a, t.Scopes)
	return nil
}

func (st storage) SetIntrospectionFromToken(ctx context.Context, resp *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	t, _, err := st.s.liveAccessToken(ctx, tokenID, subject, clientID)
	if err != nil {
		return err
	}
	resp.Scope = t.Scopes
	resp.ClientID = string(t.ClientID)
	resp.Subject = string(t.AccountID)
	resp.Audience = []string{string(t.ClientID)}
	resp.Issuer = st.s.issuer
	resp.TokenType = oidc.BearerToken
	resp.Expiration = oidc.FromTime(t.ExpiresAt)
	resp.IssuedAt = oidc.FromTime(t.CreatedAt)
	resp.AuthTime = oidc.FromTime(t.AuthTime)
	resp.AuthenticationMethodsReferences = t.Amr
	return nil
}

func (st storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (st storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("sso: JWT profile not supported")
}

func (st storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("sso: JWT profile not supported")
}

func (st storage) Health(ctx context.Context) error { return st.s.db.Ping(ctx) }

// TerminateSession is unused: TerminateSessionFromRequest replaces it.
func (st storage) TerminateSession(context.Context, string, string) error { return nil }
