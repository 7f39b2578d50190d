package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/oidcbackchanneldelivery"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/session"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/smsqueue"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/password"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/policy/viewer"
)

// ChangePassword replaces the viewer's password. The current password must
// be given, and is checked like a sign-in's: an attempt is reserved under
// the client address and the account before hashing (same throttle, same
// RATE_LIMITED once a limit is reached, same slow-down after a wrong one);
// the new one must pass password.Check and differ from it.
//
// After the change the account no longer must change its password, an
// initial password is dead (its fields are cleared), this session becomes a
// full one (password_change_only is cleared on it: the HTTP layer keeps the
// same cookie) and every other session is revoked. A voluntary change is
// announced by SMS (PASSWORD_CHANGED); the forced first change is not, the
// citizen being in the middle of it.
func (s *Service) ChangePassword(ctx context.Context, current, next string) error {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return errUnauthenticated()
	}
	now := s.now()
	acct, err := s.db.Client.Account.Get(viewer.System(ctx), v.AccountID)
	if err != nil {
		return fmt.Errorf("auth: change password: %w", err)
	}
	path, err := unitPathOf(ctx, s.db.Client, acct)
	if err != nil {
		return err
	}
	key, ip := accountKey(acct.ID), ipKey(requestinfo.FromContext(ctx).ClientIP)
	taken, err := s.reserve(ctx, now, throttled{ip, s.ipLimit}, throttled{key, s.accountLimit})
	if err != nil {
		return err
	}
	ok, err := s.checkPassword(ctx, acct, current)
	if err != nil {
		return err
	}
	if !ok {
		return s.fail(ctx, now, failure{
			acct: acct, login: taken.of(key), ip: taken.of(ip), action: "auth.password_change_failed", reason: "wrong_password",
			answer: errWrongCurrentPassword(), unitPath: path,
		})
	}
	// From here the current password was right: a refusal gives the
	// attempts back.
	giveBack := func(answer error) error {
		if err := s.release(ctx, now, taken...); err != nil {
			return errors.Join(answer, err)
		}
		return answer
	}
	if next == current {
		return giveBack(errSamePassword())
	}
	if err := password.Check(next, factsOf(acct)); err != nil {
		return giveBack(err)
	}
	hash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return fmt.Errorf("auth: change password: %w", err)
	}
	return s.saveNewPassword(ctx, v, acct, hash, path, taken.of(ip), now)
}

// saveNewPassword stores the checked new password's hash in one
// transaction with all that follows from it (see ChangePassword): it fails
// with PASSWORD_CHANGED_MEANWHILE when the password changed since acct was
// read. ipAttempt is the attempt reserved under the client address.
func (s *Service) saveNewPassword(ctx context.Context, v *viewer.Viewer, acct *ent.Account, hash, path string, ipAttempt attempt, now time.Time) error {
	forced := acct.MustChangePassword
	return audit.Write(ctx, s.db, nil, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		sys := viewer.System(ctx)
		// Only if nobody changed the password since it was checked (a
		// reset running at the same time).
		n, err := tx.Client.Account.Update().
			Where(account.ID(acct.ID), account.PasswordHash(acct.PasswordHash)).
			SetPasswordHash(hash).
			SetMustChangePassword(false).
			ClearInitialPasswordExpiresAt().
			ClearInitialPasswordUsedAt().
			SetUpdatedAt(now).
			Save(sys)
		if err != nil {
			return fmt.Errorf("auth: change password: %w", err)
		}
		if n == 0 {
			return errPasswordChangedMeanwhile()
		}
		if err := s.fullSession(ctx, tx, v.SessionID, now); err != nil {
			return err
		}
		others, err := openSessions(ctx, tx.Client, acct.ID, v.SessionID)
		if err != nil {
			return err
		}
		if err := s.revoke(ctx, tx, now, others); err != nil {
			return err
		}
		if err := releaseTx(ctx, tx, now, ipAttempt); err != nil {
			return err
		}
		if err := s.revokeElsewhere(ctx, tx, acct.ID, oidcbackchanneldelivery.ReasonPASSWORD_CHANGED); err != nil {
			return err
		}
		if err := clearKey(ctx, tx, now, accountKey(acct.ID)); err != nil {
			return err
		}
		if !forced {
			if err := s.notifyChanged(ctx, tx, now, acct, path); err != nil {
				return err
			}
		}
		c.Record(now, audit.Entry{
			Action: "auth.password_changed", TargetType: "Account", TargetID: string(acct.ID), UnitPath: path,
			Detail: map[string]any{"forced": forced, "sessionsRevoked": len(others)},
		})
		return nil
	})
}

// fullSession makes the session sessionID (none: "") a full one after its
// password change.
func (s *Service) fullSession(ctx context.Context, tx *store.Tx, sessionID pulid.ID, now time.Time) error {
	if sessionID == "" {
		return nil
	}
	err := tx.Client.Session.Update().
		Where(session.ID(sessionID), session.RevokedAtIsNil()).
		SetPasswordChangeOnly(false).SetUpdatedAt(now).
		Exec(viewer.System(ctx))
	if err != nil {
		return fmt.Errorf("auth: change password: session: %w", err)
	}
	// Its cached viewer may still be change-only.
	tx.OnCommit(func() { s.viewers.dropSession(sessionID) })
	return nil
}

// vietnamTime is Indochina Time (UTC+7, no daylight saving), for SMS texts.
var vietnamTime = time.FixedZone("ICT", 7*60*60)

// changedText is the PASSWORD_CHANGED SMS: ASCII, one GSM-7 segment.
func changedText(at time.Time) string {
	return fmt.Sprintf("Mat khau tai khoan Cong DVC cua ban da duoc thay doi luc %s. Neu khong phai ban thuc hien, hay lien he bo phan mot cua ngay.",
		at.In(vietnamTime).Format("15:04 02/01/2006"))
}

// notifyChanged enqueues the PASSWORD_CHANGED SMS in tx.
func (s *Service) notifyChanged(ctx context.Context, tx *store.Tx, now time.Time, acct *ent.Account, unitPath string) error {
	id := acct.ID
	_, err := s.outbox.Enqueue(ctx, tx, smsqueue.Outgoing{
		Kind: sms.PasswordChanged, Phone: acct.Phone, Body: changedText(now),
		AccountID: &id, UnitPath: unitPath,
	})
	if err != nil {
		return fmt.Errorf("auth: notify password change: %w", err)
	}
	return nil
}

// CreateSuperAdmin creates an ACTIVE account with an officer record holding
// super_admin (`motcua admin create-super`, the password read from stdin).
// The ID number must be a 12-digit CCCD, the phone a Vietnamese mobile, and
// the password must pass password.Check. The account's origin is IMPORTED
// (it comes from outside the portal's flows). The command gives no birth
// date, which the account needs: it is set to 1 January of the birth year
// the CCCD encodes.
func (s *Service) CreateSuperAdmin(ctx context.Context, idNumber, fullName, phone, pw string) (*ent.Account, error) {
	id, err := vn.ParseIDNumber(idNumber)
	if err != nil {
		return nil, err
	}
	if err := vn.RequireCCCD(id); err != nil {
		return nil, err
	}
	name := vn.NormalizeName(fullName)
	if name == "" || len(name) > 100 {
		return nil, errBadName()
	}
	e164, err := vn.NormalizePhone(phone)
	if err != nil {
		return nil, err
	}
	dob := time.Date(id.Century+id.YearTwoDigits, time.January, 1, 0, 0, 0, 0, time.UTC)
	if err := password.Check(pw, password.Facts{IDNumber: id.Digits, Phone: e164, FullName: name, DateOfBirth: dob}); err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(ctx, pw)
	if err != nil {
		return nil, fmt.Errorf("auth: create super admin: %w", err)
	}
	now := s.now()
	var acct *ent.Account
	err = audit.Write(ctx, s.db, s.bus, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		var o *ent.Officer
		var err error
		acct, o, err = createSuperAdmin(ctx, tx, tx.Client.Account.Create().
			SetIDNumber(id.Digits).SetIDKind(account.IDKindCCCD).
			SetFullName(name).SetNameFolded(vn.Fold(name)).
			SetDateOfBirth(dob).SetPhone(e164).
			SetStatus(account.StatusACTIVE).SetOrigin(account.OriginIMPORTED).
			SetPasswordHash(hash).
			SetCreatedAt(now).SetUpdatedAt(now), id.Digits, now)
		if err != nil {
			return err
		}
		c.Record(now, audit.Entry{
			Action: "admin.super_admin_created", TargetType: "Officer", TargetID: string(o.ID),
			Detail: map[string]any{"accountId": string(acct.ID)},
		})
		c.Publish(events.Event{Topic: events.TopicPolicy})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return acct, nil
}

// createSuperAdmin saves the account create builds, unless an account holds
// the ID number digits already, and its officer record holding super_admin,
// created at now.
func createSuperAdmin(ctx context.Context, tx *store.Tx, create *ent.AccountCreate, digits string, now time.Time) (*ent.Account, *ent.Officer, error) {
	sys := viewer.System(ctx)
	exists, err := tx.Client.Account.Query().
		Where(account.Or(account.IDNumber(digits), account.CmndNumber(digits))).
		Exist(sys)
	if err != nil {
		return nil, nil, fmt.Errorf("auth: create super admin: %w", err)
	}
	if exists {
		return nil, nil, errSuperAdminExists()
	}
	acct, err := create.Save(sys)
	if err != nil {
		return nil, nil, fmt.Errorf("auth: create super admin: account: %w", err)
	}
	o, err := tx.Client.Officer.Create().
		SetAccountID(acct.ID).SetSuperAdmin(true).
		SetCreatedAt(now).SetUpdatedAt(now).
		Save(sys)
	if err != nil {
		return nil, nil, fmt.Errorf("auth: create super admin: officer: %w", err)
	}
	return acct, o, nil
}
