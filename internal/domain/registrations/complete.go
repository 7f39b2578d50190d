package registrations

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/otpchallenge"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/smsqueue"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/password"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/policy/viewer"
)

// Complete registers the account (§3 step 3) with the latest code the
// citizen received: OTP_SENT → CREATED. The code is consumed by a
// conditional update in the same transaction that creates the account, so
// of two submissions of the right code exactly one succeeds. The account is
// ACTIVE, of origin ONE_STOP_DESK, with a random initial password that must
// be changed at the first sign-in; the password goes to the citizen by SMS
// and is never shown to the officer. The unique ID number makes a second
// account impossible even if another path created one meanwhile
// (ACCOUNT_EXISTS).
func (s *Service) Complete(ctx context.Context, id pulid.ID, code string) (*ent.Registration, error) {
	v, reg, err := s.openCase(ctx, id, registration.StateOTP_SENT)
	if err != nil {
		return nil, err
	}
	ch, err := s.checkCode(ctx, reg, code)
	if err != nil {
		return nil, err
	}
	// Hash before the transaction: argon2id takes tens of milliseconds and
	// must not hold the case's row lock.
	pw, hash, err := s.newInitialPassword(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = audit.Write(ctx, s.db, s.bus, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		sys := viewer.System(ctx)
		if err := s.consumeCode(ctx, tx, id, ch.ID, now); err != nil {
			return err
		}
		if err := s.refuseExistingAccount(sys, tx.Client, reg.IDNumber); err != nil {
			return err
		}
		acc, err := createDeskAccount(sys, tx, reg, hash, now)
		if err != nil {
			return err
		}
		err = tx.Client.Registration.Update().Where(registration.ID(id)).
			SetState(registration.StateCREATED).ClearOpenIDNumber().SetAccountID(acc.ID).
			SetCompletedAt(now).ClearResendAvailableAt().SetUpdatedAt(now).
			Exec(sys)
		if err != nil {
			return fmt.Errorf("enrol: complete: %w", err)
		}
		expires := now.Add(InitialPasswordTTL)
		_, err = s.outbox.Enqueue(ctx, tx, smsqueue.Outgoing{
			Kind: sms.InitialPassword, Phone: acc.Phone, Body: initialPasswordSMS(pw),
			SendBefore: &expires, RegistrationID: &id, AccountID: &acc.ID,
			OfficerID: string(reg.OfficerID), UnitPath: reg.UnitPath,
		})
		if err != nil {
			return fmt.Errorf("enrol: complete: enqueue: %w", err)
		}
		c.Record(now, audit.Entry{
			Action: "account.create", TargetType: "Account", TargetID: string(acc.ID), UnitPath: reg.UnitPath,
			Detail: map[string]any{
				"registrationId": string(id), "origin": string(account.OriginONE_STOP_DESK),
				"unitId": string(reg.UnitID), "officerId": string(v.OfficerID),
				"idNumberMasked": vn.MaskIDNumber(reg.IDNumber),
			},
		})
		c.Publish(s.stateChanged(id, registration.StateCREATED))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.reload(ctx, id)
}

// consumeCode takes, inside tx, the case (still OTP_SENT and not idle) and
// its code challengeID (still the latest, unused and unexpired) for
// completion; it refuses with the case's or the code's state as it is now
// when either changed meanwhile.
func (s *Service) consumeCode(ctx context.Context, tx *store.Tx, id, challengeID pulid.ID, now time.Time) error {
	sys := viewer.System(ctx)
	n, err := tx.Client.Registration.Update().
		Where(registration.ID(id), registration.StateEQ(registration.StateOTP_SENT), registration.ExpiresAtGT(now)).
		SetUpdatedAt(now).Save(sys)
	if err != nil {
		return fmt.Errorf("enrol: complete: %w", err)
	}
	if n == 0 {
		return s.currentStateRefusal(ctx, tx, id)
	}
	// No condition on the tries: checkCode compared this code within
	// them (it took a try to do so), and gave the try back since the
	// code was right.
	n, err = tx.Client.OTPChallenge.Update().
		Where(otpchallenge.ID(challengeID), otpchallenge.ConsumedAtIsNil(), otpchallenge.Superseded(false),
			otpchallenge.ExpiresAtGT(now)).
		SetConsumedAt(now).SetUpdatedAt(now).Save(sys)
	if err != nil {
		return fmt.Errorf("enrol: complete: consume code: %w", err)
	}
	if n == 1 {
		return nil
	}
	fresh, err := tx.Client.OTPChallenge.Get(sys, challengeID)
	if err != nil {
		return fmt.Errorf("enrol: complete: %w", err)
	}
	if verdict := s.policy.Verdict(now, challengeOf(fresh), true); verdict != nil {
		return verdict
	}
	return errWrongState(registration.StateOTP_SENT)
}

// createDeskAccount creates the account of the case reg: ACTIVE, of origin
// ONE_STOP_DESK, with the initial password's hash, which must be changed.
func createDeskAccount(sys context.Context, tx *store.Tx, reg *ent.Registration, hash string, now time.Time) (*ent.Account, error) {
	c := tx.Client.Account.Create().
		SetIDNumber(reg.IDNumber).SetIDKind(account.IDKindCCCD).
		SetFullName(reg.FullName).SetNameFolded(vn.Fold(reg.FullName)).
		SetDateOfBirth(reg.DateOfBirth).SetPhone(reg.Phone).
		SetStatus(account.StatusACTIVE).SetOrigin(account.OriginONE_STOP_DESK).
		SetPasswordHash(hash).SetMustChangePassword(true).
		SetInitialPasswordExpiresAt(now.Add(InitialPasswordTTL)).
		SetCreatedByOfficerID(reg.OfficerID).SetCreatedAtUnitID(reg.UnitID).
		SetCreatedAt(now).SetUpdatedAt(now)
	if reg.Email != "" {
		c.SetEmail(reg.Email)
	}
	acc, err := c.Save(sys)
	if ent.IsConstraintError(err) {
		return nil, errAccountExists()
	}
	if err != nil {
		return nil, fmt.Errorf("enrol: complete: create account: %w", err)
	}
	return acc, nil
}

// refuseExistingAccount refuses a number some account holds, as its number
// or as its CMND alias.
func (s *Service) refuseExistingAccount(sys context.Context, c *ent.Client, digits string) error {
	exists, err := c.Account.Query().
		Where(account.Or(account.IDNumber(digits), account.CmndNumber(digits))).Exist(sys)
	if err != nil {
		return fmt.Errorf("enrol: account check: %w", err)
	}
	if exists {
		return errAccountExists()
	}
	return nil
}

// newInitialPassword returns a random initial password and its hash.
func (s *Service) newInitialPassword(ctx context.Context) (pw, hash string, err error) {
	pw, err = password.GenerateInitial()
	if err != nil {
		return "", "", fmt.Errorf("enrol: initial password: %w", err)
	}
	hash, err = s.hasher.Hash(ctx, pw)
	if err != nil {
		return "", "", fmt.Errorf("enrol: initial password: %w", err)
	}
	return pw, hash, nil
}

// initialPasswordSMS is the SMS of §3 step 3: ASCII without diacritics, one
// GSM-7 segment (160 characters), with neither the name nor the ID number:
// only the password, its validity and what to do with it.
func initialPasswordSMS(pw string) string {
	return "Tai khoan Cong DVC quoc gia da duoc tao. Dang nhap bang so CCCD, mat khau: " + pw +
		" (het han sau 72 gio, doi mat khau khi dang nhap lan dau)."
}

// newPasswordSMS is the SMS of resendInitialPassword (§4 problem 3).
func newPasswordSMS(pw string) string {
	return "Cong DVC quoc gia: mat khau moi cua ban la " + pw +
		" (het han sau 72 gio, doi mat khau khi dang nhap lan dau). Mat khau truoc khong con dung."
}
