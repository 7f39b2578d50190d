package registrations

import (
	"context"
	"errors"
	"fmt"
	"github.com/motcua/motcua/internal/platform/sms"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/auditevent"
	"github.com/motcua/motcua/ent/privacy"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/session"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/smsqueue"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// actionResendPassword is the audit action of ResendInitialPassword; the
// audit trail is also what its rate limit counts.
const actionResendPassword = "account.resend_initial_password"

func errAccountNotFound() *refusal.Error {
	return refusal.New(refusal.NotFound, "Không tìm thấy tài khoản.", "Account not found.")
}

// ResendInitialPassword is problem 3 of §4: the password SMS did not arrive
// or was lost. It gives the account a fresh initial password (72 hours,
// single use, must be changed), so the old one stops working; revokes the
// account's sessions, which a stranger holding the old SMS could have
// opened; and sends the new password by SMS. Only the officer who created
// the account (still a registrar at that desk) or an admin whose scope
// covers the desk may do it, only while the citizen has not chosen their
// own password, and at most MaxPasswordResendsPerHour times an hour.
func (s *Service) ResendInitialPassword(ctx context.Context, accountID pulid.ID) (*ent.SMSMessage, error) {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return nil, errUnauthenticated()
	}
	if v.Scope(policy.ObjRegistration, policy.ActCreate).Empty() && v.Scope(policy.ObjAccount, policy.ActRead).Empty() {
		return nil, errNoRight()
	}
	acc, unitPath, err := s.resendTarget(ctx, v, accountID)
	if err != nil {
		return nil, err
	}
	pw, hash, err := s.newInitialPassword(ctx)
	if err != nil {
		return nil, err
	}
	sys := viewer.System(ctx)
	now := s.now()
	var smsID pulid.ID
	err = audit.Write(ctx, s.db, s.bus, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		// The conditional update locks the account first, so concurrent
		// resends count each other below.
		if err := replaceInitialPassword(sys, tx, accountID, hash, now); err != nil {
			return err
		}
		if err := s.checkResendRate(sys, tx.Client, accountID, now); err != nil {
			return err
		}
		revoked, err := revokeSessions(sys, tx, accountID, now)
		if err != nil {
			return err
		}
		out, err := passwordSMS(sys, tx, acc, unitPath, pw, now)
		if err != nil {
			return err
		}
		m, err := s.outbox.Enqueue(ctx, tx, out)
		if err != nil {
			return fmt.Errorf("enrol: resend password: enqueue: %w", err)
		}
		smsID = m.ID
		c.Record(now, audit.Entry{
			Action: actionResendPassword, TargetType: "Account", TargetID: string(accountID), UnitPath: unitPath,
			Detail: map[string]any{"smsId": string(m.ID), "revokedSessions": len(revoked)},
		})
		for _, id := range revoked {
			c.Publish(events.Event{Topic: events.TopicSession, ID: string(id), Status: "REVOKED"})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	m, err := s.db.Client.SMSMessage.Get(ctx, smsID)
	if err != nil {
		return nil, fmt.Errorf("enrol: resend password: %w", err)
	}
	return m, nil
}

// resendTarget reads the account whose initial password v asks to resend,
// and the path of the desk that created it, and checks that v may: the
// officer who created it (still a registrar there) or an admin whose scope
// covers the desk, while the citizen has not chosen their own password.
func (s *Service) resendTarget(ctx context.Context, v *viewer.Viewer, accountID pulid.ID) (*ent.Account, string, error) {
	acc, err := s.db.Client.Account.Get(ctx, accountID)
	switch {
	case ent.IsNotFound(err), errors.Is(err, privacy.Deny):
		return nil, "", errAccountNotFound()
	case err != nil:
		return nil, "", fmt.Errorf("enrol: resend password: %w", err)
	}
	var unitPath string
	if acc.CreatedAtUnitID != nil {
		u, err := s.db.Client.Unit.Get(viewer.System(ctx), *acc.CreatedAtUnitID)
		if err != nil {
			return nil, "", fmt.Errorf("enrol: resend password: unit: %w", err)
		}
		unitPath = u.Path
	}
	creator := acc.CreatedByOfficerID != nil && v.OfficerID != "" && *acc.CreatedByOfficerID == v.OfficerID &&
		v.Can(policy.ObjRegistration, policy.ActCreate, unitPath)
	if !creator && !v.Can(policy.ObjAccount, policy.ActRead, unitPath) {
		return nil, "", refusal.New(refusal.Forbidden,
			"Chỉ cán bộ đã tạo tài khoản này hoặc quản trị viên phụ trách đơn vị mới được gửi lại mật khẩu.",
			"Only the officer who created this account, or an admin in charge of its unit, may resend the password.")
	}
	if !acc.MustChangePassword || acc.Status != account.StatusACTIVE {
		return nil, "", errPasswordAlreadyChosen()
	}
	return acc, unitPath, nil
}

// replaceInitialPassword gives the account a fresh initial password (its
// hash), unless the citizen has chosen their own meanwhile.
func replaceInitialPassword(sys context.Context, tx *store.Tx, accountID pulid.ID, hash string, now time.Time) error {
	n, err := tx.Client.Account.Update().
		Where(account.ID(accountID), account.MustChangePassword(true), account.StatusEQ(account.StatusACTIVE)).
		SetPasswordHash(hash).SetInitialPasswordExpiresAt(now.Add(InitialPasswordTTL)).
		ClearInitialPasswordUsedAt().SetUpdatedAt(now).
		Save(sys)
	if err != nil {
		return fmt.Errorf("enrol: resend password: %w", err)
	}
	if n == 0 {
		return errPasswordAlreadyChosen()
	}
	return nil
}

// revokeSessions revokes, inside tx, the account's open sessions (a
// stranger holding the old password could have opened them) and returns
// their ids.
func revokeSessions(sys context.Context, tx *store.Tx, accountID pulid.ID, now time.Time) ([]pulid.ID, error) {
	revoked, err := tx.Client.Session.Query().
		Where(session.AccountID(accountID), session.RevokedAtIsNil()).IDs(sys)
	if err != nil {
		return nil, fmt.Errorf("enrol: resend password: sessions: %w", err)
	}
	if len(revoked) > 0 {
		if err := tx.Client.Session.Update().Where(session.IDIn(revoked...)).SetRevokedAt(now).Exec(sys); err != nil {
			return nil, fmt.Errorf("enrol: resend password: revoke sessions: %w", err)
		}
	}
	return revoked, nil
}

// passwordSMS is the SMS that carries the new initial password pw of acc,
// attached to the account's desk case, so that the case's screen shows its
// delivery.
func passwordSMS(sys context.Context, tx *store.Tx, acc *ent.Account, unitPath, pw string, now time.Time) (smsqueue.Outgoing, error) {
	expires := now.Add(InitialPasswordTTL)
	out := smsqueue.Outgoing{
		Kind: sms.InitialPassword, Phone: acc.Phone, Body: newPasswordSMS(pw),
		AccountID: &acc.ID, UnitPath: unitPath, SendBefore: &expires,
	}
	if acc.CreatedByOfficerID != nil {
		out.OfficerID = string(*acc.CreatedByOfficerID)
	}
	reg, err := tx.Client.Registration.Query().Where(registration.AccountID(acc.ID)).First(sys)
	switch {
	case err == nil:
		out.RegistrationID = &reg.ID
	case !ent.IsNotFound(err):
		return out, fmt.Errorf("enrol: resend password: %w", err)
	}
	return out, nil
}

func errPasswordAlreadyChosen() *refusal.Error {
	return refusal.New(refusal.InvalidState,
		"Công dân đã tự đặt mật khẩu (hoặc tài khoản đang bị khóa) nên không gửi lại mật khẩu ban đầu. Nếu quên mật khẩu, công dân dùng chức năng [Quên mật khẩu] trên Cổng (mục 4.3 của hướng dẫn).",
		"The citizen has already set their own password (or the account is locked), so no initial password is sent. A citizen who forgot it uses [Forgot password] on the portal (problem 3 of §4).")
}

// checkResendRate allows MaxPasswordResendsPerHour resends in any rolling
// hour, counted from the audit trail, which records each one in the same
// transaction.
func (s *Service) checkResendRate(sys context.Context, c *ent.Client, accountID pulid.ID, now time.Time) error {
	recent, err := c.AuditEvent.Query().
		Where(auditevent.TargetID(string(accountID)), auditevent.Action(actionResendPassword),
			auditevent.AtGT(now.Add(-time.Hour))).
		Order(ent.Asc(auditevent.FieldAt)).All(sys)
	if err != nil {
		return fmt.Errorf("enrol: resend rate: %w", err)
	}
	if len(recent) < MaxPasswordResendsPerHour {
		return nil
	}
	at := recent[len(recent)-MaxPasswordResendsPerHour].At.Add(time.Hour)
	return refusal.New(refusal.RateLimited,
		"Mật khẩu của tài khoản này đã được gửi lại 3 lần trong một giờ. Vui lòng thử lại sau.",
		"The password of this account has been resent 3 times within an hour. Please try again later.").
		With("availableAt", at.Format(time.RFC3339))
}
