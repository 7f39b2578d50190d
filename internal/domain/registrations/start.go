package registrations

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/scans"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

func errScanMissing() *refusal.Error {
	return refusal.New(refusal.Validation,
		"Vui lòng đính kèm tệp quét hai mặt thẻ căn cước (PDF, DOC hoặc DOCX, tối đa 5 MB).",
		"Attach the scan of both sides of the ID card (pdf, doc or docx, at most 5 MB).").OnField("scan")
}

func errAccountExists() *refusal.Error {
	return refusal.New(refusal.AccountExists,
		"Số định danh này đã có tài khoản trên Cổng Dịch vụ công quốc gia: hãy báo cho công dân và không tạo tài khoản mới (mục 3 bước 1).",
		"This ID number already has an account on the National Public Service Portal: tell the citizen and do not create a new one (§3 step 1).").
		OnField("idNumber")
}

// errOpenByYou: the officer already has an open case for the number. We
// refuse rather than resume it silently, because the data entered now may
// differ from the case's; the id lets the screen open that case, where the
// officer continues or cancels it.
func errOpenByYou(id pulid.ID) *refusal.Error {
	return refusal.New(refusal.InvalidState,
		"Bạn đang có một hồ sơ chưa hoàn tất cho số định danh này: hãy tiếp tục hồ sơ đó, hoặc hủy nó rồi lập hồ sơ mới.",
		"You already have an unfinished registration for this ID number: continue it, or cancel it and start again.").
		OnField("idNumber").With("reason", "OPEN_BY_YOU").With("registrationID", string(id))
}

// errOpenElsewhere: another officer has an open case for the number. Only
// one case per number may be open, so that two desks never both create it.
func errOpenElsewhere() *refusal.Error {
	return refusal.New(refusal.InvalidState,
		"Số định danh này đang có một hồ sơ tạo tài khoản chưa hoàn tất do cán bộ khác lập. Hồ sơ đó hết hạn sau 24 giờ không thao tác hoặc khi được hủy; sau đó mới lập được hồ sơ mới.",
		"Another officer has an unfinished registration for this ID number. It expires after 24 hours without activity, or when cancelled; only then can a new one be started.").
		OnField("idNumber").With("reason", "OPEN_ELSEWHERE")
}

// Start opens a registration (§3 step 1): it checks who asks, every entered
// field, the unit (the officer's own) and the scan, refuses an ID number that
// has an account or an open case, stores the scan encrypted and writes the
// case in state DRAFT. On any refusal nothing is left behind: no row, no
// audit record and no stored scan.
func (s *Service) Start(ctx context.Context, in StartInput) (*ent.Registration, error) {
	v, unit, err := s.deskOfficer(ctx, policy.ObjRegistration, policy.ActCreate)
	if err != nil {
		return nil, err
	}
	now := s.now()
	e, checked, err := s.checkStart(ctx, in, unit, now)
	if err != nil {
		return nil, err
	}
	sys := viewer.System(ctx)
	// Refuse a duplicate before the scan goes to the bucket; the transaction
	// checks again, and the unique open_id_number settles a race.
	if err := s.refuseDuplicate(sys, s.db.Client, e.id.Digits, v.OfficerID); err != nil {
		return nil, err
	}
	code, err := newRegistrationCode()
	if err != nil {
		return nil, err
	}
	key, err := s.scans.Put(ctx, checked)
	if err != nil {
		return nil, fmt.Errorf("enrol: start: %w", err)
	}
	var id pulid.ID
	err = audit.Write(ctx, s.db, s.bus, func(ctx context.Context, tx *store.Tx, ch *audit.Change) error {
		if err := s.numberFree(ctx, tx, e.id.Digits, v.OfficerID); err != nil {
			return err
		}
		reg, err := newCase(tx.Client, code, e, v.OfficerID, unit, now).Save(sys)
		if err != nil {
			return fmt.Errorf("enrol: start: %w", err)
		}
		id = reg.ID
		err = tx.Client.Scan.Create().
			SetKind(string(checked.Kind)).SetSize(checked.Size).SetSha256(checked.SHA256).
			SetStorageKey(key).SetRegistrationID(reg.ID).SetCreatedAt(now).SetUpdatedAt(now).
			Exec(sys)
		if err != nil {
			return fmt.Errorf("enrol: start: scan: %w", err)
		}
		ch.Record(now, audit.Entry{
			Action: "registration.start", TargetType: "Registration", TargetID: string(reg.ID),
			UnitPath: unit.Path,
			Detail: map[string]any{
				"idNumberMasked": vn.MaskIDNumber(e.id.Digits), "unitId": string(unit.ID),
				"scanKind": string(checked.Kind), "scanSize": checked.Size,
			},
		})
		ch.Publish(s.stateChanged(reg.ID, registration.StateDRAFT))
		return nil
	})
	if err != nil {
		return nil, s.startFailed(ctx, err, key, e.id.Digits, v.OfficerID)
	}
	return s.reload(ctx, id)
}

// newCase is the DRAFT case of what e holds, opened by officerID at unit.
func newCase(c *ent.Client, code string, e entered, officerID pulid.ID, unit *ent.Unit, now time.Time) *ent.RegistrationCreate {
	create := c.Registration.Create().
		SetCode(code).SetIDNumber(e.id.Digits).SetOpenIDNumber(e.id.Digits).
		SetFullName(e.name).SetDateOfBirth(e.dob).SetPhone(e.phone).
		SetOfficerID(officerID).SetUnitID(unit.ID).SetUnitPath(unit.Path).
		SetExpiresAt(now.Add(IdleTimeout)).SetCreatedAt(now).SetUpdatedAt(now)
	if e.email != "" {
		create.SetEmail(e.email)
	}
	return create
}

// startFailed cleans up after Start's transaction failed with err and says
// why: the stored scan (key) belongs to a row that was never committed, so
// it is removed; a unique-number conflict becomes the refusal of the case
// another desk committed meanwhile.
func (s *Service) startFailed(ctx context.Context, err error, key, digits string, officerID pulid.ID) error {
	if derr := s.scans.Delete(context.WithoutCancel(ctx), key); derr != nil {
		err = errors.Join(err, fmt.Errorf("enrol: start: remove scan after failure: %w", derr))
	}
	if ent.IsConstraintError(err) {
		if derr := s.refuseDuplicate(viewer.System(ctx), s.db.Client, digits, officerID); derr != nil {
			return derr
		}
	}
	return err
}

// checkStart checks what the officer entered for a case at unit, and the
// scan: its format and, with an antivirus configured, its content.
func (s *Service) checkStart(ctx context.Context, in StartInput, unit *ent.Unit, now time.Time) (entered, scans.Checked, error) {
	e, err := validate(in, now)
	if err != nil {
		return entered{}, scans.Checked{}, err
	}
	if in.UnitID != unit.ID {
		return entered{}, scans.Checked{}, errOtherUnit()
	}
	if in.Scan == nil {
		return entered{}, scans.Checked{}, errScanMissing()
	}
	checked, err := scans.Check(in.Scan)
	if err != nil {
		return entered{}, scans.Checked{}, err
	}
	if s.antivirus != nil {
		if err := s.antivirus.Scan(ctx, checked.Data); err != nil {
			return entered{}, scans.Checked{}, err
		}
	}
	return e, checked, nil
}

// numberFree refuses, inside tx, an ID number that is taken (see
// refuseDuplicate); a case of this number left idle past its expiry frees
// the number first.
func (s *Service) numberFree(ctx context.Context, tx *store.Tx, digits string, officerID pulid.ID) error {
	if _, err := s.expireIn(ctx, tx, registration.OpenIDNumber(digits)); err != nil {
		return err
	}
	return s.refuseDuplicate(viewer.System(ctx), tx.Client, digits, officerID)
}

// refuseDuplicate refuses an ID number that has an account (as its number or
// its CMND alias) or an open, unexpired case.
func (s *Service) refuseDuplicate(sys context.Context, c *ent.Client, digits string, officerID pulid.ID) error {
	exists, err := c.Account.Query().
		Where(account.Or(account.IDNumber(digits), account.CmndNumber(digits))).Exist(sys)
	if err != nil {
		return fmt.Errorf("enrol: duplicate check: %w", err)
	}
	if exists {
		return errAccountExists()
	}
	open, err := c.Registration.Query().
		Where(registration.OpenIDNumber(digits), registration.ExpiresAtGT(s.now())).First(sys)
	switch {
	case ent.IsNotFound(err):
		return nil
	case err != nil:
		return fmt.Errorf("enrol: duplicate check: %w", err)
	case open.OfficerID == officerID:
		return errOpenByYou(open.ID)
	default:
		return errOpenElsewhere()
	}
}
