package sso

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/oidcbackchanneldelivery"
	"github.com/motcua/motcua/ent/oidcclient"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// Limits of a client registration.
const (
	maxURIs      = 10
	maxURILength = 2000
	maxNameRunes = 200
)

// ClientInput registers a client. UnitID or UnitCode names the owning unit.
type ClientInput struct {
	Name                   string
	UnitID                 pulid.ID
	UnitCode               string
	RedirectURIs           []string
	PostLogoutRedirectURIs []string
	BackchannelLogoutURI   string
	Scopes                 []string
	Public                 bool
	devDemo                bool
}

// ClientPatch changes a client; nil fields stay as they are.
type ClientPatch struct {
	Name                   *string
	RedirectURIs           []string // nil: unchanged
	PostLogoutRedirectURIs []string
	BackchannelLogoutURI   *string
	Scopes                 []string
}

func errUnauthenticated() *refusal.Error {
	return refusal.New(refusal.Unauthenticated, "Vui lòng đăng nhập.", "Please sign in.")
}

func errForbidden() *refusal.Error {
	return refusal.New(refusal.Forbidden, "Bạn không có quyền quản lý hệ thống này.", "You may not manage this system.")
}

func errClientNotFound() *refusal.Error {
	return refusal.New(refusal.NotFound, "Không tìm thấy hệ thống.", "System not found.")
}

func invalid(field, vi, en string) *refusal.Error {
	return refusal.New(refusal.Validation, vi, en).OnField(field)
}

// checkURI accepts an absolute https URL without a fragment; in dev mode
// also http on a loopback host (127.0.0.1, ::1, localhost).
func (s *Service) checkURI(field, raw string) error {
	bad := invalid(field, "Địa chỉ phải là URL https đầy đủ, không có phần #.", "The address must be a full https URL without a # part.")
	if raw == "" || len(raw) > maxURILength || strings.TrimSpace(raw) != raw {
		return bad
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Fragment != "" || u.User != nil || strings.Contains(raw, "#") {
		return bad
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if s.dev && (host == "localhost" || net.ParseIP(host).IsLoopback()) {
			return nil
		}
	}
	return bad
}

func (s *Service) checkURIs(field string, uris []string, required bool) ([]string, error) {
	if required && len(uris) == 0 {
		return nil, invalid(field, "Cần ít nhất một địa chỉ chuyển hướng.", "At least one redirect URI is needed.")
	}
	if len(uris) > maxURIs {
		return nil, invalid(field, fmt.Sprintf("Tối đa %d địa chỉ.", maxURIs), fmt.Sprintf("At most %d addresses.", maxURIs))
	}
	out := []string{}
	for _, u := range uris {
		if err := s.checkURI(field, u); err != nil {
			return nil, err
		}
		if !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out, nil
}

// checkScopes keeps known scopes, with openid always in.
func checkScopes(scopes []string) ([]string, error) {
	out := []string{ScopeOpenID}
	for _, sc := range scopes {
		if !slices.Contains(KnownScopes, sc) {
			return nil, invalid("scopes", "Phạm vi dữ liệu không hợp lệ: chỉ openid, profile, phone, email, vn_identity.",
				"Unknown scope: only openid, profile, phone, email, vn_identity.")
		}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out, nil
}

func checkName(name string) (string, error) {
	name = strings.TrimSpace(vn.NormalizeName(name))
	if name == "" || utf8.RuneCountInString(name) > maxNameRunes {
		return "", invalid("name", "Tên hệ thống phải có từ 1 đến 200 ký tự.", "The system's name must have 1 to 200 characters.")
	}
	return name, nil
}

// mayManage decides whether the viewer may manage clients of the unit at path.
func mayManage(ctx context.Context, path string) error {
	v := viewer.FromContext(ctx)
	if v == nil || (!v.System && !v.SignedIn()) {
		return errUnauthenticated()
	}
	if !v.Can(policy.ObjOIDCClient, policy.ActManage, path) {
		return errForbidden()
	}
	return nil
}

// mayManageSome decides first, before anything is looked up, whether the
// viewer may manage clients anywhere.
func mayManageSome(ctx context.Context) error {
	v := viewer.FromContext(ctx)
	if v == nil || (!v.System && !v.SignedIn()) {
		return errUnauthenticated()
	}
	if v.Scope(policy.ObjOIDCClient, policy.ActManage).Empty() {
		return errForbidden()
	}
	return nil
}

// newSecret returns a client secret (256 bits, base64url) and its hash.
func newSecret() (secret, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("sso: secret: %w", err)
	}
	secret = base64.RawURLEncoding.EncodeToString(b)
	return secret, hashSecret(secret), nil
}

// CreateClient registers a client. The secret (empty for a public client)
// is returned this once; only its hash is kept.
func (s *Service) CreateClient(ctx context.Context, in ClientInput) (*ent.OIDCClient, string, error) {
	if err := mayManageSome(ctx); err != nil {
		return nil, "", err
	}
	sys := viewer.System(ctx)
	q := s.db.Client.Unit.Query()
	if in.UnitID != "" {
		q = q.Where(unit.ID(in.UnitID))
	} else {
		q = q.Where(unit.Code(in.UnitCode))
	}
	u, err := q.Only(sys)
	if ent.IsNotFound(err) {
		return nil, "", invalid("unitID", "Không tìm thấy đơn vị.", "Unit not found.")
	} else if err != nil {
		return nil, "", fmt.Errorf("sso: client unit: %w", err)
	}
	if err := mayManage(ctx, u.Path); err != nil {
		return nil, "", err
	}
	in, err = s.checkClient(in)
	if err != nil {
		return nil, "", err
	}
	var secret, hash string
	if !in.Public {
		if secret, hash, err = newSecret(); err != nil {
			return nil, "", err
		}
	}
	now := s.now()
	var c *ent.OIDCClient
	err = audit.Write(ctx, s.db, nil, func(ctx context.Context, tx *store.Tx, ch *audit.Change) error {
		c, err = tx.Client.OIDCClient.Create().
			SetName(in.Name).SetNameFolded(vn.Fold(in.Name)).SetUnitID(u.ID).SetUnitPath(u.Path).
			SetRedirectUris(in.RedirectURIs).SetPostLogoutRedirectUris(in.PostLogoutRedirectURIs).
			SetBackchannelLogoutURI(in.BackchannelLogoutURI).SetScopes(in.Scopes).
			SetPublic(in.Public).SetSecretHash(hash).SetDevDemo(in.devDemo).
			SetCreatedAt(now).SetUpdatedAt(now).
			Save(viewer.System(ctx))
		if err != nil {
			return fmt.Errorf("sso: create client: %w", err)
		}
		ch.Record(now, audit.Entry{
			Action: "oidc.client_created", TargetType: "OIDCClient", TargetID: string(c.ID), UnitPath: u.Path,
			Detail: map[string]any{"name": in.Name, "scopes": in.Scopes, "public": in.Public, "redirectURIs": in.RedirectURIs},
		})
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	// Re-read outside the transaction, so that edges (unit) load.
	if c, err = s.db.Client.OIDCClient.Get(viewer.System(ctx), c.ID); err != nil {
		return nil, "", fmt.Errorf("sso: client: %w", err)
	}
	return c, secret, nil
}

// checkClient checks a new client's name, addresses and scopes, and
// returns in with them as they are kept (trimmed, normalised).
func (s *Service) checkClient(in ClientInput) (ClientInput, error) {
	var err error
	if in.Name, err = checkName(in.Name); err != nil {
		return in, err
	}
	if in.RedirectURIs, err = s.checkURIs("redirectURIs", in.RedirectURIs, true); err != nil {
		return in, err
	}
	if in.PostLogoutRedirectURIs, err = s.checkURIs("postLogoutRedirectURIs", in.PostLogoutRedirectURIs, false); err != nil {
		return in, err
	}
	if in.BackchannelLogoutURI != "" {
		if err := s.checkURI("backchannelLogoutURI", in.BackchannelLogoutURI); err != nil {
			return in, err
		}
	}
	in.Scopes, err = checkScopes(in.Scopes)
	return in, err
}

// managedClient loads a client the viewer may manage.
func (s *Service) managedClient(ctx context.Context, id pulid.ID) (*ent.OIDCClient, error) {
	if err := mayManageSome(ctx); err != nil {
		return nil, err
	}
	c, err := s.db.Client.OIDCClient.Get(viewer.System(ctx), id)
	if ent.IsNotFound(err) {
		return nil, errClientNotFound()
	} else if err != nil {
		return nil, fmt.Errorf("sso: client: %w", err)
	}
	if err := mayManage(ctx, c.UnitPath); err != nil {
		if refusal.Is(err, refusal.Forbidden) {
			return nil, errClientNotFound() // out of scope: as if it did not exist
		}
		return nil, err
	}
	return c, nil
}

// UpdateClient changes a client's name, URIs or scopes.
func (s *Service) UpdateClient(ctx context.Context, id pulid.ID, p ClientPatch) (*ent.OIDCClient, error) {
	c, err := s.managedClient(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	detail := map[string]any{}
	var apply []func(*ent.OIDCClientUpdateOne)
	if p.Name != nil {
		name, err := checkName(*p.Name)
		if err != nil {
			return nil, err
		}
		detail["name"] = name
		apply = append(apply, func(u *ent.OIDCClientUpdateOne) { u.SetName(name).SetNameFolded(vn.Fold(name)) })
	}
	if p.RedirectURIs != nil {
		r, err := s.checkURIs("redirectURIs", p.RedirectURIs, true)
		if err != nil {
			return nil, err
		}
		detail["redirectURIs"] = r
		apply = append(apply, func(u *ent.OIDCClientUpdateOne) { u.SetRedirectUris(r) })
	}
	if p.PostLogoutRedirectURIs != nil {
		r, err := s.checkURIs("postLogoutRedirectURIs", p.PostLogoutRedirectURIs, false)
		if err != nil {
			return nil, err
		}
		detail["postLogoutRedirectURIs"] = r
		apply = append(apply, func(u *ent.OIDCClientUpdateOne) { u.SetPostLogoutRedirectUris(r) })
	}
	if p.BackchannelLogoutURI != nil {
		b := *p.BackchannelLogoutURI
		if b != "" {
			if err := s.checkURI("backchannelLogoutURI", b); err != nil {
				return nil, err
			}
		}
		detail["backchannelLogoutURI"] = b
		apply = append(apply, func(u *ent.OIDCClientUpdateOne) { u.SetBackchannelLogoutURI(b) })
	}
	if p.Scopes != nil {
		sc, err := checkScopes(p.Scopes)
		if err != nil {
			return nil, err
		}
		detail["scopes"] = sc
		apply = append(apply, func(u *ent.OIDCClientUpdateOne) { u.SetScopes(sc) })
	}
	return s.saveClient(ctx, c, now, "oidc.client_updated", detail, apply...)
}

func (s *Service) saveClient(ctx context.Context, c *ent.OIDCClient, now time.Time, action string, detail map[string]any, apply ...func(*ent.OIDCClientUpdateOne)) (*ent.OIDCClient, error) {
	var out *ent.OIDCClient
	err := audit.Write(ctx, s.db, nil, func(ctx context.Context, tx *store.Tx, ch *audit.Change) error {
		u := tx.Client.OIDCClient.UpdateOneID(c.ID).SetUpdatedAt(now)
		for _, f := range apply {
			f(u)
		}
		var err error
		if out, err = u.Save(viewer.System(ctx)); err != nil {
			return fmt.Errorf("sso: update client: %w", err)
		}
		ch.Record(now, audit.Entry{
			Action: action, TargetType: "OIDCClient", TargetID: string(c.ID), UnitPath: c.UnitPath, Detail: detail,
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Re-read outside the transaction, so that edges (unit) load.
	if out, err = s.db.Client.OIDCClient.Get(viewer.System(ctx), c.ID); err != nil {
		return nil, fmt.Errorf("sso: client: %w", err)
	}
	return out, nil
}

// SetDisabled disables or enables a client. A disabled client cannot start
// a sign-in, exchange a code or refresh, and its access tokens stop
// answering at userinfo and introspection at once.
func (s *Service) SetDisabled(ctx context.Context, id pulid.ID, disabled bool) (*ent.OIDCClient, error) {
	c, err := s.managedClient(ctx, id)
	if err != nil {
		return nil, err
	}
	action := "oidc.client_enabled"
	if disabled {
		action = "oidc.client_disabled"
	}
	return s.saveClient(ctx, c, s.now(), action, nil, func(u *ent.OIDCClientUpdateOne) { u.SetDisabled(disabled) })
}

// RotateSecret gives a confidential client a new secret; the previous one
// keeps working for the overlap period, so the RP can deploy the new one.
func (s *Service) RotateSecret(ctx context.Context, id pulid.ID) (*ent.OIDCClient, string, error) {
	c, err := s.managedClient(ctx, id)
	if err != nil {
		return nil, "", err
	}
	if c.Public {
		return nil, "", refusal.New(refusal.InvalidState, "Hệ thống công khai không có mật khẩu ứng dụng.", "A public client has no secret.")
	}
	secret, hash, err := newSecret()
	if err != nil {
		return nil, "", err
	}
	now := s.now()
	until := now.Add(s.overlap)
	out, err := s.saveClient(ctx, c, now, "oidc.client_secret_rotated", map[string]any{"previousValidUntil": until.Format(time.RFC3339)},
		func(u *ent.OIDCClientUpdateOne) {
			u.SetSecretHash(hash).SetPreviousSecretHash(c.SecretHash).SetPreviousSecretExpiresAt(until)
		})
	if err != nil {
		return nil, "", err
	}
	return out, secret, nil
}

// ClientsQuery is the clients the viewer may manage, matching search (a
// folded name or the client_id). The privacy policy scopes it too.
func (s *Service) ClientsQuery(ctx context.Context, search string) (*ent.OIDCClientQuery, error) {
	v := viewer.FromContext(ctx)
	if v == nil || (!v.System && !v.SignedIn()) {
		return nil, errUnauthenticated()
	}
	if v.Scope(policy.ObjOIDCClient, policy.ActRead).Empty() {
		return nil, errForbidden()
	}
	q := s.db.Client.OIDCClient.Query()
	if search = strings.TrimSpace(search); search != "" {
		q = q.Where(oidcclient.Or(oidcclient.NameFoldedContains(vn.Fold(search)), oidcclient.ID(pulid.ID(search))))
	}
	return q, nil
}

// Clients pages through the clients the viewer may manage, matching search
// (ClientsQuery), in Ent's default order.
func (s *Service) Clients(ctx context.Context, p store.Page, search string) (*ent.OIDCClientConnection, error) {
	q, err := s.ClientsQuery(ctx, search)
	if err != nil {
		return nil, err
	}
	page, err := p.Or(store.ShortListPageSize).Check()
	if err != nil {
		return nil, err
	}
	conn, err := q.Paginate(ctx, page.After, page.First, page.Before, page.Last)
	if err != nil {
		return nil, fmt.Errorf("sso: clients: %w", err)
	}
	return conn, nil
}

// RecentDeliveries are a client's latest back-channel logouts (the
// caller's privacy scope applies).
func (s *Service) RecentDeliveries(ctx context.Context, clientID pulid.ID) ([]*ent.OIDCBackchannelDelivery, error) {
	out, err := s.db.Client.OIDCBackchannelDelivery.Query().
		Where(oidcbackchanneldelivery.ClientID(clientID)).
		Order(ent.Desc(oidcbackchanneldelivery.FieldCreatedAt)).Limit(20).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("sso: deliveries: %w", err)
	}
	return out, nil
}

// checkSecret reports whether secret is the client's current secret, or
// its previous one within the overlap period.
func (s *Service) checkSecret(c *ent.OIDCClient, secret string) bool {
	if c.Public || secret == "" || c.SecretHash == "" {
		return false
	}
	h := hashSecret(secret)
	if subtle.ConstantTimeCompare([]byte(h), []byte(c.SecretHash)) == 1 {
		return true
	}
	return c.PreviousSecretHash != "" && c.PreviousSecretExpiresAt != nil && s.now().Before(*c.PreviousSecretExpiresAt) &&
		subtle.ConstantTimeCompare([]byte(h), []byte(c.PreviousSecretHash)) == 1
}
