package sso

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/oidcgrant"
	"github.com/motcua/motcua/ent/oidcrequest"
	"github.com/motcua/motcua/ent/oidctoken"
	"github.com/motcua/motcua/ent/predicate"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/policy/viewer"
)

// refreshRequest is a live refresh token as the library sees it.
type refreshRequest struct {
	t      *ent.OIDCToken
	scopes []string
}

var _ op.RefreshTokenRequest = (*refreshRequest)(nil)

func (r *refreshRequest) GetAMR() []string            { return r.t.Amr }
func (r *refreshRequest) GetAudience() []string       { return []string{string(r.t.ClientID)} }
func (r *refreshRequest) GetAuthTime() time.Time      { return r.t.AuthTime }
func (r *refreshRequest) GetClientID() string         { return string(r.t.ClientID) }
func (r *refreshRequest) GetScopes() []string         { return r.scopes }
func (r *refreshRequest) GetSubject() string          { return string(r.t.AccountID) }
func (r *refreshRequest) SetCurrentScopes(s []string) { r.scopes = s }

// issue is what every token of a request carries.
type issue struct {
	family    string
	accountID pulid.ID
	clientID  pulid.ID
	scopes    []string
	authTime  time.Time
	amr       []string
	acr       string
	sid       string
	fromCode  bool
}

func issueOf(req op.TokenRequest) (issue, error) {
	switch r := req.(type) {
	case authRequest:
		sid := ""
		if r.r.SessionID != nil {
			sid = string(*r.r.SessionID)
		}
		return issue{family: string(r.r.ID), accountID: *r.r.AccountID, clientID: r.r.ClientID, scopes: r.r.Scopes,
			authTime: r.GetAuthTime(), amr: r.r.Amr, acr: r.r.Acr, sid: sid, fromCode: true}, nil
	case *refreshRequest:
		return issue{family: r.t.FamilyID, accountID: r.t.AccountID, clientID: r.t.ClientID, scopes: r.scopes,
			authTime: r.t.AuthTime, amr: r.t.Amr, acr: r.t.Acr, sid: r.t.SessionID}, nil
	}
	return issue{}, fmt.Errorf("sso: unsupported token request %T", req)
}

func (st storage) CreateAccessToken(ctx context.Context, req op.TokenRequest) (string, time.Time, error) {
	id, _, exp, err := st.createTokens(ctx, req, "", false)
	return id, exp, err
}

func (st storage) CreateAccessAndRefreshTokens(ctx context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	return st.createTokens(ctx, req, current, true)
}

// createTokens writes an access token (and a refresh token) in one
// transaction. With current set it rotates that refresh token: only if it
// is still unused, so that of two concurrent uses one wins and the other
// counts as re-use.
func (st storage) createTokens(ctx context.Context, req op.TokenRequest, current string, withRefresh bool) (accessID, refresh string, exp time.Time, err error) {
	s := st.s
	in, err := issueOf(req)
	if err != nil {
		return "", "", time.Time{}, err
	}
	now := s.now()
	exp = now.Add(s.accessTTL)
	aid, err := randomID("OT")
	if err != nil {
		return "", "", time.Time{}, err
	}
	var rid pulid.ID
	if withRefresh {
		if rid, err = randomID("OR"); err != nil {
			return "", "", time.Time{}, err
		}
		refresh = string(rid)
	}
	reused := false
	err = audit.Write(ctx, s.db, nil, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		sys := viewer.System(ctx)
		var err error
		if reused, err = spend(sys, tx, in, current, now); err != nil {
			return err
		}
		bulk := []*ent.OIDCTokenCreate{st.tokenRow(tx, aid, oidctoken.KindACCESS, "", in, now, exp)}
		if withRefresh {
			bulk = append(bulk, st.tokenRow(tx, rid, oidctoken.KindREFRESH, hashSecret(refresh), in, now, now.Add(s.refreshTTL)))
		}
		if err := tx.Client.OIDCToken.CreateBulk(bulk...).Exec(sys); err != nil {
			return fmt.Errorf("sso: save tokens: %w", err)
		}
		if err := tx.Client.OIDCGrant.Update().
			Where(oidcgrant.AccountID(in.accountID), oidcgrant.ClientID(in.clientID)).
			SetLastUsedAt(now).Exec(sys); err != nil {
			return fmt.Errorf("sso: grant used: %w", err)
		}
		if in.fromCode {
			c.Record(now, audit.Entry{
				Action: "oidc.tokens_issued", TargetType: "Account", TargetID: string(in.accountID),
				Detail: map[string]any{"clientID": string(in.clientID), "scopes": in.scopes, "grantType": "authorization_code"},
			})
		}
		return nil
	})
	if reused {
		return "", "", time.Time{}, s.reused(ctx, in)
	}
	if err != nil {
		return "", "", time.Time{}, err
	}
	grant := "refresh_token"
	if in.fromCode {
		grant = "authorization_code"
	}
	s.metrics.tokens.WithLabelValues(grant).Inc()
	return string(aid), refresh, exp, nil
}

// spend marks, inside tx, the authorization code of in (when the tokens are
// its exchange) used, and the refresh token current (when rotating one)
// rotated, each only if still unused: of two uses at once one wins, and the
// other reports reused (with an error that rolls the transaction back).
func spend(sys context.Context, tx *store.Tx, in issue, current string, now time.Time) (reused bool, err error) {
	if in.fromCode {
		n, err := tx.Client.OIDCRequest.Update().
			Where(oidcrequest.ID(pulid.ID(in.family)), oidcrequest.CodeUsedAtIsNil()).
			SetCodeUsedAt(now).Save(sys)
		if err != nil {
			return false, fmt.Errorf("sso: spend code: %w", err)
		}
		if n == 0 {
			return true, errors.New("sso: code used concurrently")
		}
	}
	if current != "" {
		n, err := tx.Client.OIDCToken.Update().
			Where(oidctoken.TokenHash(hashSecret(current)), oidctoken.RotatedAtIsNil(), oidctoken.RevokedAtIsNil()).
			SetRotatedAt(now).Save(sys)
		if err != nil {
			return false, fmt.Errorf("sso: rotate refresh token: %w", err)
		}
		if n == 0 {
			return true, errors.New("sso: refresh token used concurrently")
		}
	}
	return false, nil
}

// reused answers a second use of a code or refresh token: the whole token
// family is revoked, since one of the two users is not who they claim.
func (s *Service) reused(ctx context.Context, in issue) error {
	reason := "refresh_reuse"
	if in.fromCode {
		reason = "code_reuse"
		s.metrics.codeReuse.Inc()
	} else {
		s.metrics.refreshReuse.Inc()
	}
	if err := s.revokeFamilyID(ctx, in.family, in.accountID, in.clientID, reason); err != nil {
		return err
	}
	return oidc.ErrInvalidGrant().WithDescription("already used")
}

func (st storage) tokenRow(tx *store.Tx, id pulid.ID, kind oidctoken.Kind, hash string, in issue, now, exp time.Time) *ent.OIDCTokenCreate {
	c := tx.Client.OIDCToken.Create().SetID(id).SetKind(kind).SetFamilyID(in.family).
		SetAccountID(in.accountID).SetClientID(in.clientID).SetScopes(in.scopes).SetAuthTime(in.authTime).
		SetAmr(in.amr).SetAcr(in.acr).SetSessionID(in.sid).SetCreatedAt(now).SetExpiresAt(exp)
	if hash != "" {
		c.SetTokenHash(hash)
	}
	return c
}

// TokenRequestByRefreshToken checks a refresh token. A rotated one
// presented again means it was copied: the whole family is revoked.
func (st storage) TokenRequestByRefreshToken(ctx context.Context, token string) (op.RefreshTokenRequest, error) {
	s := st.s
	t, err := s.db.Client.OIDCToken.Query().
		Where(oidctoken.TokenHash(hashSecret(token)), oidctoken.KindEQ(oidctoken.KindREFRESH)).
		Only(viewer.System(ctx))
	if ent.IsNotFound(err) {
		s.refreshFailed(ctx, nil, "unknown")
		return nil, op.ErrInvalidRefreshToken
	} else if err != nil {
		return nil, fmt.Errorf("sso: refresh token: %w", err)
	}
	now := s.now()
	switch {
	case t.RotatedAt != nil:
		s.metrics.refreshReuse.Inc()
		if err := s.revokeFamilyID(ctx, t.FamilyID, t.AccountID, t.ClientID, "refresh_reuse"); err != nil {
			return nil, err
		}
		return nil, errors.New("sso: refresh token re-used: grant revoked")
	case t.RevokedAt != nil:
		s.refreshFailed(ctx, t, "revoked")
		return nil, errors.New("sso: refresh token revoked")
	case !now.Before(t.ExpiresAt):
		s.refreshFailed(ctx, t, "expired")
		return nil, errors.New("sso: refresh token expired")
	}
	if _, err := s.activeClient(ctx, t.ClientID); err != nil {
		s.refreshFailed(ctx, t, "client_disabled")
		return nil, err
	}
	if err := s.accountActive(ctx, t.AccountID); err != nil {
		s.refreshFailed(ctx, t, "account_inactive")
		return nil, err
	}
	return &refreshRequest{t: t, scopes: t.Scopes}, nil
}

// refreshFailed records a refused refresh in the audit trail.
func (s *Service) refreshFailed(ctx context.Context, t *ent.OIDCToken, reason string) {
	e := audit.Entry{Action: "oidc.refresh_failed", TargetType: "OIDCToken", Detail: map[string]any{"reason": reason}}
	if t != nil {
		e.TargetType, e.TargetID = "Account", string(t.AccountID)
		e.Detail["clientID"] = string(t.ClientID)
	}
	err := audit.Write(ctx, s.db, nil, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		c.Record(s.now(), e)
		return nil
	})
	if err != nil {
		s.log.Error("sso: audit refresh failure", "err", err)
	}
}

func (s *Service) accountActive(ctx context.Context, id pulid.ID) error {
	ok, err := s.db.Client.Account.Query().Where(account.ID(id), account.StatusEQ(account.StatusACTIVE)).Exist(viewer.System(ctx))
	if err != nil {
		return fmt.Errorf("sso: account: %w", err)
	}
	if !ok {
		return errors.New("sso: account not active")
	}
	return nil
}

// liveAccessToken loads an access token that still works: not revoked or
// expired, its client enabled, its account ACTIVE (and, for introspection,
// asked about by its own client).
func (s *Service) liveAccessToken(ctx context.Context, tokenID, subject, askingClient string) (*ent.OIDCToken, *ent.Account, error) {
	sys := viewer.System(ctx)
	t, err := s.db.Client.OIDCToken.Get(sys, pulid.ID(tokenID))
	if err != nil {
		return nil, nil, errors.New("sso: unknown token")
	}
	if t.Kind != oidctoken.KindACCESS || string(t.AccountID) != subject || t.RevokedAt != nil || !s.now().Before(t.ExpiresAt) {
		return nil, nil, errors.New("sso: token not active")
	}
	if askingClient != "" && askingClient != string(t.ClientID) {
		return nil, nil, errors.New("sso: token of another client")
	}
	if _, err := s.activeClient(ctx, t.ClientID); err != nil {
		return nil, nil, err
	}
	a, err := s.db.Client.Account.Get(sys, t.AccountID)
	if err != nil || a.Status != account.StatusACTIVE {
		return nil, nil, errors.New("sso: account not active")
	}
	return t, a, nil
}

func (st storage) GetRefreshTokenInfo(ctx context.Context, clientID, token string) (string, string, error) {
	t, err := st.s.db.Client.OIDCToken.Query().
		Where(oidctoken.TokenHash(hashSecret(token)), oidctoken.KindEQ(oidctoken.KindREFRESH)).
		Only(viewer.System(ctx))
	if err != nil || string(t.ClientID) != clientID {
		return "", "", op.ErrInvalidRefreshToken
	}
	return string(t.AccountID), string(t.ID), nil
}

// RevokeToken (RFC 7009): an access token dies alone; a refresh token takes
// its family (every token of the same sign-in) with it. A token unknown or
// of another client is answered as revoked, as the RFC asks.
func (st storage) RevokeToken(ctx context.Context, tokenOrID, _, clientID string) *oidc.Error {
	s := st.s
	t, err := s.db.Client.OIDCToken.Get(viewer.System(ctx), pulid.ID(tokenOrID))
	if err != nil || string(t.ClientID) != clientID {
		return nil
	}
	if t.Kind == oidctoken.KindREFRESH {
		err = s.revokeFamilyID(ctx, t.FamilyID, t.AccountID, t.ClientID, "revoked_by_client")
	} else {
		err = s.revokeWhere(ctx, "revoked_by_client", t.AccountID, t.ClientID, oidctoken.ID(t.ID))
	}
	if err != nil {
		return oidc.ErrServerError().WithParent(err)
	}
	return nil
}

// revokeFamily revokes what a request's code issued.
func (s *Service) revokeFamily(ctx context.Context, r *ent.OIDCRequest, reason string) error {
	var acct pulid.ID
	if r.AccountID != nil {
		acct = *r.AccountID
	}
	return s.revokeFamilyID(ctx, string(r.ID), acct, r.ClientID, reason)
}

func (s *Service) revokeFamilyID(ctx context.Context, family string, acct, client pulid.ID, reason string) error {
	return s.revokeWhere(ctx, reason, acct, client, oidctoken.FamilyID(family))
}

// revokeWhere revokes the live tokens matching preds, with an audit line.
func (s *Service) revokeWhere(ctx context.Context, reason string, acct, client pulid.ID, preds ...predicate.OIDCToken) error {
	now := s.now()
	return s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		_, err := s.revokeInTx(ctx, tx, now, reason, acct, client, preds...)
		return err
	})
}

// revokeInTx revokes the live tokens matching preds in tx and records it.
func (s *Service) revokeInTx(ctx context.Context, tx *store.Tx, now time.Time, reason string, acct, client pulid.ID, preds ...predicate.OIDCToken) (int, error) {
	n, err := tx.Client.OIDCToken.Update().
		Where(append(preds, oidctoken.RevokedAtIsNil(), oidctoken.ExpiresAtGT(now))...).
		SetRevokedAt(now).Save(viewer.System(ctx))
	if err != nil {
		return 0, fmt.Errorf("sso: revoke tokens: %w", err)
	}
	detail := map[string]any{"reason": reason, "tokens": n}
	if client != "" {
		detail["clientID"] = string(client)
	}
	return n, audit.Record(ctx, tx, now, audit.Entry{
		Action: "oidc.tokens_revoked", TargetType: "Account", TargetID: string(acct), Detail: detail,
	})
}

// setClaims fills info with the claims of the scopes (docs/SSO.md).
func setClaims(info *oidc.UserInfo, a *ent.Account, scopes []string) {
	info.Subject = string(a.ID)
	if slices.Contains(scopes, ScopeProfile) {
		info.Name = a.FullName
		info.Birthdate = a.DateOfBirth.Format("2006-01-02")
	}
	if slices.Contains(scopes, ScopePhone) {
		info.PhoneNumber = a.Phone
		info.PhoneNumberVerified = oidc.Bool(a.Origin == account.OriginONE_STOP_DESK || a.Origin == account.OriginSELF_REGISTERED)
	}
	if slices.Contains(scopes, ScopeEmail) && a.Email != "" {
		info.Email = a.Email
	}
	if slices.Contains(scopes, ScopeVNIdentity) {
		info.AppendClaims("vn_id_number", a.IDNumber)
	}
}
