package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"entgo.io/ent/dialect"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/oidcbackchanneldelivery"
	"github.com/motcua/motcua/ent/otpchallenge"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/smsqueue"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/otp"
	"github.com/motcua/motcua/internal/rules/password"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy/viewer"
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
// Where no SMS may go (unknown login, LOCKED or NOT_ACTIVATED account), a
// decoy challenge is stored instead, under the same send rules, so that
// ResetPassword answers it exactly as it answers a real code (sendDecoy).
// Why nothing was sent is in the audit trail. It returns an error only when
// the database fails.
func (s *Service) RequestPasswordReset(ctx context.Context, loginText string) error {
	return s.atLeast(ctx, s.resetFloor, func() error { return s.requestReset(ctx, loginText) })
}

// atLeast runs fn and then waits out the rest of floor, so that whatever fn
// found and did, the call takes the same time. Wall-clock time, not s.now:
// the floor is about how long the request takes, whatever the business
// clock says.
func (s *Service) atLeast(ctx context.Context, floor time.Duration, fn func() error) error {
	start := time.Now()
	err := fn()
	if pad := floor - time.Since(start); pad > 0 {
		if serr := s.sleep(ctx, pad); serr != nil && err == nil {
			err = fmt.Errorf("auth: time floor: %w", serr)
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
	return audit.Write(ctx, s.db, nil, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
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
		c.Record(now, e)
		return nil
	})
}

// resetOutcome decides, and sends the code (or a decoy) when it may.
func (s *Service) resetOutcome(ctx context.Context, tx *store.Tx, now time.Time, l login, ip string) (string, error) {
	if ip != "" {
		_, err := reserveTx(ctx, tx, now, throttled{"reset-" + ip, s.resetIPLimit})
		if refusal.Is(err, refusal.RateLimited) {
			return resetClientRateLimited, nil
		}
		if err != nil {
			return "", err
		}
	}
	outcome := ""
	switch {
	case l.acct == nil:
		outcome = resetUnknownLogin
	case l.acct.Status == account.StatusLOCKED:
		outcome = resetAccountLocked
	case l.acct.Status == account.StatusNOT_ACTIVATED:
		outcome = resetAccountNotActive
	default:
		return s.sendResetCode(ctx, tx, now, l.acct)
	}
	return outcome, s.sendDecoy(ctx, tx, now, resetSubject(l))
}

// resetSubject is the subject_id of a login's reset codes: the account's
// id, or for a login that names no account its throttle key (a keyed hash,
// never the ID number or phone in clear).
func resetSubject(l login) string {
	if l.acct != nil {
		return string(l.acct.ID)
	}
	return l.key
}

// decoyLockClass is the first key of the PostgreSQL advisory lock that
// serialises decoy sends for one subject (a real send locks the account).
const decoyLockClass = 7_286_011

// sendDecoy stores a challenge that no code matches (an empty code_hash,
// never the HMAC of anything) for a login that may not be sent one, under
// the rules of a real send: the resend cooldown for the subject and the
// hourly and daily caps, counted over the subject's own decoys since there
// is no phone to count over. ResetPassword then treats it like any other
// code: the same attempts, the same OTP_INVALID with attemptsLeft, the same
// OTP_TOO_MANY_ATTEMPTS and OTP_EXPIRED, so that a wrong code does not tell
// an unknown login from an existing one. No SMS is written; the phone is
// empty, so no real phone's caps count it.
func (s *Service) sendDecoy(ctx context.Context, tx *store.Tx, now time.Time, subject string) error {
	sys := viewer.System(ctx)
	if tx.Dialect == dialect.Postgres {
		if _, err := tx.SQL.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, decoyLockClass, subject); err != nil {
			return fmt.Errorf("auth: reset: lock decoy: %w", err)
		}
	}
	recent, err := tx.Client.OTPChallenge.Query().
		Where(otpchallenge.SubjectID(subject), otpchallenge.PurposeEQ(otpchallenge.PurposeRESET),
			otpchallenge.CreatedAtGT(now.Add(-24*time.Hour))).
		Order(ent.Desc(otpchallenge.FieldCreatedAt)).
		All(sys)
	if err != nil {
		return fmt.Errorf("auth: reset: recent decoys: %w", err)
	}
	var sends []time.Time
	var last time.Time
	for _, c := range recent {
		sends = append(sends, c.CreatedAt)
		last = later(last, c.CreatedAt)
	}
	if s.otpPolicy.CheckSend(now, last, sends) != nil {
		return nil // as a real send refused by the caps: the old one stays
	}
	_, err = tx.Client.OTPChallenge.Update().
		Where(otpchallenge.SubjectID(subject), otpchallenge.PurposeEQ(otpchallenge.PurposeRESET),
			otpchallenge.ConsumedAtIsNil(), otpchallenge.Superseded(false)).
		SetSuperseded(true).SetUpdatedAt(now).
		Save(sys)
	if err != nil {
		return fmt.Errorf("auth: reset: supersede: %w", err)
	}
	err = tx.Client.OTPChallenge.Create().
		SetPurpose(otpchallenge.PurposeRESET).
		SetSubjectID(subject).
		SetPhone("").
		SetCodeHash(decoyCodeHash).
		SetExpiresAt(now.Add(s.otpPolicy.TTL)).
		SetCreatedAt(now).SetUpdatedAt(now).
		Exec(sys)
	if err != nil {
		return fmt.Errorf("auth: reset: decoy: %w", err)
	}
	return nil
}

// decoyCodeHash is the code_hash of a decoy: otp.Hasher.Equal compares
// against a 64-character HMAC, which never equals it.
const decoyCodeHash = ""

// resetCodeForbidden locks the account for a new reset code and checks the
// OTP caps: it returns the outcome when they forbid one, "" when it may be
// sent.
func (s *Service) resetCodeForbidden(ctx context.Context, tx *store.Tx, now time.Time, acct *ent.Account) (string, error) {
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
	last, err := latestResetChallenge(ctx, tx.Client, string(acct.ID))
	if err != nil {
		return "", err
	}
	if last != nil {
		lastForAccount = last.CreatedAt
	}
	err = s.otpPolicy.CheckSend(now, lastForAccount, sends)
	switch {
	case refusal.Is(err, refusal.RateLimited):
		return resetRateLimited, nil
	case refusal.Is(err, refusal.OTPResendTooSoon):
		return resetResendTooSoon, nil
	}
	return "", err
}

// sendResetCode sends a new code unless the OTP caps forbid it; the new
// code supersedes the account's earlier ones in the same transaction.
func (s *Service) sendResetCode(ctx context.Context, tx *store.Tx, now time.Time, acct *ent.Account) (string, error) {
	sys := viewer.System(ctx)
	if outcome, err := s.resetCodeForbidden(ctx, tx, now, acct); outcome != "" || err != nil {
		return outcome, err
	}
	_, err := tx.Client.OTPChallenge.Update().
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
		Kind: sms.ResetOTP, Phone: acct.Phone,
		Body:       otp.SMSText(otp.PurposeReset, code, s.otpPolicy.TTL),
		SendBefore: &expires, AccountID: &id, UnitPath: path,
	})
	if err != nil {
		return "", fmt.Errorf("auth: reset: enqueue: %w", err)
	}
	return resetSent, nil
}

// latestResetChallenge is the subject's newest reset code (resetSubject),
// real or decoy, nil if none.
func latestResetChallenge(ctx context.Context, client *ent.Client, subject string) (*ent.OTPChallenge, error) {
	c, err := client.OTPChallenge.Query().
		Where(otpchallenge.SubjectID(subject), otpchallenge.PurposeEQ(otpchallenge.PurposeRESET)).
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
// Every submission takes one of the code's attempts, and one of the client
// address's (ipLimit, shared with sign-in), in one transaction before the
// code is compared (a conditional UPDATE of the code, then reserveTx), so no
// burst of parallel guesses gets more than otp.Policy.MaxAttempts tries at a
// code or ipLimit.max at the codes of many logins; past either, every
// submission is refused without comparing, the right code included. A right
// code whose new password fails password.Check gives its attempts back, and
// so does one of the account's earlier codes (answered OTP_SUPERSEDED: the
// person typed the previous SMS). The new password is checked only after
// the code matched: the rules mention the account's own data, and a
// stranger must not learn that a name or birth date belongs to it. The code
// is consumed by a conditional UPDATE (consumed_at IS NULL AND NOT
// superseded) in the transaction that sets the password, so of two
// submissions of one code exactly one wins.
//
// Until the right code is entered the answers do not tell whether the login
// names an account, nor in which state: an unknown login, a LOCKED or
// NOT_ACTIVATED account and an ACTIVE one were all given a challenge by
// RequestPasswordReset (a decoy where no SMS may go), judged here by the
// same rules, so the code, messages and extensions (attemptsLeft, then
// OTP_TOO_MANY_ATTEMPTS, then OTP_EXPIRED) follow each other alike; a login
// with no challenge, or whose latest one was already used, answers
// OTP_EXPIRED. Every call takes at least resetFloor, so timing does not tell
// either.
//
// Success revokes every session of the account (but the caller's own, if
// the caller is signed in to it), clears its sign-in lock (the code proves
// the phone), and sends a PASSWORD_CHANGED SMS.
func (s *Service) ResetPassword(ctx context.Context, loginText, code, next string) error {
	return s.atLeast(ctx, s.resetFloor, func() error { return s.resetPassword(ctx, loginText, code, next) })
}

func (s *Service) resetPassword(ctx context.Context, loginText, code, next string) error {
	now := s.now()
	ip := ipKey(requestinfo.FromContext(ctx).ClientIP)
	// A quick refusal for a locked address; reserving below is what holds
	// under concurrency.
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
	subject := resetSubject(l)
	ch, err := latestResetChallenge(ctx, s.db.Client, subject)
	if err != nil {
		return err
	}
	if ch == nil || ch.ConsumedAt != nil {
		// A used code counts no more than none: "already used" would tell
		// that the account exists and was reset.
		return s.rejectNoCode(ctx, now, l, ip)
	}
	// Everything that does not depend on the code first.
	if err := s.otpPolicy.Verdict(now, challengeOf(ch), true); err != nil {
		return err
	}
	taken, ipAttempt, err := s.takeCodeAttempt(ctx, now, ch.ID, ip)
	if err != nil {
		return err
	}
	// A decoy's hash matches nothing, and only an account's code may
	// reset a password.
	if !s.otp.Equal(ch.CodeHash, otp.PurposeReset, subject, code) || l.acct == nil {
		return s.wrongCode(ctx, now, l, taken, code, ipAttempt)
	}
	if err := password.Check(next, factsOf(l.acct)); err != nil {
		if gerr := s.giveAttemptBack(ctx, now, ch.ID, ipAttempt); gerr != nil {
			return errors.Join(err, gerr)
		}
		return err
	}
	hash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return fmt.Errorf("auth: reset: %w", err)
	}
	if err := s.finishReset(ctx, now, l.acct, ch.ID, hash); err != nil {
		return err
	}
	// The right code is no failed guess. In a transaction of its own: the
	// reset's holds the code and the account, which come first in the lock
	// order.
	return s.release(ctx, now, ipAttempt)
}

// wrongCode answers a code that did not match the challenge taken (with
// this try counted): OTP_SUPERSEDED, with the attempts given back, when it
// is one of the subject's earlier codes (an honest mistake: the previous
// SMS), else OTP_INVALID with the attempts left.
func (s *Service) wrongCode(ctx context.Context, now time.Time, l login, taken *ent.OTPChallenge, code string, ipAttempt attempt) error {
	superseded, err := s.isSupersededCode(ctx, taken.SubjectID, taken.ID, code)
	if err != nil {
		return err
	}
	if superseded {
		if err := s.giveAttemptBack(ctx, now, taken.ID, ipAttempt); err != nil {
			return err
		}
		return s.otpPolicy.Verdict(now, otp.Challenge{Superseded: true}, true)
	}
	// The attempt just taken is this wrong try: Verdict counts it itself.
	c := challengeOf(taken)
	c.Attempts--
	return s.rejectCode(ctx, now, l, ipAttempt, "wrong_code", s.otpPolicy.Verdict(now, c, false))
}

// takeCodeAttempt takes one attempt at the code and one under the client
// address, in one transaction (code first: the lock order of reserve). It
// returns the code as it stands with this attempt counted. When the code
// no longer counts (used, replaced, out of attempts) it says why; when the
// address is locked, RATE_LIMITED; either way nothing is taken.
func (s *Service) takeCodeAttempt(ctx context.Context, now time.Time, id pulid.ID, ip string) (*ent.OTPChallenge, attempt, error) {
	var taken *ent.OTPChallenge
	var ipAttempt attempt
	errGone := errors.New("code no longer counts")
	err := s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		sys := viewer.System(ctx)
		n, err := tx.Client.OTPChallenge.Update().
			Where(otpchallenge.ID(id), otpchallenge.ConsumedAtIsNil(), otpchallenge.Superseded(false),
				otpchallenge.AttemptsLT(s.otpPolicy.MaxAttempts)).
			AddAttempts(1).SetUpdatedAt(now).
			Save(sys)
		if err != nil {
			return fmt.Errorf("auth: reset: count attempt: %w", err)
		}
		if n == 0 {
			return errGone
		}
		if taken, err = tx.Client.OTPChallenge.Get(sys, id); err != nil {
			return fmt.Errorf("auth: reset: %w", err)
		}
		as, err := reserveTx(ctx, tx, now, throttled{ip, s.ipLimit})
		ipAttempt = as.of(ip)
		return err
	})
	if errors.Is(err, errGone) {
		// Used, replaced or out of attempts since it was read.
		return nil, attempt{}, s.verdictNow(ctx, now, id)
	}
	if err != nil {
		return nil, attempt{}, err
	}
	return taken, ipAttempt, nil
}

// giveAttemptBack undoes the attempts a submission took.
func (s *Service) giveAttemptBack(ctx context.Context, now time.Time, id pulid.ID, ipAttempt attempt) error {
	return s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		_, err := tx.Client.OTPChallenge.Update().
			Where(otpchallenge.ID(id), otpchallenge.AttemptsGT(0)).
			AddAttempts(-1).
			Save(viewer.System(ctx))
		if err != nil {
			return fmt.Errorf("auth: reset: give attempt back: %w", err)
		}
		return releaseTx(ctx, tx, now, ipAttempt)
	})
}

// isSupersededCode reports whether code is one of the few reset codes sent
// to the subject before the latest (latestID).
func (s *Service) isSupersededCode(ctx context.Context, subject string, latestID pulid.ID, code string) (bool, error) {
	earlier, err := s.db.Client.OTPChallenge.Query().
		Where(otpchallenge.SubjectID(subject), otpchallenge.PurposeEQ(otpchallenge.PurposeRESET),
			otpchallenge.IDNEQ(latestID), otpchallenge.Superseded(true)).
		Order(ent.Desc(otpchallenge.FieldCreatedAt)).
		Limit(s.otpPolicy.MaxPerDay).
		All(viewer.System(ctx))
	if err != nil {
		return false, fmt.Errorf("auth: reset: earlier codes: %w", err)
	}
	for _, c := range earlier {
		if s.otp.Equal(c.CodeHash, otp.PurposeReset, subject, code) {
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
	return audit.Write(ctx, s.db, nil, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
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
		c.Record(now, audit.Entry{
			Action: "auth.password_reset", TargetType: "Account", TargetID: string(acct.ID), UnitPath: path,
			Detail: map[string]any{"sessionsRevoked": len(ids)},
		})
		return nil
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

// rejectNoCode answers a submission for a login with no code to check, as
// a code gone stale. It takes an attempt under the client address like a
// wrong code (RATE_LIMITED when the address is locked) and is audited.
func (s *Service) rejectNoCode(ctx context.Context, now time.Time, l login, ip string) error {
	err := s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		taken, err := reserveTx(ctx, tx, now, throttled{ip, s.ipLimit})
		if err != nil {
			return err
		}
		return s.recordRejected(ctx, tx, now, l, taken.of(ip), "no_code")
	})
	if err != nil {
		return err
	}
	return s.noCode(now)
}

// rejectCode records a wrong reset code (its attempts were taken by
// takeCodeAttempt) and returns answer.
func (s *Service) rejectCode(ctx context.Context, now time.Time, l login, ipAttempt attempt, reason string, answer error) error {
	err := s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		return s.recordRejected(ctx, tx, now, l, ipAttempt, reason)
	})
	if err != nil {
		return err
	}
	return answer
}

// recordRejected audits a rejected reset submission, and the lock of the
// client address its attempt started, if it did.
func (s *Service) recordRejected(ctx context.Context, tx *store.Tx, now time.Time, l login, ipAttempt attempt, reason string) error {
	e := audit.Entry{Action: "auth.password_reset_failed", TargetType: "Login", Detail: map[string]any{"reason": reason}}
	if l.acct != nil {
		e.TargetType, e.TargetID = "Account", string(l.acct.ID)
		var err error
		if e.UnitPath, err = unitPathOf(ctx, tx.Client, l.acct); err != nil {
			return err
		}
	}
	if ipAttempt.key != "" {
		e.Detail["clientFailures"] = ipAttempt.n
	}
	if err := auditAddressLock(ctx, tx, now, ipAttempt); err != nil {
		return err
	}
	return audit.Record(ctx, tx, now, e)
}
