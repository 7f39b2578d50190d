package otp

import (
	"fmt"
	"slices"
	"time"

	"github.com/motcua/motcua/internal/rules/refusal"
)

// Policy is the set of limits on codes. It is a value so that registration
// and password reset apply the same rules (docs/RULES.md).
type Policy struct {
	TTL            time.Duration // how long a code is valid
	MaxAttempts    int           // wrong tries allowed per code
	ResendCooldown time.Duration // minimum time between two sends for one subject
	MaxPerHour     int           // sends per phone in any rolling hour
	MaxPerDay      int           // sends per phone in any rolling 24 hours
}

// DefaultPolicy is the policy of docs/RULES.md: a code lives 5 minutes and allows
// 5 wrong tries; a resend waits 60 s; a phone gets at most 5 codes an hour and
// 10 a day.
func DefaultPolicy() Policy {
	return Policy{
		TTL:            5 * time.Minute,
		MaxAttempts:    5,
		ResendCooldown: 60 * time.Second,
		MaxPerHour:     5,
		MaxPerDay:      10,
	}
}

// CheckSend decides whether a code may be sent now. lastSendForSubject is the
// last send for this registration or account (zero if none); sendsForPhone are
// the send times to this phone over at least the last 24 hours, in any order.
// A send at exactly now-window has left the window.
//
// It returns nil, or a refusal whose "availableAt" (RFC 3339) is the earliest
// time at which every limit allows a send: RATE_LIMITED when an hourly or daily
// limit is reached, otherwise OTP_RESEND_TOO_SOON.
func (p Policy) CheckSend(now, lastSendForSubject time.Time, sendsForPhone []time.Time) error {
	var availableAt time.Time
	rateLimited := false
	for _, limit := range []struct {
		window time.Duration
		max    int
	}{{time.Hour, p.MaxPerHour}, {24 * time.Hour, p.MaxPerDay}} {
		if t, ok := windowFull(now, limit.window, limit.max, sendsForPhone); ok {
			rateLimited = true
			if t.After(availableAt) {
				availableAt = t
			}
		}
	}
	if !lastSendForSubject.IsZero() {
		if t := lastSendForSubject.Add(p.ResendCooldown); now.Before(t) && t.After(availableAt) {
			availableAt = t
		}
	}
	switch {
	case rateLimited:
		return errRateLimited(availableAt)
	case !availableAt.IsZero():
		return errResendTooSoon(availableAt)
	}
	return nil
}

// windowFull reports whether max sends already fall in (now-window, now], and
// if so when enough of them will have left the window to allow one more.
func windowFull(now time.Time, window time.Duration, max int, sends []time.Time) (time.Time, bool) {
	var in []time.Time
	for _, t := range sends {
		if now.Sub(t) < window {
			in = append(in, t)
		}
	}
	if len(in) < max {
		return time.Time{}, false
	}
	if max <= 0 {
		// No send is ever allowed; report the end of the current window.
		return now.Add(window), true
	}
	slices.SortFunc(in, func(a, b time.Time) int { return a.Compare(b) })
	// One more send needs len(in)-max+1 of them gone; the last of those to go
	// is the (len(in)-max)-th oldest.
	return in[len(in)-max].Add(window), true
}

// Challenge is the stored state of one code, as the verdict needs it.
type Challenge struct {
	Hash       string    // Hasher.Hash of the code
	ExpiresAt  time.Time // sent at + TTL
	Attempts   int       // wrong tries recorded before this submission
	Superseded bool      // a newer code was sent for the same subject
	Consumed   bool      // already used successfully
}

// Verdict decides a submission against c; matches is whether the submitted
// code equals the stored one (Hasher.Equal). It returns nil when the code is
// accepted, otherwise, checked in this order: INVALID_STATE (already
// consumed), OTP_SUPERSEDED, OTP_EXPIRED (at ExpiresAt or later),
// OTP_TOO_MANY_ATTEMPTS, OTP_INVALID with "attemptsLeft" counting this wrong
// try. The caller records a wrong try when the result is OTP_INVALID.
func (p Policy) Verdict(now time.Time, c Challenge, matches bool) error {
	switch {
	case c.Consumed:
		return errConsumed()
	case c.Superseded:
		return errSuperseded()
	case !now.Before(c.ExpiresAt):
		return errExpired()
	case c.Attempts >= p.MaxAttempts:
		return errTooManyAttempts()
	case !matches:
		return errInvalid(p.MaxAttempts - c.Attempts - 1)
	}
	return nil
}

// codeField is the input holding the code: completeRegistration and
// resetPassword both call it "code".
const codeField = "code"

// The refusals are built per call: a *refusal.Error is mutable, so none is shared.

func errRateLimited(at time.Time) *refusal.Error {
	return refusal.New(refusal.RateLimited,
		"Số điện thoại này đã nhận quá nhiều mã OTP. Vui lòng thử lại sau.",
		"Too many codes have been sent to this phone number. Please try again later.").
		With("availableAt", at.Format(time.RFC3339))
}

func errResendTooSoon(at time.Time) *refusal.Error {
	return refusal.New(refusal.OTPResendTooSoon,
		"Vui lòng chờ một chút trước khi yêu cầu gửi lại mã OTP.",
		"Please wait a moment before asking for a new code.").
		With("availableAt", at.Format(time.RFC3339))
}

func errConsumed() *refusal.Error {
	return refusal.New(refusal.InvalidState,
		"Mã OTP này đã được sử dụng.",
		"This code has already been used.")
}

func errSuperseded() *refusal.Error {
	return refusal.New(refusal.OTPSuperseded,
		"Mã OTP này đã được thay bằng mã mới. Vui lòng nhập mã trong tin nhắn gần nhất.",
		"This code has been replaced by a newer one. Please enter the code from the latest message.").
		OnField(codeField)
}

func errExpired() *refusal.Error {
	return refusal.New(refusal.OTPExpired,
		"Mã OTP đã hết hạn. Vui lòng yêu cầu gửi mã mới.",
		"The code has expired. Please ask for a new one.").
		OnField(codeField)
}

func errTooManyAttempts() *refusal.Error {
	return refusal.New(refusal.OTPTooManyAttempts,
		"Bạn đã nhập sai mã OTP quá nhiều lần. Vui lòng yêu cầu gửi mã mới.",
		"Too many wrong codes have been entered. Please ask for a new one.").
		OnField(codeField)
}

func errInvalid(attemptsLeft int) *refusal.Error {
	en := fmt.Sprintf("The code is not correct. %d attempts left.", attemptsLeft)
	if attemptsLeft == 1 {
		en = "The code is not correct. 1 attempt left."
	}
	return refusal.New(refusal.OTPInvalid,
		fmt.Sprintf("Mã OTP không đúng. Bạn còn %d lần thử.", attemptsLeft), en).
		OnField(codeField).
		With("attemptsLeft", attemptsLeft)
}
