package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/password"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy/viewer"
)

// SignInResult is a successful sign-in.
type SignInResult struct {
	// Token is the session token, for the cookie or the Authorization header.
	Token  string
	Viewer *viewer.Viewer
	// MustChangePassword: the session may only change the password.
	MustChangePassword bool
	// ExpiresAt is the session's absolute expiry (for the cookie).
	ExpiresAt time.Time
	// Me is what Me answers the new session's viewer, sessions included,
	// built from the rows the sign-in read (SignInPayload.viewer).
	Me *Me
}

// SignIn checks a login (ID number or phone, any accepted spelling) and
// password and opens a session.
//
// Before any hashing, the attempt is reserved under the client address and
// the login (reserve): at most accountLimit.max passwords are checked per
// login and ipLimit.max per address in a window, however many requests
// arrive at once, and once a limit is reached every attempt answers
// RATE_LIMITED with when to retry, the right password included. A right
// password gives its attempts back (the login's are forgotten, as before).
//
// Refusals: RATE_LIMITED while the login or the client address is locked;
// UNAUTHENTICATED for an unknown login, a wrong password or an account
// without a password, always the same; and, only after the right password,
// FORBIDDEN for a LOCKED or NOT_ACTIVATED account and INVALID_STATE for an
// initial password already used or past its expiry. An initial password
// (must_change_password with initial_password_expires_at set) works once: the
// sign-in spends it and its session may only change the password; so does
// any session of an account that must change its password.
func (s *Service) SignIn(ctx context.Context, loginText, pw string) (SignInResult, error) {
	now := s.now()
	l, err := s.resolveLogin(ctx, s.db.Client, loginText)
	if err != nil {
		return SignInResult{}, err
	}
	ip := ipKey(requestinfo.FromContext(ctx).ClientIP)
	// Reserved the same way whether the login names an account or not.
	taken, err := s.reserve(ctx, now, throttled{ip, s.ipLimit}, throttled{l.key, s.accountLimit})
	if err != nil {
		return SignInResult{}, err
	}
	ok, err := s.checkPassword(ctx, l.acct, pw)
	if err != nil {
		return SignInResult{}, err
	}
	if !ok {
		f := failure{acct: l.acct, login: taken.of(l.key), ip: taken.of(ip), action: "auth.sign_in_failed", answer: errWrongCredentials()}
		switch {
		case l.acct == nil:
			f.reason = "unknown_login"
		case l.acct.PasswordHash == "":
			f.reason = "no_password"
		default:
			f.reason = "wrong_password"
		}
		if l.acct != nil {
			if f.unitPath, err = unitPathOf(ctx, s.db.Client, l.acct); err != nil {
				return SignInResult{}, err
			}
		}
		return SignInResult{}, s.fail(ctx, now, f)
	}
	return s.open(ctx, now, l, taken.of(ip), taken.of(l.key))
}

// checkPassword verifies pw against the account's hash; with no account or
// no password it runs a dummy check that takes as long and answers false.
func (s *Service) checkPassword(ctx context.Context, acct *ent.Account, pw string) (bool, error) {
	if acct == nil || acct.PasswordHash == "" {
		s.hasher.DummyVerify(ctx)
		if err := context.Cause(ctx); err != nil {
			return false, fmt.Errorf("auth: check password: %w", err)
		}
		return false, nil
	}
	ok, err := s.hasher.Verify(ctx, acct.PasswordHash, pw)
	if errors.Is(err, password.ErrMalformedHash) {
		// A broken stored hash is a data fault to fix, but to the person
		// signing in it must look like any wrong password.
		slog.Error("auth: stored password hash is malformed", "account", acct.ID)
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("auth: check password: %w", err)
	}
	return ok, nil
}

// open finishes a sign-in whose password was right; ipAttempt and
// loginAttempt are the attempts reserved for it, given back here.
// Long because every way a right password can still be refused is checked
// here in the order the rules give, each giving the attempts back; it is
// left whole while sign-in is being reshaped.
func (s *Service) open(ctx context.Context, now time.Time, l login, ipAttempt, loginAttempt attempt) (SignInResult, error) {
	acct := l.acct
	path, err := unitPathOf(ctx, s.db.Client, acct)
	if err != nil {
		return SignInResult{}, err
	}
	refuse := func(reason string, answer error) (SignInResult, error) {
		err := s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
			// The right password is no failed guess, whatever the
			// account's state.
			if err := releaseTx(ctx, tx, now, ipAttempt, loginAttempt); err != nil {
				return err
			}
			return audit.Record(ctx, tx, now, audit.Entry{
				Action: "auth.sign_in_refused", TargetType: "Account", TargetID: string(acct.ID), UnitPath: path,
				Detail: map[string]any{"reason": reason},
			})
		})
		if err != nil {
			return SignInResult{}, errors.Join(answer, err)
		}
		return SignInResult{}, answer
	}
	switch acct.Status {
	case account.StatusLOCKED:
		return refuse("account_locked", errAccountLocked())
	case account.StatusNOT_ACTIVATED:
		return refuse("account_not_activated", errAccountNotActivated())
	}
	initial := acct.MustChangePassword && acct.InitialPasswordExpiresAt != nil
	if initial && (acct.InitialPasswordUsedAt != nil || !now.Before(*acct.InitialPasswordExpiresAt)) {
		reason := "initial_password_expired"
		if acct.InitialPasswordUsedAt != nil {
			reason = "initial_password_used"
		}
		return refuse(reason, errInitialPasswordSpent())
	}

	v, o, err := loadViewer(ctx, s.db.Client, s.authz, acct.ID, "")
	if err != nil {
		return SignInResult{}, err
	}
	var res SignInResult
	err = s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		sys := viewer.System(ctx)
		if initial {
			// Spend the initial password; of two sign-ins racing with it,
			// one opens a session.
			n, err := tx.Client.Account.Update().
				Where(account.ID(acct.ID), account.InitialPasswordUsedAtIsNil()).
				SetInitialPasswordUsedAt(now).
				Save(sys)
			if err != nil {
				return fmt.Errorf("auth: spend initial password: %w", err)
			}
			if n == 0 {
				return errInitialPasswordSpent()
			}
		}
		if err := releaseTx(ctx, tx, now, ipAttempt); err != nil {
			return err
		}
		if err := clearKey(ctx, tx, now, l.key); err != nil {
			return err
		}
		sess, token, err := createSession(ctx, tx, now, acct.ID, v.OfficerID != "", acct.MustChangePassword)
		if err != nil {
			return err
		}
		res = SignInResult{Token: token, Viewer: v, MustChangePassword: acct.MustChangePassword, ExpiresAt: sess.ExpiresAt}
		v.SessionID, v.PasswordChangeOnly = sess.ID, sess.PasswordChangeOnly
		return audit.Record(viewer.NewContext(ctx, v), tx, now, audit.Entry{
			Action: "auth.sign_in", TargetType: "Session", TargetID: string(sess.ID), UnitPath: path,
			Detail: map[string]any{"passwordChangeOnly": sess.PasswordChangeOnly, "initialPassword": initial},
		})
	})
	if refusal.Is(err, refusal.InvalidState) {
		// The initial password went to a sign-in racing with this one:
		// still the right password, so its attempts are given back.
		if rerr := s.release(ctx, now, ipAttempt, loginAttempt); rerr != nil {
			return SignInResult{}, errors.Join(err, rerr)
		}
	}
	if err != nil {
		return SignInResult{}, err
	}
	if initial {
		acct.InitialPasswordUsedAt = &now
	}
	if res.Me, err = s.meOf(viewer.NewContext(ctx, v), v, acct, o, true); err != nil {
		return SignInResult{}, err
	}
	return res, nil
}
