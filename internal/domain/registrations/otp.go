package registrations

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/otpchallenge"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/smsqueue"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/otp"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/policy/viewer"
)

// phoneLockClass is the first key of the PostgreSQL advisory lock that
// serialises sends to one phone, so that two cases sharing a phone cannot
// both pass the per-phone caps. (SQLite transactions are already serial.)
const phoneLockClass = 7_286_003

// SendOTP sends a new code to the case's phone (§3 step 2), the first time
// and on every resend: DRAFT or OTP_SENT → OTP_SENT. Only the latest code
// counts: the previous one is superseded in the same transaction. The
// limits are otp.Policy's: a resend waits ResendCooldown, and the phone gets
// at most MaxPerHour / MaxPerDay codes for any purpose.
func (s *Service) SendOTP(ctx context.Context, id pulid.ID) (*ent.Registration, error) {
	_, reg, err := s.openCase(ctx, id, openStates...)
	if err != nil {
		return nil, err
	}
	code, err := s.newCode()
	if err != nil {
		return nil, err
	}
	now := s.now()
	expires := now.Add(s.policy.TTL)
	err = audit.Write(ctx, s.db, s.bus, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		sys := viewer.System(ctx)
		sends, err := s.maySend(ctx, tx, reg, now)
		if err != nil {
			return err
		}
		if err := s.newChallenge(sys, tx, reg, code, expires, now); err != nil {
			return err
		}
		err = tx.Client.Registration.Update().Where(registration.ID(id)).
			SetState(registration.StateOTP_SENT).SetOtpSentAt(now).SetOtpExpiresAt(expires).
			SetResendAvailableAt(s.nextSendAt(now, append(sends, now))).
			SetExpiresAt(now.Add(IdleTimeout)).SetUpdatedAt(now).
			Exec(sys)
		if err != nil {
			return fmt.Errorf("enrol: send otp: %w", err)
		}
		_, err = s.outbox.Enqueue(ctx, tx, smsqueue.Outgoing{
			Kind: sms.RegistrationOTP, Phone: reg.Phone,
			Body:       otp.SMSText(otp.PurposeRegistration, code, s.policy.TTL),
			SendBefore: &expires, RegistrationID: &id,
			OfficerID: string(reg.OfficerID), UnitPath: reg.UnitPath,
		})
		if err != nil {
			return fmt.Errorf("enrol: send otp: enqueue: %w", err)
		}
		c.Record(now, audit.Entry{
			Action: "registration.send_otp", TargetType: "Registration", TargetID: string(id),
			UnitPath: reg.UnitPath,
			Detail:   map[string]any{"resend": reg.State == registration.StateOTP_SENT, "phoneMasked": vn.MaskPhone(reg.Phone)},
		})
		c.Publish(s.stateChanged(id, registration.StateOTP_SENT))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.reload(ctx, id)
}

// newChallenge supersedes the case's earlier codes and keeps the hash of
// the new one, code, valid until expires.
func (s *Service) newChallenge(sys context.Context, tx *store.Tx, reg *ent.Registration, code otp.Code, expires, now time.Time) error {
	err := tx.Client.OTPChallenge.Update().
		Where(otpchallenge.RegistrationID(reg.ID), otpchallenge.Superseded(false), otpchallenge.ConsumedAtIsNil()).
		SetSuperseded(true).SetUpdatedAt(now).Exec(sys)
	if err != nil {
		return fmt.Errorf("enrol: send otp: supersede: %w", err)
	}
	err = tx.Client.OTPChallenge.Create().
		SetPurpose(otpchallenge.PurposeREGISTRATION).SetSubjectID(string(reg.ID)).SetPhone(reg.Phone).
		SetCodeHash(s.otp.Hash(otp.PurposeRegistration, string(reg.ID), code)).
		SetExpiresAt(expires).SetRegistrationID(reg.ID).SetCreatedAt(now).SetUpdatedAt(now).
		Exec(sys)
	if err != nil {
		return fmt.Errorf("enrol: send otp: %w", err)
	}
	return nil
}

// maySend locks the open case reg and its phone for a new code and checks
// otp.Policy's limits; it returns the phone's sends of the last 24 hours.
func (s *Service) maySend(ctx context.Context, tx *store.Tx, reg *ent.Registration, now time.Time) ([]time.Time, error) {
	sys := viewer.System(ctx)
	// Lock the case's row first: a concurrent send for it waits here,
	// then sees this one's code when it counts.
	n, err := tx.Client.Registration.Update().
		Where(registration.ID(reg.ID), registration.StateIn(openStates...), registration.ExpiresAtGT(now)).
		SetUpdatedAt(now).Save(sys)
	if err != nil {
		return nil, fmt.Errorf("enrol: send otp: %w", err)
	}
	if n == 0 {
		return nil, s.currentStateRefusal(ctx, tx, reg.ID)
	}
	if tx.Dialect == dialect.Postgres {
		if _, err := tx.SQL.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, phoneLockClass, reg.Phone); err != nil {
			return nil, fmt.Errorf("enrol: send otp: lock: %w", err)
		}
	}
	sends, last, err := s.sendHistory(sys, tx.Client, reg.Phone, reg.ID, now)
	if err != nil {
		return nil, err
	}
	if err := s.policy.CheckSend(now, last, sends); err != nil {
		return nil, err
	}
	return sends, nil
}

// sendHistory returns the sends to phone in the last 24 hours (codes of
// every purpose: the caps are per phone) and the last send for the case.
func (s *Service) sendHistory(sys context.Context, c *ent.Client, phone string, id pulid.ID, now time.Time) ([]time.Time, time.Time, error) {
	recent, err := c.OTPChallenge.Query().
		Where(otpchallenge.Phone(phone), otpchallenge.CreatedAtGT(now.Add(-24*time.Hour))).
		All(sys)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("enrol: send history: %w", err)
	}
	sends := make([]time.Time, 0, len(recent)+1)
	for _, ch := range recent {
		sends = append(sends, ch.CreatedAt)
	}
	var last time.Time
	prev, err := c.OTPChallenge.Query().Where(otpchallenge.RegistrationID(id)).
		Order(ent.Desc(otpchallenge.FieldCreatedAt)).First(sys)
	switch {
	case err == nil:
		last = prev.CreatedAt
	case !ent.IsNotFound(err):
		return nil, time.Time{}, fmt.Errorf("enrol: send history: %w", err)
	}
	return sends, last, nil
}

// nextSendAt is when the next resend will be allowed after a send at now:
// the first moment, from the cooldown on, at which the policy says yes. That
// moment is the end of the cooldown or the time a past send leaves the
// hourly or daily window, so only those are tried.
func (s *Service) nextSendAt(now time.Time, sends []time.Time) time.Time {
	first := now.Add(s.policy.ResendCooldown)
	candidates := []time.Time{first}
	for _, t := range sends {
		candidates = append(candidates, t.Add(time.Hour), t.Add(24*time.Hour))
	}
	slices.SortFunc(candidates, func(a, b time.Time) int { return a.Compare(b) })
	for _, t := range candidates {
		if !t.Before(first) && s.policy.CheckSend(t, now, sends) == nil {
			return t
		}
	}
	return candidates[len(candidates)-1]
}

func errCodeFormat() *refusal.Error {
	return refusal.New(refusal.Validation,
		"Mã OTP gồm 6 chữ số.",
		"The code has 6 digits.").OnField("code")
}

// checkCode judges a submitted code against the case's latest code and
// returns that challenge when the code is right.
//
// A try is taken (a conditional UPDATE of the code's attempts, committed on
// its own since the request that carries a wrong code fails) before the
// code is compared, so that no burst of parallel submissions compares more
// than otp.Policy.MaxAttempts codes: past that, every submission is refused
// without comparing, the right code included. The try is given back when
// the code is right (Complete then consumes it) or matches an older,
// superseded one (OTP_SUPERSEDED: it was right once). A malformed code, and
// any code for a code already used, expired or out of tries, is refused
// without counting.
func (s *Service) checkCode(ctx context.Context, reg *ent.Registration, code string) (*ent.OTPChallenge, error) {
	submitted := strings.Join(strings.Fields(code), "")
	if len(submitted) != otp.Digits || strings.Trim(submitted, "0123456789") != "" {
		return nil, errCodeFormat()
	}
	sys := viewer.System(ctx)
	now := s.now()
	chs, err := s.db.Client.OTPChallenge.Query().Where(otpchallenge.RegistrationID(reg.ID)).
		Order(ent.Desc(otpchallenge.FieldCreatedAt), ent.Desc(otpchallenge.FieldID)).All(sys)
	if err != nil {
		return nil, fmt.Errorf("enrol: check code: %w", err)
	}
	i := slices.IndexFunc(chs, func(c *ent.OTPChallenge) bool { return !c.Superseded })
	if i < 0 {
		return nil, errWrongState(registration.StateDRAFT)
	}
	cur := chs[i]
	// Everything that does not depend on the code first.
	if verdict := s.policy.Verdict(now, challengeOf(cur), true); verdict != nil {
		return nil, verdict
	}
	taken, err := s.takeTry(ctx, now, cur.ID)
	if err != nil {
		return nil, err
	}
	if s.otp.Equal(cur.CodeHash, otp.PurposeRegistration, string(reg.ID), submitted) {
		return cur, s.giveTryBack(ctx, now, cur.ID)
	}
	for _, c := range chs {
		if c.Superseded && s.otp.Equal(c.CodeHash, otp.PurposeRegistration, string(reg.ID), submitted) {
			if err := s.giveTryBack(ctx, now, cur.ID); err != nil {
				return nil, err
			}
			return nil, s.policy.Verdict(now, otp.Challenge{Superseded: true}, true)
		}
	}
	// The verdict with this try counted, so attemptsLeft is exact even
	// when wrong codes arrive at once.
	c := challengeOf(taken)
	c.Attempts--
	return nil, s.policy.Verdict(now, c, false)
}

// takeTry takes one of the code's tries and returns the code with it
// counted; when the code no longer takes tries (used, replaced, expired or
// out of tries since it was read) it says why.
func (s *Service) takeTry(ctx context.Context, now time.Time, id pulid.ID) (*ent.OTPChallenge, error) {
	sys := viewer.System(ctx)
	var taken *ent.OTPChallenge
	var verdict error
	err := s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		n, err := tx.Client.OTPChallenge.Update().
			Where(otpchallenge.ID(id), otpchallenge.ConsumedAtIsNil(), otpchallenge.Superseded(false),
				otpchallenge.AttemptsLT(s.policy.MaxAttempts), otpchallenge.ExpiresAtGT(now)).
			AddAttempts(1).SetUpdatedAt(now).Save(sys)
		if err != nil {
			return fmt.Errorf("enrol: take a try: %w", err)
		}
		taken, err = tx.Client.OTPChallenge.Get(sys, id)
		if err != nil {
			return fmt.Errorf("enrol: take a try: %w", err)
		}
		if n == 0 {
			verdict = s.policy.Verdict(now, challengeOf(taken), true)
			if verdict == nil {
				// Cannot be: the UPDATE's conditions are the verdict's.
				verdict = s.policy.Verdict(now, otp.Challenge{Consumed: true}, true)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return taken, verdict
}

// giveTryBack undoes the try a submission took.
func (s *Service) giveTryBack(ctx context.Context, now time.Time, id pulid.ID) error {
	_, err := s.db.Client.OTPChallenge.Update().
		Where(otpchallenge.ID(id), otpchallenge.AttemptsGT(0)).
		AddAttempts(-1).SetUpdatedAt(now).Save(viewer.System(ctx))
	if err != nil {
		return fmt.Errorf("enrol: give a try back: %w", err)
	}
	return nil
}

func challengeOf(c *ent.OTPChallenge) otp.Challenge {
	return otp.Challenge{
		Hash: c.CodeHash, ExpiresAt: c.ExpiresAt, Attempts: c.Attempts,
		Superseded: c.Superseded, Consumed: c.ConsumedAt != nil,
	}
}

// OTPAttemptsLeft is how many wrong codes the case's latest code still
// allows; nil unless the case is waiting for a code.
func (s *Service) OTPAttemptsLeft(ctx context.Context, reg *ent.Registration) (*int, error) {
	if reg.State != registration.StateOTP_SENT {
		return nil, nil
	}
	ch, err := s.db.Client.OTPChallenge.Query().
		Where(otpchallenge.RegistrationID(reg.ID), otpchallenge.Superseded(false)).
		Order(ent.Desc(otpchallenge.FieldCreatedAt)).First(viewer.System(ctx))
	switch {
	case ent.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("enrol: attempts left: %w", err)
	}
	left := max(s.policy.MaxAttempts-ch.Attempts, 0)
	return &left, nil
}
