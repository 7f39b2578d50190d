package sso

import (
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/motcua/motcua/ent"
)

// LoginPath is the OP's own login handler: it finishes at once when the
// browser's session allows it, and sends it to the SPA otherwise.
const LoginPath = "/oidc/login"

// opClient is a client as the library sees it.
type opClient struct {
	c     *ent.OIDCClient
	idTTL time.Duration
	dev   bool
}

var _ op.Client = opClient{}

func (c opClient) GetID() string                    { return string(c.c.ID) }
func (c opClient) RedirectURIs() []string           { return c.c.RedirectUris }
func (c opClient) PostLogoutRedirectURIs() []string { return c.c.PostLogoutRedirectUris }

// ApplicationType: a confidential client is a web server; a public one a
// browser app (its http redirect URIs are refused outside dev mode, and
// registration already refuses them).
func (c opClient) ApplicationType() op.ApplicationType {
	if c.c.Public {
		return op.ApplicationTypeUserAgent
	}
	return op.ApplicationTypeWeb
}

func (c opClient) AuthMethod() oidc.AuthMethod {
	if c.c.Public {
		return oidc.AuthMethodNone
	}
	return oidc.AuthMethodBasic // client_secret_post is accepted as well
}

func (c opClient) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c opClient) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
}
func (c opClient) LoginURL(id string) string            { return LoginPath + "?id=" + id }
func (c opClient) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c opClient) IDTokenLifetime() time.Duration       { return c.idTTL }
func (c opClient) DevMode() bool                        { return c.dev }
func (c opClient) IDTokenUserinfoClaimsAssertion() bool { return false }
func (c opClient) ClockSkew() time.Duration             { return 0 }
func (c opClient) IsScopeAllowed(scope string) bool     { return slices.Contains(c.c.Scopes, scope) }
func (c opClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c opClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
