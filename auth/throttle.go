package auth

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/officer"
	"github.com/motcua/motcua/ent/oidcbackchanneldelivery"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/signinthrottle"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/viewer"
)

// ActUnlock is the policy action of clearing an account's sign-in lock
// (policy.csv: "p, admin, account, unlock").
const ActUnlock = "unlock"

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

// count records one attempt under key in tx. It returns how many attempts
// the current window holds with this one, and the lock this attempt started
// (zero if none): the l.max-th attempt of a window locks the key for l.lock.
// A window starts with the first attempt after the previous one ended or
// after a lock ran out.
func count(ctx context.Context, tx *store.Tx, now time.Time, key string, l limit) (int, time.Time, error) {
	sys := viewer.System(ctx)
	// Make sure the row exists, then read it under a row lock, so that
	// concurrent failures each count (PostgreSQL; SQLite is serial).
	err := tx.Client.SignInThrottle.Create().
		SetKey(key).SetFailures(0).SetWindowStart(now).SetCreatedAt(now).SetUpdatedAt(now).
		OnConflictColumns(signinthrottle.FieldKey).Ignore().
		Exec(sys)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("auth: throttle insert: %w", err)
	}
	q := tx.Client.SignInThrottle.Query().Where(signinthrottle.Key(key))
	if tx.Dialect == dialect.Postgres {
		q = q.ForUpdate()
	}
	t, err := q.Only(sys)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("auth: throttle read: %w", err)
	}
	failures, start, until := t.Failures, t.WindowStart, t.LockedUntil
	lockActive := until != nil && now.Before(*until)
	if !lockActive && (until != nil || !now.Before(start.Add(l.window))) {
		failures, start, until = 0, now, nil
	}
	failures++
	var locked time.Time
	if failures >= l.max && !lockActive {
		locked = now.Add(l.lock)
		until = &locked
	}
	// Update, not UpdateOne: UpdateOne opens a transaction of its own,
	// which a client bound to store.Tx cannot do.
	upd := tx.Client.SignInThrottle.Update().Where(signinthrottle.ID(t.ID)).
		SetFailures(failures).SetWindowStart(start).SetUpdatedAt(now)
	if until == nil {
		upd.ClearLockedUntil()
	} else {
		upd.SetLockedUntil(*until)
	}
	_, err = upd.Save(sys)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("auth: throttle update: %w", err)
	}
	return failures, locked, nil
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
	key      string       // the login's throttle key
	ip       string       // the client's throttle key, "" if unknown
	action   string       // the audit action
	reason   string       // the audit detail "reason"
	answer   error        // what the caller is told
	unitPath string
}

// fail records f (counts, locks, audit) and answers after the slow-down.
func (s *Service) fail(ctx context.Context, now time.Time, f failure) error {
	var loginN, ipN int
	err := s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		n, locked, err := count(ctx, tx, now, f.key, s.accountLimit)
		if err != nil {
			return err
		}
		loginN = n
		targetType, targetID := "Login", ""
		if f.acct != nil {
			targetType, targetID = "Account", string(f.acct.ID)
		}
		if err := audit.Record(ctx, tx, now, audit.Entry{
			Action: f.action, TargetType: targetType, TargetID: targetID, UnitPath: f.unitPath,
			Detail: map[string]any{"reason": f.reason, "failures": n},
		}); err != nil {
			return err
		}
		if !locked.IsZero() && f.acct != nil {
			if err := s.revokeElsewhere(ctx, tx, f.acct.ID, oidcbackchanneldelivery.ReasonACCOUNT_LOCKED); err != nil {
				return err
			}
		}
		if !locked.IsZero() {
			if err := audit.Record(ctx, tx, now, audit.Entry{
				Action: "auth.sign_in_locked", TargetType: targetType, TargetID: targetID, UnitPath: f.unitPath,
				Detail: map[string]any{"scope": "login", "until": locked.UTC().Format(time.RFC3339), "failures": n},
			}); err != nil {
				return err
			}
		}
		if f.ip == "" {
			return nil
		}
		n, locked, err = count(ctx, tx, now, f.ip, s.ipLimit)
		if err != nil {
			return err
		}
		ipN = n
		if !locked.IsZero() {
			return audit.Record(ctx, tx, now, audit.Entry{
				Action: "auth.sign_in_locked", TargetType: "ClientAddress",
				Detail: map[string]any{"scope": "ip", "until": locked.UTC().Format(time.RFC3339), "failures": n},
			})
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := s.sleep(ctx, s.delay(loginN, ipN)); err != nil {
		return fmt.Errorf("auth: slow-down: %w", err)
	}
	return f.answer
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
	if v.Scope(policy.ObjAccount, ActUnlock).Empty() {
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
	return s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
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
		return audit.Record(ctx, tx, now, audit.Entry{
			Action: "auth.sign_in_unlocked", TargetType: "Account", TargetID: string(acct.ID), UnitPath: path,
			Detail: map[string]any{"wasLocked": !until.IsZero()},
		})
	})
}

// mayUnlock: an admin whose scope covers the officer's unit, for an officer
// with a unit; any admin for other accounts, which belong to no unit's
// subtree (as for reading them: ent/schema/privacy.go accountPolicy).
func (s *Service) mayUnlock(ctx context.Context, v *viewer.Viewer, acct *ent.Account) error {
	scope := v.Scope(policy.ObjAccount, ActUnlock)
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
