package registrations

import (
	"context"
	"errors"
	"fmt"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/privacy"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// Who may act (source §2, §4.1): an officer whose unit is a service desk
// ("Trung tâm phục vụ hành chính công" or "Bộ phận một cửa") and who holds
// CREATE_CITIZEN_ACCOUNTS there; the policy gives the registrar role only in
// that case. The checks below are in the order an admin fixes them, so the
// refusal names the first thing to fix.

func errUnauthenticated() *refusal.Error {
	return refusal.New(refusal.Unauthenticated,
		"Vui lòng đăng nhập.",
		"Please sign in.")
}

func errNotOfficer() *refusal.Error {
	return refusal.New(refusal.Forbidden,
		"Chỉ cán bộ tại Trung tâm phục vụ hành chính công hoặc Bộ phận một cửa mới được tạo tài khoản cho công dân.",
		"Only officers of a Public Administration Service Centre or a One-Stop Department may create citizen accounts.")
}

func errNoUnit() *refusal.Error {
	return refusal.New(refusal.OfficerHasNoUnit,
		"Tài khoản của bạn chưa được gắn với đơn vị công tác nên không chọn được đơn vị. "+
			"Hãy đề nghị quản trị viên cập nhật đơn vị là Trung tâm phục vụ hành chính công hoặc Bộ phận một cửa nơi bạn làm việc (mục 4.1 của hướng dẫn).",
		"Your account is not attached to a work unit, so no unit can be chosen. "+
			"Ask an administrator to attach it to the Public Administration Service Centre or One-Stop Department where you work (problem 1 of §4).")
}

func errNotServiceDesk() *refusal.Error {
	return refusal.New(refusal.UnitNotServiceDesk,
		"Đơn vị của bạn không phải là Trung tâm phục vụ hành chính công hoặc Bộ phận một cửa: "+
			"tên đơn vị phải chứa cụm từ \"Trung tâm phục vụ hành chính công\" hoặc \"Bộ phận một cửa\" (không phân biệt chữ hoa, chữ thường). "+
			"Hãy đề nghị quản trị viên kiểm tra đơn vị của bạn và tên đơn vị (mục 4.1 của hướng dẫn).",
		"Your unit is not a Public Administration Service Centre or One-Stop Department: "+
			"its name must contain \"Trung tâm phục vụ hành chính công\" or \"Bộ phận một cửa\" (case-insensitively). "+
			"Ask an administrator to check your unit and its name (problem 1 of §4).")
}

func errNoRight() *refusal.Error {
	return refusal.New(refusal.Forbidden,
		"Tài khoản của bạn chưa được cấp quyền \"Tạo tài khoản cho công dân\". Hãy đề nghị quản trị viên cấp quyền (mục 2 của hướng dẫn).",
		"Your account has not been granted the right to create citizen accounts. Ask an administrator to grant it (§2).")
}

func errOtherUnit() *refusal.Error {
	return refusal.New(refusal.Forbidden,
		"Chỉ được chọn đơn vị nơi bạn làm việc: Trung tâm phục vụ hành chính công hoặc Bộ phận một cửa mà tài khoản của bạn được gắn (mục 3 bước 1; mục 4.1 của hướng dẫn).",
		"Choose the unit where you work: the Public Administration Service Centre or One-Stop Department your account is attached to (§3 step 1; problem 1 of §4).").
		OnField("unitID")
}

func errNotYourCase() *refusal.Error {
	return refusal.New(refusal.Forbidden,
		"Chỉ cán bộ đã lập hồ sơ này mới được thực hiện thao tác.",
		"Only the officer who opened this registration may do this.")
}

func errRegistrationNotFound() *refusal.Error {
	return refusal.New(refusal.NotFound,
		"Không tìm thấy hồ sơ tạo tài khoản.",
		"Registration not found.")
}

// deskOfficer checks that the viewer may act as a registrar at their own
// unit (obj/act: registration/create, or citizen/lookup) and returns that
// unit, read fresh so that a renamed unit counts at once.
func (s *Service) deskOfficer(ctx context.Context, obj, act string) (*viewer.Viewer, *ent.Unit, error) {
	v := viewer.FromContext(ctx)
	switch {
	case !v.SignedIn():
		return nil, nil, errUnauthenticated()
	case v.OfficerID == "":
		return nil, nil, errNotOfficer()
	case v.UnitID == "":
		return nil, nil, errNoUnit()
	}
	u, err := s.db.Client.Unit.Get(viewer.System(ctx), v.UnitID)
	switch {
	case ent.IsNotFound(err):
		return nil, nil, errNoUnit()
	case err != nil:
		return nil, nil, fmt.Errorf("enrol: officer's unit: %w", err)
	case !u.IsServiceDesk:
		return nil, nil, errNotServiceDesk()
	case !v.Can(obj, act, u.Path):
		return nil, nil, errNoRight()
	}
	return v, u, nil
}

// ownCase returns a registration the viewer may act on: one they opened,
// at a unit where they still hold the registrar role. It is read with the
// caller's ctx, so a case the viewer may not see is NOT_FOUND; an admin who
// may see it but did not open it is FORBIDDEN.
func (s *Service) ownCase(ctx context.Context, id pulid.ID) (*viewer.Viewer, *ent.Registration, error) {
	v := viewer.FromContext(ctx)
	switch {
	case !v.SignedIn():
		return nil, nil, errUnauthenticated()
	case v.OfficerID == "":
		return nil, nil, errNotOfficer()
	case v.Scope(policy.ObjRegistration, policy.ActCreate).Empty():
		// Only a registrar acts on cases; decide before reading any.
		return nil, nil, errNoRight()
	}
	reg, err := s.db.Client.Registration.Get(ctx, id)
	switch {
	case ent.IsNotFound(err), errors.Is(err, privacy.Deny):
		return nil, nil, errRegistrationNotFound()
	case err != nil:
		return nil, nil, fmt.Errorf("enrol: read registration: %w", err)
	case reg.OfficerID != v.OfficerID:
		return nil, nil, errNotYourCase()
	case !v.Can(policy.ObjRegistration, policy.ActCreate, reg.UnitPath):
		return nil, nil, errNoRight()
	}
	return v, reg, nil
}

// openCase is ownCase for an operation that needs the case in one of the
// given states. A case idle past its expiry is expired on the spot (the
// periodic ExpireIdle may not have run yet) and refused.
func (s *Service) openCase(ctx context.Context, id pulid.ID, states ...registration.State) (*viewer.Viewer, *ent.Registration, error) {
	v, reg, err := s.ownCase(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if isOpen(reg.State) && !s.now().Before(reg.ExpiresAt) {
		if _, err := s.expire(ctx, registration.ID(reg.ID)); err != nil {
			return nil, nil, err
		}
		return nil, nil, errWrongState(registration.StateEXPIRED)
	}
	for _, st := range states {
		if reg.State == st {
			return v, reg, nil
		}
	}
	return nil, nil, errWrongState(reg.State)
}

func isOpen(st registration.State) bool {
	return st == registration.StateDRAFT || st == registration.StateOTP_SENT
}

// errWrongState refuses an operation the case's state does not allow, and
// says what the state is.
func errWrongState(st registration.State) *refusal.Error {
	var vi, en string
	switch st {
	case registration.StateDRAFT:
		vi, en = "Hồ sơ chưa gửi mã OTP: hãy bấm [Gửi OTP] trước.", "No code has been sent for this registration yet: send the OTP first."
	case registration.StateOTP_SENT:
		vi, en = "Hồ sơ đang chờ xác nhận mã OTP.", "The registration is waiting for the OTP."
	case registration.StateCREATED:
		vi, en = "Hồ sơ đã hoàn tất: tài khoản đã được tạo.", "The registration is complete: the account has been created."
	case registration.StateCANCELLED:
		vi, en = "Hồ sơ đã bị hủy.", "The registration was cancelled."
	default:
		vi, en = "Hồ sơ đã hết hạn vì không có thao tác trong 24 giờ; hãy lập hồ sơ mới.", "The registration expired after 24 hours without activity; start a new one."
	}
	return refusal.New(refusal.InvalidState, vi, en).With("state", string(st))
}

// officer returns the viewer's officer id, refusing anyone else.
func (s *Service) officer(ctx context.Context) (pulid.ID, error) {
	v := viewer.FromContext(ctx)
	switch {
	case !v.SignedIn():
		return "", errUnauthenticated()
	case v.OfficerID == "":
		return "", errNotOfficer()
	}
	return v.OfficerID, nil
}
