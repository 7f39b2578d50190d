// Package auth signs accounts in and out, keeps sessions, and changes and
// recovers passwords (docs/RULES.md).
//
// Sign-in accepts the ID number or the phone (vn.NormalizeLogin). Attempts
// are counted in SignInThrottle rows, per account (or, for a login that
// names no account, per keyed hash of that login, so that an unknown login
// locks exactly like a known one) and per client address. Every check of a
// secret — a password at sign-in, the current password at a change, a reset
// code — first reserves its attempt under those keys in a transaction
// (reserve), so a limit holds at any concurrency: at most its max secrets
// are checked per window, and past it every attempt, the right secret
// included, answers RATE_LIMITED without hashing. A right secret gives its
// attempts back. Every answer to a failure is the same, and an unknown login
// costs a dummy argon2id check, so neither the answer nor its timing tells
// whether an account exists.
//
// Password reset does not tell either: a login that may not be sent a code
// gets a decoy challenge that ResetPassword judges like a real one (same
// attempts, same refusals), and both calls take at least resetFloor. One
// difference remains that nothing can remove: an account's ID number and
// phone share its counters and its code, while an unknown ID number and an
// unknown phone have one each, so someone who already holds both can tell
// whether they belong to one account.
//
// Sessions are opaque random tokens kept only as SHA-256 hashes. A session
// opened with an initial (SMS) password, or with a password that must be
// changed, may only change it (Session.password_change_only); the server's
// GraphQL middleware enforces that from viewer.PasswordChangeOnly.
package auth

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/officer"
	"github.com/motcua/motcua/ent/oidcbackchanneldelivery"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/smsqueue"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/otp"
	"github.com/motcua/motcua/internal/rules/password"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// Session lifetimes. docs/RULES.md fixes the staff values; the citizen values are
// ours: the same idle timeout (a form is filled in well within 30 minutes of
// requests), and a shorter absolute lifetime, since citizens come for one
// task, often on a shared computer (commune office, internet café), while
// staff work a whole day in the portal.
const (
	StaffIdle       = 30 * time.Minute
	StaffAbsolute   = 12 * time.Hour
	CitizenIdle     = 30 * time.Minute
	CitizenAbsolute = 8 * time.Hour
	// PasswordChangeWindow is how long a session that may only change its
	// password lasts: the change takes a minute, and the initial password
	// it was opened with is already spent.
	PasswordChangeWindow = 30 * time.Minute
	// touchEvery: Authenticate writes last_seen_at at most this often.
	touchEvery = time.Minute
	// resetFloor is the least time RequestPasswordReset takes, so that
	// sending a code (a few queries and writes) and sending nothing take
	// the same time. It is several times the slowest send measured
	// (BenchmarkRequestPasswordReset).
	resetFloor = 300 * time.Millisecond
)

// limit caps attempts: at most max within window, then locked for lock.
type limit struct {
	max    int
	window time.Duration
	lock   time.Duration
}

// Config is what the Service needs. Now and Sleep default to the real clock
// and a timer; OTPPolicy defaults to otp.DefaultPolicy when its TTL is zero.
type Config struct {
	DB        *store.DB
	Hasher    *password.Hasher
	Authz     *policy.Authorizer
	Bus       events.Bus
	Outbox    smsqueue.Outbox
	OTP       *otp.Hasher
	OTPPolicy otp.Policy
	Now       func() time.Time
	// Revoker ends what the account's sign-ins gave other systems (single
	// sign-on tokens, with back-channel logouts) when it signs out
	// everywhere, changes or resets its password, or is locked. nil: none.
	Revoker AccountRevoker
	// Sleep waits d or until ctx ends (the slow-down after a failure and the
	// time floor of RequestPasswordReset). Tests pass a fake.
	Sleep func(ctx context.Context, d time.Duration) error
}

// passwordHasher is what the service uses of *password.Hasher; tests wrap
// it to count the passwords checked.
type passwordHasher interface {
	Hash(ctx context.Context, pw string) (string, error)
	Verify(ctx context.Context, phc, pw string) (bool, error)
	DummyVerify(ctx context.Context)
}

// codeHasher is what the service uses of *otp.Hasher; tests wrap it to
// count the codes compared.
type codeHasher interface {
	Hash(purpose, subjectID string, c otp.Code) string
	Equal(hash, purpose, subjectID, submitted string) bool
}

// Service is sign-in, sessions and passwords.
type Service struct {
	db        *store.DB
	hasher    passwordHasher
	authz     *policy.Authorizer
	bus       events.Bus
	outbox    smsqueue.Outbox
	otp       codeHasher
	otpPolicy otp.Policy
	now       func() time.Time
	sleep     func(ctx context.Context, d time.Duration) error
	revoker   AccountRevoker

	// Throttles: passwords checked per account (or unknown login),
	// passwords and reset codes checked per client address (a right one
	// gives its attempt back), reset requests per client address. Fields,
	// not constants, so tests can shrink them.
	accountLimit limit
	ipLimit      limit
	resetIPLimit limit
	resetFloor   time.Duration
	// Slow-down after a failure: step per recent failure, capped.
	delayStep, delayCap time.Duration
	// viewers are the sessions' viewers, built once (viewers.go).
	viewers *viewerCache
}

// New returns the service.
func New(cfg Config) *Service {
	s := &Service{
		db: cfg.DB, hasher: cfg.Hasher, authz: cfg.Authz, bus: cfg.Bus, outbox: cfg.Outbox,
		otp: cfg.OTP, otpPolicy: cfg.OTPPolicy, sleep: cfg.Sleep, revoker: cfg.Revoker,
		accountLimit: limit{max: 5, window: 15 * time.Minute, lock: 15 * time.Minute},
		ipLimit:      limit{max: 50, window: 15 * time.Minute, lock: 15 * time.Minute},
		resetIPLimit: limit{max: 20, window: 15 * time.Minute, lock: 15 * time.Minute},
		resetFloor:   resetFloor,
		delayStep:    500 * time.Millisecond,
		delayCap:     3 * time.Second,
		viewers:      newViewerCache(viewerCacheMax, viewerTTL),
	}
	if s.otpPolicy.TTL == 0 {
		s.otpPolicy = otp.DefaultPolicy()
	}
	// Times are written in UTC, to the microsecond PostgreSQL keeps, so
	// that what is read back compares equal and SQLite's text timestamps
	// sort in time order.
	clock := cfg.Now
	if clock == nil {
		clock = time.Now
	}
	s.now = func() time.Time { return clock().UTC().Truncate(time.Microsecond) }
	if s.sleep == nil {
		s.sleep = sleepCtx
	}
	return s
}

// AccountRevoker ends an account's grants to other systems in the caller's
// transaction (sso.Service implements it).
type AccountRevoker interface {
	RevokeAccount(ctx context.Context, tx *store.Tx, accountID pulid.ID, reason oidcbackchanneldelivery.Reason) error
}

// revokeElsewhere calls the Revoker, if any, in tx.
func (s *Service) revokeElsewhere(ctx context.Context, tx *store.Tx, accountID pulid.ID, reason oidcbackchanneldelivery.Reason) error {
	if s.revoker == nil {
		return nil
	}
	if err := s.revoker.RevokeAccount(ctx, tx, accountID, reason); err != nil {
		return fmt.Errorf("auth: revoke single sign-on: %w", err)
	}
	return nil
}

// sleepCtx waits d, or less if ctx ends first (then it returns ctx's cause).
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// publish sends e after commit; a lost event only delays a subscription's
// close until its next re-read, so the error is logged, not returned.
func (s *Service) publish(ctx context.Context, e events.Event) {
	if s.bus == nil {
		return
	}
	if err := s.bus.Publish(context.WithoutCancel(ctx), e); err != nil {
		slog.Warn("auth: publish", "topic", e.Topic, "id", e.ID, "err", err)
	}
}

// login is what a login field named.
type login struct {
	acct *ent.Account // nil when no account (or more than one) answers to it
	// key is the SignInThrottle key that counts its failures.
	key string
}

// resolveLogin finds the account a login names: an ID number matches the
// 12-digit number or the old 9-digit CMND alias; a phone must belong to
// exactly one account, since a shared phone (parents and children often
// share one) does not say whose account is meant — those sign in with their
// ID number.
func (s *Service) resolveLogin(ctx context.Context, client *ent.Client, raw string) (login, error) {
	kind, value, ok := vn.NormalizeLogin(raw)
	if !ok {
		return login{key: s.loginKey(raw)}, nil
	}
	sys := viewer.System(ctx)
	q := client.Account.Query()
	if kind == "id" {
		q = q.Where(account.Or(account.IDNumber(value), account.CmndNumber(value)))
	} else {
		q = q.Where(account.Phone(value))
	}
	accts, err := q.Limit(3).All(sys)
	if err != nil {
		return login{}, fmt.Errorf("auth: find account: %w", err)
	}
	if kind == "id" {
		for _, a := range accts {
			if a.IDNumber == value {
				return login{acct: a, key: accountKey(a.ID)}, nil
			}
		}
	}
	if len(accts) == 1 {
		return login{acct: accts[0], key: accountKey(accts[0].ID)}, nil
	}
	return login{key: s.loginKey(value)}, nil
}

// accountKey is the throttle key of an account's failed sign-ins.
func accountKey(id pulid.ID) string { return "account:" + string(id) }

// loginKey is the throttle key of a login that names no account: a keyed
// hash, so the table holds no ID number or phone in clear, nor one that can
// be recovered by hashing every possible number.
func (s *Service) loginKey(value string) string {
	return "login:" + s.otp.Hash("SIGNIN_THROTTLE", "login", otp.Code(value))
}

// ipKey is the throttle key of a client address: an IPv4 address, or the /64
// of an IPv6 one (one subscriber gets a whole /64). "" when unknown.
func ipKey(addr string) string {
	if addr == "" {
		return ""
	}
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return "ip:" + addr
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "ip:" + p.String()
	}
	return "ip:" + a.String()
}

// isStaff reports whether the account is in user management.
func isStaff(ctx context.Context, client *ent.Client, id pulid.ID) (bool, error) {
	ok, err := client.Officer.Query().Where(officer.AccountID(id)).Exist(viewer.System(ctx))
	if err != nil {
		return false, fmt.Errorf("auth: officer: %w", err)
	}
	return ok, nil
}

// unitPathOf is the unit an account's events belong to, for admins' scope:
// the officer's unit, else the unit where the account was created, else ""
// (seen by super admins only).
func unitPathOf(ctx context.Context, client *ent.Client, a *ent.Account) (string, error) {
	sys := viewer.System(ctx)
	o, err := client.Officer.Query().Where(officer.AccountID(a.ID)).Only(sys)
	switch {
	case err == nil && o.UnitPath != "":
		return o.UnitPath, nil
	case err != nil && !ent.IsNotFound(err):
		return "", fmt.Errorf("auth: officer of account: %w", err)
	}
	if a.CreatedAtUnitID != nil {
		u, err := client.Unit.Get(sys, *a.CreatedAtUnitID)
		switch {
		case err == nil:
			return u.Path, nil
		case !ent.IsNotFound(err):
			return "", fmt.Errorf("auth: unit of account: %w", err)
		}
	}
	return "", nil
}

// factsOf is what a password of a must not be built from.
func factsOf(a *ent.Account) password.Facts {
	return password.Facts{IDNumber: a.IDNumber, Phone: a.Phone, FullName: a.FullName, DateOfBirth: a.DateOfBirth}
}
