package sso

import (
	"context"
	"fmt"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/oidcgrant"
	"github.com/motcua/motcua/ent/oidcrequest"
	"github.com/motcua/motcua/ent/oidctoken"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy/viewer"
)

// ConnectedApp is one system the account has granted access to.
type ConnectedApp struct {
	ClientID   pulid.ID
	ClientName string
	Scopes     []string
	GrantedAt  time.Time
	LastUsedAt *time.Time
}

// ConnectedApps lists the viewer's live grants, most recently granted first.
func (s *Service) ConnectedApps(ctx context.Context) ([]ConnectedApp, error) {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return nil, errUnauthenticated()
	}
	sys := viewer.System(ctx)
	grants, err := s.db.Client.OIDCGrant.Query().
		Where(oidcgrant.AccountID(v.AccountID), oidcgrant.RevokedAtIsNil()).
		Order(ent.Desc(oidcgrant.FieldGrantedAt)).All(sys)
	if err != nil {
		return nil, fmt.Errorf("sso: grants: %w", err)
	}
	out := make([]ConnectedApp, 0, len(grants))
	for _, g := range grants {
		c, err := s.db.Client.OIDCClient.Get(sys, g.ClientID)
		if err != nil {
			return nil, fmt.Errorf("sso: client: %w", err)
		}
		out = append(out, ConnectedApp{ClientID: g.ClientID, ClientName: c.Name, Scopes: g.Scopes, GrantedAt: g.GrantedAt, LastUsedAt: g.LastUsedAt})
	}
	return out, nil
}

// RevokeApp withdraws the viewer's grant to a client: the consent is
// forgotten, the client's tokens for the account die and a back-channel
// logout is queued, in one transaction.
func (s *Service) RevokeApp(ctx context.Context, clientID pulid.ID) error {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return errUnauthenticated()
	}
	now := s.now()
	return s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		sys := viewer.System(ctx)
		n, err := tx.Client.OIDCGrant.Update().
			Where(oidcgrant.AccountID(v.AccountID), oidcgrant.ClientID(clientID), oidcgrant.RevokedAtIsNil()).
			SetRevokedAt(now).SetUpdatedAt(now).Save(sys)
		if err != nil {
			return fmt.Errorf("sso: revoke grant: %w", err)
		}
		if n == 0 {
			return refusal.New(refusal.NotFound, "Không tìm thấy hệ thống đã liên kết.", "Connected system not found.").OnField("clientID")
		}
		if _, err := s.revokeInTx(ctx, tx, now, "app_revoked", v.AccountID, clientID,
			oidctoken.AccountID(v.AccountID), oidctoken.ClientID(clientID)); err != nil {
			return err
		}
		if err := s.queueLogout(ctx, tx, now, v.AccountID, clientID, ReasonAppRevoked); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{
			Action: "oidc.grant_revoked", TargetType: "Account", TargetID: string(v.AccountID),
			Detail: map[string]any{"clientID": string(clientID)},
		})
	})
}

// TerminateSessionFromRequest is RP-initiated logout: the RP's tokens for
// the account die, and the browser's motcua session ends when it belongs
// to that account (or no id_token_hint names one). The redirect is the
// RP's registered post-logout URI, already checked by the library, or the
// issuer's home.
func (st storage) TerminateSessionFromRequest(ctx context.Context, req *op.EndSessionRequest) (string, error) {
	s := st.s
	v := viewer.FromContext(ctx)
	if req.UserID != "" && req.ClientID != "" {
		if err := s.revokeWhere(ctx, "end_session", pulid.ID(req.UserID), pulid.ID(req.ClientID),
			oidctoken.AccountID(pulid.ID(req.UserID)), oidctoken.ClientID(pulid.ID(req.ClientID))); err != nil {
			return "", err
		}
	}
	if v.SignedIn() && (req.UserID == "" || req.UserID == string(v.AccountID)) && s.signOut != nil {
		if err := s.signOut(ctx); err != nil {
			return "", err
		}
	}
	return req.RedirectURI, nil
}

// Purge deletes requests and tokens that can no longer be used (a day past
// their end, so that a late re-use is still recognised).
func (s *Service) Purge(ctx context.Context) (int, error) {
	cutoff := s.now().Add(-24 * time.Hour)
	sys := viewer.System(ctx)
	n1, err := s.db.Client.OIDCRequest.Delete().Where(oidcrequest.ExpiresAtLT(cutoff)).Exec(sys)
	if err != nil {
		return 0, fmt.Errorf("sso: purge requests: %w", err)
	}
	n2, err := s.db.Client.OIDCToken.Delete().Where(oidctoken.ExpiresAtLT(cutoff)).Exec(sys)
	if err != nil {
		return 0, fmt.Errorf("sso: purge tokens: %w", err)
	}
	return n1 + n2, nil
}
