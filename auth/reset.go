package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"entgo.io/ent/dialect"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/oidcbackchanneldelivery"
	"github.com/motcua/motcua/ent/otpchallenge"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/smsmessage"
	"github.com/motcua/motcua/otp"
	"github.com/motcua/motcua/password"
	"github.com/motcua/motcua/refusal"
	"github.com/motcua/motcua/requestinfo"
	"github.com/motcua/motcua/smsqueue"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/viewer"
)

// Outcomes of a reset request, written to the audit trail (the caller is
// always told the same thing).
const (
	resetSent              = "sent"
	resetUnknownLogin      = "unknown_login"
	resetAccountLocked     = "account_locked"
	resetAccountNotActive  = "account_not_activated"
	resetRateLimited       = "otp_rate_limited"
	resetResendTooSoon     = "otp_resend_too_soon"
	resetClientRateLimited = "client_rate_limited"
)

// RequestPasswordReset sends a RESET_OTP SMS to the phone of the ACTIVE
// account the login names (imported accounts without a password included),
// within the OTP rules shared with registration (otp.Policy.CheckSend over
// every code sent to that phone). Whatever happens — unknown login, LOCKED
// or NOT_ACTIVATED account, caps reached, too many requests from this client
// address — the answer is nil and the call takes at least resetFloor, so
// that neither the answer nor its timing tells whether an account exists.
// Why nothing was sent is in the audit trail. It returns an error only when
// the database fails.
func (s *Service) RequestPasswordReset(ctx context.Context, loginText string) error {
	// Wall-clock time, not s.now: the floor is about how long the request
	// takes, whatever the business clock says.
	start := time.Now()
	err := s.requestReset(ctx, loginText)
	if pad := s.resetFloor - time.Since(start); pad > 0 {
		if serr := s.sleep(ctx, pad); serr != nil && err == nil {
			err = fmt.Errorf("auth: request password reset: %w", serr)
		}
	}
	return err
}

func (s *Service) requestReset(ctx context.Context, loginText string) error {
	now := s.now()
	l, err := s.resolveLogin(ctx, s.db.Client, loginText)
	if err != nil {
		return err
	}
	ip := ipKey(requestinfo.FromContext(ctx).ClientIP)
	return s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		outcome, err := s.resetOutcome(ctx, tx, now, l, ip)
		if err != nil {
			return err
		}
		e := audit.Entry{Action: "auth.password_reset_requested", TargetType: "Login", Detail: map[string]any{"outcome": outcome}}
		if l.acct != nil {
			e.TargetType, e.TargetID = "Account", string(l.acct.ID)
			if e.UnitPath, err = unitPathOf(ctx, tx.Client, l.acct); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, e)
	})
}

// resetOutcome decides, and sends the code when it may.
func (s *Service) resetOutcome(ctx context.Context, tx *store.Tx, now time.Time, l login, ip string) (string, error) {
	if ip != "" {
		key := "reset-" + ip
		until, err := lockedUntil(ctx, tx.Client, now, key)
		if err != nil {
			return "", err
		}
		if !until.IsZero() {
			return resetClientRateLimited, nil
		}
		if _, _, err := count(ctx, tx, now, key, s.resetIPLimit); err != nil {
			return "", err
		}
	}
	switch {
	case l.acct == nil:
		return resetUnknownLogin, nil
	case l.acct.Status == account.StatusLOCKED:
		return resetAccountLocked, nil
	case l.acct.Status == account.StatusNOT_ACTIVATED:
		return resetAccountNotActive, nil
	}
	return s.sendResetCode(ctx, tx, now, l.acct)
}

// sendResetCode sends a new code unless the OTP caps forbid it; the new
// code supersedes the account's earlier ones in the same transaction.
func (s *Service) sendResetCode(ctx context.Context, tx *store.Tx, now time.Time, acct *ent.Account) (string, error) {
	sys := viewer.System(ctx)
	// Two requests for one account at once: the second waits here, then
	// sees the first one's code and its cooldown.
	if tx.Dialect == dialect.Postgres {
		if _, err := tx.Client.Account.Query().Where(account.ID(acct.ID)).ForUpdate().Only(sys); err != nil {
			return "", fmt.Errorf("auth: reset: lock account: %w", err)
		}
	}
	// Every code sent to this phone in the last day, registration codes
	// included: the caps are per phone.
	recent, err := tx.Client.OTPChallenge.Query().
		Where(otpchallenge.Phone(acct.Phone)).
		Order(ent.Desc(otpchallenge.FieldCreatedAt)).
		Limit(max(s.otpPolicy.MaxPerDay, s.otpPolicy.MaxPerHour) + 1).
		All(sys)
	if err != nil {
		return "", fmt.Errorf("auth: reset: recent codes: %w", err)
	}
	var sends []time.Time
	var lastForAccount time.Time
	for _, c := range recent {
		if now.Sub(c.CreatedAt) < 24*time.Hour {
			sends = append(sends, c.CreatedAt)
		}
	}
	last, err := latestResetChallenge(ctx, tx.Client, acct.ID)
	if err != nil {
		return "", err
	}
	if last != nil {
		lastForAccount = last.CreatedAt
	}
	if err := s.otpPolicy.CheckSend(now, lastForAccount, sends); err != nil {
		if refusal.Is(err, refusal.RateLimited) {
			return resetRateLimited, nil
		}
		if refusal.Is(err, refusal.OTPResendTooSoon) {
			return resetResendTooSoon, nil
		}
		return "", err
	}

	_, err = tx.Client.OTPChallenge.Update().
		Where(otpchallenge.SubjectID(string(acct.ID)), otpchallenge.PurposeEQ(otpchallenge.PurposeRESET),
			otpchallenge.ConsumedAtIsNil(), otpchallenge.Superseded(false)).
		SetSuperseded(true).SetUpdatedAt(now).
		Save(sys)
	if err != nil {
		return "", fmt.Errorf("auth: reset: supersede: %w", err)
	}
	code, err := otp.Generate()
	if err != nil {
		return "", err
	}
	expires := now.Add(s.otpPolicy.TTL)
	err = tx.Client.OTPChallenge.Create().
		SetPurpose(otpchallenge.PurposeRESET).
		SetSubjectID(string(acct.ID)).
		SetPhone(acct.Phone).
		SetCodeHash(s.otp.Hash(otp.PurposeReset, string(acct.ID), code)).
		SetExpiresAt(expires).
		SetCreatedAt(now).SetUpdatedAt(now).
		Exec(sys)
	if err != nil {
		return "", fmt.Errorf("auth: reset: challenge: %w", err)
	}
	path, err := unitPathOf(ctx, tx.Client, acct)
	if err != nil {
		return "", err
	}
	id := acct.ID
	_, err = s.outbox.Enqueue(ctx, tx, smsqueue.Outgoing{
		Kind: smsmessage.KindRESET_OTP, Phone: acct.Phone,
		Body:       otp.SMSText(otp.PurposeReset, code, s.otpPolicy.TTL),
		SendBefore: &expires, AccountID: &id, UnitPath: path,
	})
	if err != nil {
		return "", fmt.Errorf("auth: reset: enqueue: %w", err)
	}
	return resetSent, nil
}

// latestResetChallenge is the account's newest reset code, nil if none.
func latestResetChallenge(ctx context.Context, client *ent.Client, accountID pulid.ID) (*ent.OTPChallenge, error) {
	c, err := client.OTPChallenge.Query().
		Where(otpchallenge.SubjectID(string(accountID)), otpchallenge.PurposeEQ(otpchallenge.PurposeRESET)).
		Order(ent.Desc(otpchallenge.FieldCreatedAt), ent.Desc(otpchallenge.FieldID)).
		First(viewer.System(ctx))
	switch {
	case ent.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("auth: reset: latest code: %w", err)
	}
	return c, nil
}

// challengeOf is c as otp.Policy.Verdict reads it.
func challengeOf(c *ent.OTPChallenge) otp.Challenge {
	return otp.Challenge{Hash: c.CodeHash, ExpiresAt: c.ExpiresAt, Attempts: c.Attempts, Superseded: c.Superseded, Consumed: c.ConsumedAt != nil}
}

// ResetPassword sets a new password with the latest reset code sent for
// the login's account.
//
// Every submission takes one of the code's attempts before the code is
// compared (a conditional UPDATE), so no burst of parallel guesses gets more
// than otp.Policy.MaxAttempts tries; a right code whose new password fails
// password.Check gives its attempt back, and so does one of the account's
// earlier codes (answered OTP_SUPERSEDED: the person typed the previous SMS). The new password is checked only
// after the code matched: the rules mention the account's own data, and a
// stranger must not learn that a name or birth date belongs to it. The code
// is consumed by a conditional UPDATE (consumed_at IS NULL AND NOT
// superseded) in the transaction that sets the password, so of two
// submissions of one code exactly one wins.
//
// An unknown login, an account that is not ACTIVE and an account that was
// sent no code all answer OTP_EXPIRED, as a code that no longer counts.
// Wrong codes count against the client address like failed sign-ins.
// Success revokes every session of the account (but the caller's own, if
// the caller is signed in to it), clears its sign-in lock (the code proves
// the phone), and sends a PASSWORD_CHANGED SMS.
func (s *Service) ResetPassword(ctx context.Context, loginText, code, next string) error {
	now := s.now()
	ip := ipKey(requestinfo.FromContext(ctx).ClientIP)
	until, err := lockedUntil(ctx, s.db.Client, now, ip)
	if err != nil {
		return err
	}
	if !until.IsZero() {
		return errThrottled(until)
	}
	l, err := s.resolveLogin(ctx, s.db.Client, loginText)
	if err != nil {
		return err
	}
	var ch *ent.OTPChallenge
	if l.acct != nil && l.acct.Status == account.StatusACTIVE {
		if ch, err = latestResetChallenge(ctx, s.db.Client, l.acct.ID); err != nil {
			return err
		}
	}
	if ch == nil {
		return s.rejectCode(ctx, now, l, ip, "no_code", s.noCode(now))
	}
	// Everything that does not depend on the code first.
	if err := s.otpPolicy.Verdict(now, challengeOf(ch), true); err != nil {
		return err
	}
	sys := viewer.System(ctx)
	n, err := s.db.Client.OTPChallenge.Update().
		Where(otpchallenge.ID(ch.ID), otpchallenge.ConsumedAtIsNil(), otpchallenge.Superseded(false),
			otpchallenge.AttemptsLT(s.otpPolicy.MaxAttempts)).
		AddAttempts(1).SetUpdatedAt(now).
		Save(sys)
	if err != nil {
		return fmt.Errorf("auth: reset: count attempt: %w", err)
	}
	if n == 0 {
		// Used, replaced or out of attempts since it was read.
		return s.verdictNow(ctx, now, ch.ID)
	}
	if !s.otp.Equal(ch.CodeHash, otp.PurposeReset, string(l.acct.ID), code) {
		superseded, err := s.isSupersededCode(ctx, l.acct.ID, ch.ID, code)
		if err != nil {
			return err
		}
		if superseded {
			// An honest mistake (the previous SMS), not a guess: the
			// attempt is given back.
			if err := s.giveAttemptBack(ctx, ch.ID); err != nil {
				return err
			}
			return s.otpPolicy.Verdict(now, otp.Challenge{Superseded: true}, true)
		}
		ch, err = s.db.Client.OTPChallenge.Get(sys, ch.ID)
		if err != nil {
			return fmt.Errorf("auth: reset: %w", err)
		}
		// The attempt just taken is this wrong try: Verdict counts it itself.
		c := challengeOf(ch)
		c.Attempts--
		return s.rejectCode(ctx, now, l, ip, "wrong_code", s.otpPolicy.Verdict(now, c, false))
	}
	if err := password.Check(next, factsOf(l.acct)); err != nil {
		if gerr := s.giveAttemptBack(ctx, ch.ID); gerr != nil {
			return errors.Join(err, gerr)
		}
		return err
	}
	hash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return fmt.Errorf("auth: reset: %w", err)
	}
	return s.finishReset(ctx, now, l.acct, ch.ID, hash)
}

// giveAttemptBack undoes the attempt a submission took.
func (s *Service) giveAttemptBack(ctx context.Context, id pulid.ID) error {
	_, err := s.db.Client.OTPChallenge.Update().
		Where(otpchallenge.ID(id), otpchallenge.AttemptsGT(0)).
		AddAttempts(-1).
		Save(viewer.System(ctx))
	if err != nil {
		return fmt.Errorf("auth: reset: give attempt back: %w", err)
	}
	return nil
}

// isSupersededCode reports whether code is one of the few reset codes sent
// to the account before the latest (latestID).
func (s *Service) isSupersededCode(ctx context.Context, accountID, latestID pulid.ID, code string) (bool, error) {
	earlier, err := s.db.Client.OTPChallenge.Query().
		Where(otpchallenge.SubjectID(string(accountID)), otpchallenge.PurposeEQ(otpchallenge.PurposeRESET),
			otpchallenge.IDNEQ(latestID), otpchallenge.Superseded(true)).
		Order(ent.Desc(otpchallenge.FieldCreatedAt)).
		Limit(s.otpPolicy.MaxPerDay).
		All(viewer.System(ctx))
	if err != nil {
		return false, fmt.Errorf("auth: reset: earlier codes: %w", err)
	}
	for _, c := range earlier {
		if s.otp.Equal(c.CodeHash, otp.PurposeReset, string(accountID), code) {
			return true, nil
		}
	}
	return false, nil
}

// finishReset consumes the code and sets the password, in one transaction.
func (s *Service) finishReset(ctx context.Context, now time.Time, acct *ent.Account, challengeID pulid.ID, hash string) error {
	v := viewer.FromContext(ctx)
	keep := pulid.ID("")
	if v.SignedIn() && v.AccountID == acct.ID {
		keep = v.SessionID
	}
	return s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		sys := viewer.System(ctx)
		n, err := tx.Client.OTPChallenge.Update().
			Where(otpchallenge.ID(challengeID), otpchallenge.ConsumedAtIsNil(), otpchallenge.Superseded(false)).
			SetConsumedAt(now).SetUpdatedAt(now).
			Save(sys)
		if err != nil {
			return fmt.Errorf("auth: reset: consume code: %w", err)
		}
		if n == 0 {
			return s.verdictNow(ctx, now, challengeID)
		}
		n, err = tx.Client.Account.Update().
			Where(account.ID(acct.ID), account.StatusEQ(account.StatusACTIVE)).
			SetPasswordHash(hash).
			SetMustChangePassword(false).
			ClearInitialPasswordExpiresAt().
			ClearInitialPasswordUsedAt().
			SetUpdatedAt(now).
			Save(sys)
		if err != nil {
			return fmt.Errorf("auth: reset: set password: %w", err)
		}
		if n == 0 {
			// Locked by an admin since the code was sent.
			return s.noCode(now)
		}
		ids, err := openSessions(ctx, tx.Client, acct.ID, keep)
		if err != nil {
			return err
		}
		if err := s.revoke(ctx, tx, now, ids); err != nil {
			return err
		}
		if err := s.revokeElsewhere(ctx, tx, acct.ID, oidcbackchanneldelivery.ReasonPASSWORD_RESET); err != nil {
			return err
		}
		if err := clearKey(ctx, tx, now, accountKey(acct.ID)); err != nil {
			return err
		}
		path, err := unitPathOf(ctx, tx.Client, acct)
		if err != nil {
			return err
		}
		if err := s.notifyChanged(ctx, tx, now, acct, path); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{
			Action: "auth.password_reset", TargetType: "Account", TargetID: string(acct.ID), UnitPath: path,
			Detail: map[string]any{"sessionsRevoked": len(ids)},
		})
	})
}

// noCode is the answer when there is no code to check: that of an expired
// code, which tells the person to ask for a new one.
func (s *Service) noCode(now time.Time) error {
	return s.otpPolicy.Verdict(now, otp.Challenge{ExpiresAt: now}, false)
}

// verdictNow re-reads a challenge and says why it no longer counts.
func (s *Service) verdictNow(ctx context.Context, now time.Time, id pulid.ID) error {
	c, err := s.db.Client.OTPChallenge.Get(viewer.System(ctx), id)
	if err != nil {
		return fmt.Errorf("auth: reset: %w", err)
	}
	if err := s.otpPolicy.Verdict(now, challengeOf(c), true); err != nil {
		return err
	}
	// Still valid when re-read: the only way here is a race lost to
	// another submission; say so as a used code.
	return s.otpPolicy.Verdict(now, otp.Challenge{Consumed: true}, true)
}

// rejectCode records a rejected reset submission (audit, the client
// address's failure count) and returns answer.
func (s *Service) rejectCode(ctx context.Context, now time.Time, l login, ip, reason string, answer error) error {
	err := s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		e := audit.Entry{Action: "auth.password_reset_failed", TargetType: "Login", Detail: map[string]any{"reason": reason}}
		if l.acct != nil {
			e.TargetType, e.TargetID = "Account", string(l.acct.ID)
			var err error
			if e.UnitPath, err = unitPathOf(ctx, tx.Client, l.acct); err != nil {
				return err
			}
		}
		if ip != "" {
			n, locked, err := count(ctx, tx, now, ip, s.ipLimit)
			if err != nil {
				return err
			}
			e.Detail["clientFailures"] = n
			if !locked.IsZero() {
				if err := audit.Record(ctx, tx, now, audit.Entry{
					Action: "auth.sign_in_locked", TargetType: "ClientAddress",
					Detail: map[string]any{"scope": "ip", "until": locked.UTC().Format(time.RFC3339), "failures": n},
				}); err != nil {
					return err
				}
			}
		}
		return audit.Record(ctx, tx, now, e)
	})
	if err != nil {
		return err
	}
	return answer
}
