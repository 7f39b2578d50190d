package registrations

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/privacy"
	"github.com/motcua/motcua/ent/scan"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/smsmessage"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/requestform"
	"github.com/motcua/motcua/internal/platform/scans"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// RequestFormURL is where the printable request form of a case is served.
func (s *Service) RequestFormURL(id pulid.ID) string {
	return s.baseURL + "/registrations/" + string(id) + "/request-form.pdf"
}

// viewableCase reads a case with the caller's ctx (the privacy policy lets
// through its officer and admins in scope) and checks obj/act on top: the
// case's officer, or an admin holding obj/act at the case's unit.
func (s *Service) viewableCase(ctx context.Context, id pulid.ID, obj, act string) (*ent.Registration, error) {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return nil, errUnauthenticated()
	}
	reg, err := s.db.Client.Registration.Get(ctx, id)
	switch {
	case ent.IsNotFound(err), errors.Is(err, privacy.Deny):
		return nil, errRegistrationNotFound()
	case err != nil:
		return nil, fmt.Errorf("enrol: read registration: %w", err)
	}
	own := v.OfficerID != "" && reg.OfficerID == v.OfficerID
	if !own && !v.Can(obj, act, reg.UnitPath) {
		return nil, refusal.New(refusal.Forbidden,
			"Bạn không có quyền xem tài liệu của hồ sơ này.",
			"You may not see the documents of this registration.")
	}
	return reg, nil
}

// RequestFormPDF renders the account creation request form of a case (§3
// step 2) with everything entered, the unit, the officer, the date and the
// case's code. Only the case's officer and admins in scope may have it.
func (s *Service) RequestFormPDF(ctx context.Context, id pulid.ID) ([]byte, error) {
	reg, err := s.viewableCase(ctx, id, policy.ObjRegistration, policy.ActRead)
	if err != nil {
		return nil, err
	}
	sys := viewer.System(ctx)
	unit, err := s.db.Client.Unit.Get(sys, reg.UnitID)
	if err != nil {
		return nil, fmt.Errorf("enrol: request form: unit: %w", err)
	}
	off, err := s.db.Client.Officer.Get(sys, reg.OfficerID)
	if err != nil {
		return nil, fmt.Errorf("enrol: request form: officer: %w", err)
	}
	officer, err := s.db.Client.Account.Get(sys, off.AccountID)
	if err != nil {
		return nil, fmt.Errorf("enrol: request form: officer: %w", err)
	}
	var buf bytes.Buffer
	err = requestform.Render(&buf, requestform.RequestForm{
		RegistrationCode: reg.Code, IDNumber: reg.IDNumber, FullName: reg.FullName,
		Phone: nationalPhone(reg.Phone), Email: reg.Email, DateOfBirth: reg.DateOfBirth,
		UnitName: unit.Name, UnitCode: unit.Code, OfficerName: officer.FullName,
		CreatedAt: reg.CreatedAt,
	})
	if err != nil {
		return nil, fmt.Errorf("enrol: request form: %w", err)
	}
	return buf.Bytes(), nil
}

// nationalPhone writes an E.164 Vietnamese mobile number as people read it:
// "+84912345678" → "0912 345 678".
func nationalPhone(e164 string) string {
	nsn, ok := strings.CutPrefix(e164, "+84")
	if !ok || len(nsn) != 9 {
		return e164
	}
	return "0" + nsn[:3] + " " + nsn[3:6] + " " + nsn[6:]
}

func errScanNotFound() *refusal.Error {
	return refusal.New(refusal.NotFound,
		"Không có tệp quét cho hồ sơ này (có thể đã bị xóa khi hết thời hạn lưu giữ).",
		"There is no scan for this registration (it may have been deleted after the retention period).")
}

// ReadScan returns a case's ID scan to authorised staff (the case's officer,
// or an admin holding scan/read at its unit) and records the read in the
// audit trail; without the record, no scan.
func (s *Service) ReadScan(ctx context.Context, registrationID pulid.ID) (scans.Kind, []byte, error) {
	reg, err := s.viewableCase(ctx, registrationID, policy.ObjScan, policy.ActRead)
	if err != nil {
		return "", nil, err
	}
	sc, err := s.liveScan(ctx, reg.ID)
	if err != nil {
		return "", nil, err
	}
	if sc == nil {
		return "", nil, errScanNotFound()
	}
	data, err := s.scans.Get(ctx, sc.StorageKey)
	if err != nil {
		return "", nil, fmt.Errorf("enrol: read scan: %w", err)
	}
	err = audit.Write(ctx, s.db, nil, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		c.Record(s.now(), audit.Entry{
			Action: "scan.read", TargetType: "Registration", TargetID: string(reg.ID), UnitPath: reg.UnitPath,
			Detail: map[string]any{"scanId": string(sc.ID), "kind": sc.Kind, "size": sc.Size},
		})
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return scans.Kind(sc.Kind), data, nil
}

// liveScan is the case's scan unless deleted; nil when none.
func (s *Service) liveScan(ctx context.Context, id pulid.ID) (*ent.Scan, error) {
	sc, err := s.db.Client.Scan.Query().
		Where(scan.RegistrationID(id), scan.DeletedAtIsNil()).Only(viewer.System(ctx))
	switch {
	case ent.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("enrol: scan: %w", err)
	}
	return sc, nil
}

// ScanURL is where the case's scan is served, or nil when there is no scan
// left or the viewer may not read it.
func (s *Service) ScanURL(ctx context.Context, reg *ent.Registration) (*string, error) {
	v := viewer.FromContext(ctx)
	own := v != nil && v.OfficerID != "" && reg.OfficerID == v.OfficerID
	if !own && !v.Can(policy.ObjScan, policy.ActRead, reg.UnitPath) {
		return nil, nil
	}
	sc, err := s.liveScan(ctx, reg.ID)
	if err != nil || sc == nil {
		return nil, err
	}
	u := s.baseURL + "/scans/" + string(reg.ID)
	return &u, nil
}

// CaseSMS lists the SMS sent for a case, newest first, as the viewer may
// see them (the privacy policy filters).
func (s *Service) CaseSMS(ctx context.Context, reg *ent.Registration) ([]*ent.SMSMessage, error) {
	out, err := s.db.Client.SMSMessage.Query().
		Where(smsmessage.RegistrationID(reg.ID)).
		Order(ent.Desc(smsmessage.FieldCreatedAt), ent.Desc(smsmessage.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("enrol: case sms: %w", err)
	}
	return out, nil
}
