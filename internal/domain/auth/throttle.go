package auth

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/officer"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/signinthrottle"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// lockedUntil returns the latest lock in force at now among keys ("" keys
// are skipped), or the zero time.
func lockedUntil(ctx context.Context, client *ent.Client, now time.Time, keys ...string) (time.Time, error) {
	var ks []string
	for _, k := range keys {
		if k != "" {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 {
		return time.Time{}, nil
	}
	rows, err := client.SignInThrottle.Query().
		Where(signinthrottle.KeyIn(ks...), signinthrottle.LockedUntilNotNil()).
		All(viewer.System(ctx))
	if err != nil {
		return time.Time{}, fmt.Errorf("auth: throttle: %w", err)
	}
	var until time.Time
	for _, r := range rows {
		if r.LockedUntil.After(now) && r.LockedUntil.After(until) {
			until = *r.LockedUntil
		}
	}
	return until, nil
}

// throttled is a throttle key with the limit it is counted against.
type throttled struct {
	key   string // "" (an unknown client address) is not counted
	limit limit
}

// attempt is one attempt taken under a throttle key by reserve.
type attempt struct {
	key string
	// n is how many attempts the key's window holds, this one included.
	n int
	// window is when that window began; release undoes the attempt only
	// within it.
	window time.Time
	// locked is the lock this attempt started (it was the limit's max-th),
	// zero if none.
	locked time.Time
}

// attempts are the attempts one request took, in the order of its keys.
type attempts []attempt

// of is the attempt taken under key, zero if none.
func (as attempts) of(key string) attempt {
	for _, a := range as {
		if a.key == key {
			return a
		}
	}
	return attempt{}
}

// reserve takes one attempt under every key before a secret is checked, in
// one transaction: all of them, or none when any key is locked, in which
// case the answer is RATE_LIMITED with the latest lock's end. Taking the
// attempt first is what makes a limit hold under concurrency: the max-th
// attempt of a window sets the lock as it is taken, so however many
// requests arrive at once, at most max of them go on to check a secret and
// every later one, the right secret included, is refused without hashing.
//
// An attempt stays counted as a failure unless the caller gives it back:
// release when the secret was right, clearKey for a login that proved
// itself. Keys are locked in the order given. Every transaction of this
// package that locks several rows does it in one order, so that none waits
// for another in a cycle on PostgreSQL: reset code, account, client
// address, login, then the audit chain; callers of reserve therefore pass
// the client address before the login.
func (s *Service) reserve(ctx context.Context, now time.Time, keys ...throttled) (attempts, error) {
	var out attempts
	err := s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		out, err = reserveTx(ctx, tx, now, keys...)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// reserveTx is reserve inside tx. On a refusal it has changed nothing but
// creating empty rows; the caller's transaction decides what to keep.
func reserveTx(ctx context.Context, tx *store.Tx, now time.Time, keys ...throttled) (attempts, error) {
	var out attempts
	var until time.Time
	for _, k := range keys {
		if k.key == "" {
			continue
		}
		t, err := lockRow(ctx, tx, now, k.key)
		if err != nil {
			return nil, err
		}
		failures, start, lock := t.Failures, t.WindowStart, t.LockedUntil
		lockActive := lock != nil && now.Before(*lock)
		switch {
		case lockActive:
			until = later(until, *lock)
			continue
		case lock != nil || !now.Before(start.Add(k.limit.window)):
			// The lock ran out, or the window ended: a new window.
			failures, start, lock = 0, now, nil
		}
		if failures >= k.limit.max {
			// Unreachable while the max-th attempt sets the lock, but a
			// full window must never let one more through.
			until = later(until, start.Add(k.limit.window))
			continue
		}
		failures++
		a := attempt{key: k.key, n: failures, window: start}
		if failures >= k.limit.max {
			a.locked = now.Add(k.limit.lock)
			lock = &a.locked
		}
		if err := writeRow(ctx, tx, now, t.ID, failures, start, lock); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if !until.IsZero() {
		return nil, errThrottled(until)
	}
	return out, nil
}

// later is the later of a and b.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// lockRow makes sure key's row exists and reads it under a row lock
// (PostgreSQL; SQLite's immediate transactions are already serial), so that
// concurrent attempts on one key queue instead of reading the same count.
func lockRow(ctx context.Context, tx *store.Tx, now time.Time, key string) (*ent.SignInThrottle, error) {
	sys := viewer.System(ctx)
	err := tx.Client.SignInThrottle.Create().
		SetKey(key).SetFailures(0).SetWindowStart(now).SetCreatedAt(now).SetUpdatedAt(now).
		OnConflictColumns(signinthrottle.FieldKey).Ignore().
		Exec(sys)
	if err != nil {
		return nil, fmt.Errorf("auth: throttle insert: %w", err)
	}
	q := tx.Client.SignInThrottle.Query().Where(signinthrottle.Key(key))
	if tx.Dialect == dialect.Postgres {
		q = q.ForUpdate()
	}
	t, err := q.Only(sys)
	if err != nil {
		return nil, fmt.Errorf("auth: throttle read: %w", err)
	}
	return t, nil
}

// writeRow stores a throttle row's count, window and lock (nil: none).
func writeRow(ctx context.Context, tx *store.Tx, now time.Time, id pulid.ID, failures int, start time.Time, lock *time.Time) error {
	// Update, not UpdateOne: UpdateOne opens a transaction of its own,
	// which a client bound to store.Tx cannot do.
	upd := tx.Client.SignInThrottle.Update().Where(signinthrottle.ID(id)).
		SetFailures(failures).SetWindowStart(start).SetUpdatedAt(now)
	if lock == nil {
		upd.ClearLockedUntil()
	} else {
		upd.SetLockedUntil(*lock)
	}
	if _, err := upd.Save(viewer.System(ctx)); err != nil {
		return fmt.Errorf("auth: throttle update: %w", err)
	}
	return nil
}

// releaseTx gives back attempts whose secret turned out right (a right
// password for a LOCKED account, say): each stops counting as a failure,
// and a lock it started is lifted. An attempt whose window has ended or
// was cleared meanwhile has nothing left to undo.
func releaseTx(ctx context.Context, tx *store.Tx, now time.Time, as ...attempt) error {
	for _, a := range as {
		if a.key == "" {
			continue
		}
		t, err := lockRow(ctx, tx, now, a.key)
		if err != nil {
			return err
		}
		if !t.WindowStart.Equal(a.window) || t.Failures == 0 {
			continue
		}
		lock := t.LockedUntil
		if !a.locked.IsZero() && lock != nil && lock.Equal(a.locked) {
			lock = nil
		}
		if err := writeRow(ctx, tx, now, t.ID, t.Failures-1, t.WindowStart, lock); err != nil {
			return err
		}
	}
	return nil
}

// release is releaseTx in a transaction of its own.
func (s *Service) release(ctx context.Context, now time.Time, as ...attempt) error {
	return s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		return releaseTx(ctx, tx, now, as...)
	})
}

// clearKey forgets the attempts and the lock of key.
func clearKey(ctx context.Context, tx *store.Tx, now time.Time, key string) error {
	_, err := tx.Client.SignInThrottle.Update().
		Where(signinthrottle.Key(key)).
		SetFailures(0).SetWindowStart(now).ClearLockedUntil().SetUpdatedAt(now).
		Save(viewer.System(ctx))
	if err != nil {
		return fmt.Errorf("auth: throttle clear: %w", err)
	}
	return nil
}

// delay is the slow-down after a failure: one step per failure recently
// recorded for the login, or per ten for the client address, capped. It
// makes a guessing script serial and slow without hurting a person who
// mistypes once.
func (s *Service) delay(loginFailures, ipFailures int) time.Duration {
	n := max(loginFailures-1, ipFailures/10)
	return min(time.Duration(n)*s.delayStep, s.delayCap)
}

// failure is a failed attempt to prove who one is: a wrong password at
// sign-in or password change.
type failure struct {
	acct     *ent.Account // nil for an unknown login
	login    attempt      // the attempt taken under the login's key
	ip       attempt      // the attempt taken under the client's key, zero if unknown
	action   string       // the audit action
	reason   string       // the audit detail "reason"
	answer   error        // what the caller is told
	unitPath string
}

// fail records f (audit, and the locks its attempts started: the attempts
// themselves were counted by reserve) and answers after the slow-down.
func (s *Service) fail(ctx context.Context, now time.Time, f failure) error {
	err := audit.Write(ctx, s.db, nil, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		targetType, targetID := "Login", ""
		if f.acct != nil {
			targetType, targetID = "Account", string(f.acct.ID)
		}
		c.Record(now, audit.Entry{
			Action: f.action, TargetType: targetType, TargetID: targetID, UnitPath: f.unitPath,
			Detail: map[string]any{"reason": f.reason, "failures": f.login.n},
		})
		if !f.login.locked.IsZero() {
			c.Record(now, audit.Entry{
				Action: "auth.sign_in_locked", TargetType: targetType, TargetID: targetID, UnitPath: f.unitPath,
				Detail: map[string]any{"scope": "login", "until": f.login.locked.UTC().Format(time.RFC3339), "failures": f.login.n},
			})
		}
		return auditAddressLock(ctx, tx, now, f.ip)
	})
	if err != nil {
		return err
	}
	if err := s.sleep(ctx, s.delay(f.login.n, f.ip.n)); err != nil {
		return fmt.Errorf("auth: slow-down: %w", err)
	}
	return f.answer
}

// auditAddressLock records the lock of a client address that a failed
// attempt started, if it did.
func auditAddressLock(ctx context.Context, tx *store.Tx, now time.Time, ip attempt) error {
	if ip.locked.IsZero() {
		return nil
	}
	return audit.Record(ctx, tx, now, audit.Entry{
		Action: "auth.sign_in_locked", TargetType: "ClientAddress",
		Detail: map[string]any{"scope": "ip", "until": ip.locked.UTC().Format(time.RFC3339), "failures": ip.n},
	})
}

// Unlock clears the sign-in lock of an account (admins: unlockSignIn).
// The lock of a client address is left to run out.
func (s *Service) Unlock(ctx context.Context, accountID pulid.ID) error {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return errUnauthenticated()
	}
	// Decide before reading: whether an account id exists is nobody's business
	// but an admin's.
	if v.Scope(policy.ObjAccount, policy.ActUnlock).Empty() {
		return errMayNotUnlock()
	}
	sys := viewer.System(ctx)
	acct, err := s.db.Client.Account.Get(sys, accountID)
	switch {
	case ent.IsNotFound(err):
		return errAccountNotFound()
	case err != nil:
		return fmt.Errorf("auth: unlock: %w", err)
	}
	if err := s.mayUnlock(ctx, v, acct); err != nil {
		return err
	}
	now := s.now()
	return audit.Write(ctx, s.db, nil, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		until, err := lockedUntil(ctx, tx.Client, now, accountKey(acct.ID))
		if err != nil {
			return err
		}
		if err := clearKey(ctx, tx, now, accountKey(acct.ID)); err != nil {
			return err
		}
		path, err := unitPathOf(ctx, tx.Client, acct)
		if err != nil {
			return err
		}
		c.Record(now, audit.Entry{
			Action: "auth.sign_in_unlocked", TargetType: "Account", TargetID: string(acct.ID), UnitPath: path,
			Detail: map[string]any{"wasLocked": !until.IsZero()},
		})
		return nil
	})
}

// mayUnlock: an admin whose scope covers the officer's unit, for an officer
// with a unit; any admin for other accounts, which belong to no unit's
// subtree (as for reading them: ent/schema/privacy.go accountPolicy).
func (s *Service) mayUnlock(ctx context.Context, v *viewer.Viewer, acct *ent.Account) error {
	scope := v.Scope(policy.ObjAccount, policy.ActUnlock)
	if scope.Empty() {
		return errMayNotUnlock()
	}
	o, err := s.db.Client.Officer.Query().Where(officer.AccountID(acct.ID)).Only(viewer.System(ctx))
	switch {
	case ent.IsNotFound(err):
		return nil
	case err != nil:
		return fmt.Errorf("auth: unlock: %w", err)
	}
	if o.UnitPath != "" && !scope.Covers(o.UnitPath) {
		return errUnlockOutOfScope()
	}
	return nil
}

// LockedUntil is when an account's sign-in lock ends, nil when it is not
// locked (Account.signInLockedUntil). Only admins are told; for anyone else
// it is nil.
func (s *Service) LockedUntil(ctx context.Context, accountID pulid.ID) (*time.Time, error) {
	if viewer.FromContext(ctx).Scope(policy.ObjAccount, policy.ActRead).Empty() {
		return nil, nil
	}
	until, err := lockedUntil(ctx, s.db.Client, s.now(), accountKey(accountID))
	if err != nil || until.IsZero() {
		return nil, err
	}
	return &until, nil
}

// purgeThrottles deletes throttle rows whose last window began more than a
// day ago and whose lock, if any, is over.
func (s *Service) purgeThrottles(ctx context.Context, now time.Time) (int, error) {
	n, err := s.db.Client.SignInThrottle.Delete().
		Where(
			signinthrottle.WindowStartLT(now.Add(-24*time.Hour)),
			signinthrottle.Or(signinthrottle.LockedUntilIsNil(), signinthrottle.LockedUntilLT(now)),
		).
		Exec(viewer.System(ctx))
	if err != nil {
		return 0, fmt.Errorf("auth: purge throttles: %w", err)
	}
	return n, nil
}
