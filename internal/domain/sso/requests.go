package sso

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/oidcgrant"
	"github.com/motcua/motcua/ent/oidcrequest"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy/viewer"
)

// Next is what the sign-in page must do next for the current viewer.
type Next string

// The steps of the sign-in page.
const (
	NextSignIn         Next = "SIGN_IN"
	NextChangePassword Next = "CHANGE_PASSWORD"
	NextConsent        Next = "CONSENT"
)

// RequestView is a pending request as the sign-in page shows it.
type RequestView struct {
	ID                pulid.ID
	ClientName        string
	ClientUnitName    string
	Scopes            []string
	LoginHint         string
	UILocales         []string
	Prompt            []string
	MaxAge            *int
	Next              Next
	ConsentRemembered bool
}

func errRequestGone() *refusal.Error {
	return refusal.New(refusal.NotFound, "Yêu cầu đăng nhập không còn hiệu lực. Vui lòng quay lại hệ thống và thử lại.",
		"The sign-in request is no longer valid. Please go back to the system and try again.")
}

// open loads a request still waiting for an answer.
func (s *Service) open(ctx context.Context, id pulid.ID) (*ent.OIDCRequest, error) {
	if len(id) > 64 {
		return nil, errRequestGone()
	}
	r, err := s.pending(ctx, id)
	if err != nil || r.DoneAt != nil || r.DeniedAt != nil || r.CodeHash != nil {
		return nil, errRequestGone() // unknown, expired or answered: all the same to the page
	}
	return r, nil
}

// signedIn is the viewer's account and session, if the session may sign
// in to a relying party (a full session of an ACTIVE account).
type signedIn struct {
	acct *ent.Account
	sess *ent.Session
}

func (s *Service) signedIn(ctx context.Context) (*signedIn, error) {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() || v.SessionID == "" {
		return nil, nil
	}
	sys := viewer.System(ctx)
	sess, err := s.db.Client.Session.Get(sys, v.SessionID)
	if err != nil {
		return nil, fmt.Errorf("sso: session: %w", err)
	}
	a, err := s.db.Client.Account.Get(sys, v.AccountID)
	if err != nil {
		return nil, fmt.Errorf("sso: account: %w", err)
	}
	return &signedIn{acct: a, sess: sess}, nil
}

// freshEnough reports whether the session's sign-in satisfies prompt=login
// (signed in after the request was made) and max_age.
func (s *Service) freshEnough(r *ent.OIDCRequest, si *signedIn) bool {
	authTime := si.sess.CreatedAt
	if slices.Contains(r.Prompt, oidc.PromptLogin) && !authTime.After(r.CreatedAt) {
		return false
	}
	if r.MaxAge != nil && s.now().Sub(authTime) > time.Duration(*r.MaxAge)*time.Second {
		return false
	}
	return true
}

// consented reports whether the account's remembered consent covers the request.
func (s *Service) consented(ctx context.Context, r *ent.OIDCRequest, acct pulid.ID) (bool, error) {
	g, err := s.db.Client.OIDCGrant.Query().
		Where(oidcgrant.AccountID(acct), oidcgrant.ClientID(r.ClientID), oidcgrant.RevokedAtIsNil()).
		Only(viewer.System(ctx))
	if ent.IsNotFound(err) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("sso: grant: %w", err)
	}
	for _, sc := range r.Scopes {
		if sc != ScopeOffline && !slices.Contains(g.Scopes, sc) {
			return false, nil
		}
	}
	return true, nil
}

// next decides the sign-in page's step for the viewer.
func (s *Service) next(ctx context.Context, r *ent.OIDCRequest) (Next, *signedIn, bool, error) {
	si, err := s.signedIn(ctx)
	if err != nil || si == nil {
		return NextSignIn, nil, false, err
	}
	if si.sess.PasswordChangeOnly || si.acct.MustChangePassword {
		return NextChangePassword, si, false, nil
	}
	if si.acct.Status != account.StatusACTIVE || !s.freshEnough(r, si) ||
		(r.HintSubject != "" && r.HintSubject != string(si.acct.ID)) {
		return NextSignIn, si, false, nil
	}
	ok, err := s.consented(ctx, r, si.acct.ID)
	return NextConsent, si, ok, err
}

// Request is the pending request id for the sign-in page; nil when it is
// unknown, expired or answered.
func (s *Service) Request(ctx context.Context, id pulid.ID) (*RequestView, error) {
	r, err := s.open(ctx, id)
	if err != nil {
		return nil, nil //nolint:nilerr // gone: the page shows "start again"
	}
	sys := viewer.System(ctx)
	c, err := s.db.Client.OIDCClient.Get(sys, r.ClientID)
	if err != nil {
		return nil, fmt.Errorf("sso: client: %w", err)
	}
	view := &RequestView{
		ID: r.ID, ClientName: c.Name, Scopes: r.Scopes, LoginHint: r.LoginHint,
		UILocales: r.UILocales, Prompt: r.Prompt, MaxAge: r.MaxAge,
	}
	if u, err := s.db.Client.Unit.Get(sys, c.UnitID); err == nil {
		view.ClientUnitName = u.Name
	}
	view.Next, _, view.ConsentRemembered, err = s.next(ctx, r)
	if err != nil {
		return nil, err
	}
	return view, nil
}

func acrOf(a *ent.Account) string {
	if a.Origin == account.OriginONE_STOP_DESK {
		return ACRDesk
	}
	return ACRSelf
}

// callbackURL is where the browser goes to get its code.
func (s *Service) callbackURL(id pulid.ID) string {
	return s.issuer + "/oidc/authorize/callback?id=" + url.QueryEscape(string(id))
}

// Approve is the viewer's consent: the request is finished for the
// viewer's account and the consent is remembered for the client and the
// scopes. It returns the URL that issues the code.
func (s *Service) Approve(ctx context.Context, id pulid.ID) (string, error) {
	r, err := s.open(ctx, id)
	if err != nil {
		return "", err
	}
	step, si, _, err := s.next(ctx, r)
	if err != nil {
		return "", err
	}
	switch {
	case si == nil:
		return "", errUnauthenticated()
	case step == NextChangePassword:
		return "", refusal.New(refusal.PasswordChangeRequired, "Bạn cần đổi mật khẩu trước khi tiếp tục.", "You must change your password first.")
	case si.acct.Status != account.StatusACTIVE:
		return "", refusal.New(refusal.Forbidden, "Tài khoản này không thể đăng nhập.", "This account cannot sign in.")
	case step == NextSignIn:
		return "", refusal.New(refusal.Unauthenticated, "Vui lòng đăng nhập lại để tiếp tục.", "Please sign in again to continue.")
	}
	if err := s.finish(ctx, r, si, true); err != nil {
		return "", err
	}
	return s.callbackURL(r.ID), nil
}

// finish marks the request done for the signed-in account and, when
// consent was given, remembers it, in one transaction.
func (s *Service) finish(ctx context.Context, r *ent.OIDCRequest, si *signedIn, consent bool) error {
	now := s.now()
	return s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		sys := viewer.System(ctx)
		n, err := tx.Client.OIDCRequest.Update().
			Where(oidcrequest.ID(r.ID), oidcrequest.DoneAtIsNil(), oidcrequest.DeniedAtIsNil()).
			SetAccountID(si.acct.ID).SetSessionID(si.sess.ID).SetAuthTime(si.sess.CreatedAt).
			SetAmr([]string{"pwd"}).SetAcr(acrOf(si.acct)).SetDoneAt(now).SetUpdatedAt(now).
			Save(sys)
		if err != nil {
			return fmt.Errorf("sso: finish request: %w", err)
		}
		if n == 0 {
			return errRequestGone()
		}
		if !consent {
			return nil
		}
		scopes := slices.DeleteFunc(slices.Clone(r.Scopes), func(s string) bool { return s == ScopeOffline })
		// Update, else create (Ent's upsert does not encode JSON columns).
		n, err = tx.Client.OIDCGrant.Update().
			Where(oidcgrant.AccountID(si.acct.ID), oidcgrant.ClientID(r.ClientID)).
			SetScopes(scopes).SetGrantedAt(now).ClearRevokedAt().SetUpdatedAt(now).Save(sys)
		if err == nil && n == 0 {
			err = tx.Client.OIDCGrant.Create().SetAccountID(si.acct.ID).SetClientID(r.ClientID).
				SetScopes(scopes).SetGrantedAt(now).SetCreatedAt(now).SetUpdatedAt(now).Exec(sys)
		}
		if err != nil {
			return fmt.Errorf("sso: remember consent: %w", err)
		}
		return audit.Record(ctx, tx, now, audit.Entry{
			Action: "oidc.consent_granted", TargetType: "Account", TargetID: string(si.acct.ID),
			Detail: map[string]any{"clientID": string(r.ClientID), "scopes": scopes},
		})
	})
}

// Deny answers the request with access_denied; it returns the RP's URL.
func (s *Service) Deny(ctx context.Context, id pulid.ID) (string, error) {
	r, err := s.open(ctx, id)
	if err != nil {
		return "", err
	}
	now := s.now()
	n, err := s.db.Client.OIDCRequest.Update().
		Where(oidcrequest.ID(r.ID), oidcrequest.DoneAtIsNil(), oidcrequest.DeniedAtIsNil()).
		SetDeniedAt(now).SetUpdatedAt(now).Save(viewer.System(ctx))
	if err != nil {
		return "", fmt.Errorf("sso: deny: %w", err)
	}
	if n == 0 {
		return "", errRequestGone()
	}
	return errorRedirect(r, oidc.ErrAccessDenied().WithDescription("the user denied the request"))
}

// errorRedirect is the RP's redirect URI (registered, checked at
// /authorize) carrying an error and the state.
func errorRedirect(r *ent.OIDCRequest, e *oidc.Error) (string, error) {
	u, err := url.Parse(r.RedirectURI)
	if err != nil {
		return "", fmt.Errorf("sso: redirect URI: %w", err)
	}
	q := u.Query()
	q.Set("error", string(e.ErrorType))
	if e.Description != "" {
		q.Set("error_description", e.Description)
	}
	if r.State != "" {
		q.Set("state", r.State)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
