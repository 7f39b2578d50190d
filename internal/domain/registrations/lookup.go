package registrations

import (
	"context"
	"fmt"
	"strings"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// Lookup is the answer to "does this ID number already have an account?"
// (§3 step 1). It never shows more of the owner than a masked name.
type Lookup struct {
	Exists     bool
	MaskedName string // "" when no account
	Kind       vn.IDKind
	Province   string // province of birth registration of a CCCD, when known
	Warnings   []string
}

// The warning given when a desk has an open case for the number: Start
// would refuse it until that case ends.
const warningOpenCaseVI = "Số định danh này đang có một hồ sơ tạo tài khoản chưa hoàn tất tại quầy; hồ sơ đó hết hạn sau 24 giờ không thao tác hoặc khi cán bộ lập hồ sơ hủy nó."
const warningOpenCaseEN = "This ID number has an unfinished registration at a desk; it expires after 24 hours without activity, or when its officer cancels it."

// Lookup searches accounts by a 12-digit ID number or an old 9-digit CMND
// (matching either the account's number or its CMND alias). Warnings are in
// the request's language.
func (s *Service) Lookup(ctx context.Context, idNumber string) (*Lookup, error) {
	if _, _, err := s.deskOfficer(ctx, policy.ObjCitizen, policy.ActLookup); err != nil {
		return nil, err
	}
	id, err := vn.ParseIDNumber(idNumber)
	if err != nil {
		return nil, err
	}
	en := strings.HasPrefix(requestinfo.FromContext(ctx).Lang, "en")
	out := &Lookup{Kind: id.Kind, Warnings: []string{}}
	if name, ok := vn.ProvinceName(id.ProvinceCode); ok && id.Kind == vn.CCCD {
		out.Province = name
	}
	for _, w := range id.Warnings() {
		out.Warnings = append(out.Warnings, pick(en, w.VI, w.EN))
	}
	// The officer decided to look up; the account itself is not theirs to
	// read, so the query runs as the system and only the mask leaves.
	sys := viewer.System(ctx)
	acc, err := s.db.Client.Account.Query().
		Where(account.Or(account.IDNumber(id.Digits), account.CmndNumber(id.Digits))).
		First(sys)
	switch {
	case err == nil:
		out.Exists, out.MaskedName = true, vn.MaskName(acc.FullName)
		return out, nil
	case !ent.IsNotFound(err):
		return nil, fmt.Errorf("enrol: lookup: %w", err)
	}
	open, err := s.db.Client.Registration.Query().
		Where(registration.OpenIDNumber(id.Digits), registration.ExpiresAtGT(s.now())).Exist(sys)
	if err != nil {
		return nil, fmt.Errorf("enrol: lookup: %w", err)
	}
	if open {
		out.Warnings = append(out.Warnings, pick(en, warningOpenCaseVI, warningOpenCaseEN))
	}
	return out, nil
}

func pick(en bool, vi, english string) string {
	if en {
		return english
	}
	return vi
}
