// Package units keeps the tree of agencies, provinces, communes and one-stop
// desks: create, import, search.
//
// Every unit stores its materialised path ("/UN…/UN…/", the ids from the root
// down to itself) so that a subtree is one indexed prefix match, the folded
// name (vn.Fold) that search compares with, and whether its name makes it a
// service desk (vn.IsServiceDeskName).
package units

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// MaxNameRunes is the longest unit name, in runes after NFC (the column holds 300).
const MaxNameRunes = 300

// maxNameBytes is the limit of the schema's validator, which counts bytes
// (ent's MaxLen), not runes: a Vietnamese letter takes 2–3 bytes in UTF-8, so
// it stops Vietnamese names well before MaxNameRunes. Checked here so that
// such a name gets a refusal instead of an internal error, until the schema
// counts runes.
const maxNameBytes = 300

// idPrefix is the type prefix of unit ids (ent/schema/unit.go).
const idPrefix = "UN"

// Service is the unit tree.
type Service struct {
	db  *store.DB
	now func() time.Time
}

// New returns the unit service.
func New(db *store.DB, now func() time.Time) *Service {
	return &Service{db: db, now: now}
}

// NewUnit is a unit to create. ParentID nil makes a top-level unit.
type NewUnit struct {
	Code     string
	Name     string
	Kind     unit.Kind
	ParentID *pulid.ID
}

// Create adds one unit inside tx. The code is read with vn.NormalizeUnitCode
// and must not be in use; the name is NFC-normalised with its white space
// collapsed and is 1 to MaxNameRunes runes long. The viewer of ctx must be
// allowed to import units where the unit goes (the system, or a super admin).
// Refusals are about fields "code", "name", "kind" and "parentID".
func (s *Service) Create(ctx context.Context, tx *store.Tx, in NewUnit) (*ent.Unit, error) {
	f, rerr := checkFields(in.Code, in.Name, string(in.Kind))
	if rerr != nil {
		return nil, rerr
	}
	sys := viewer.System(ctx)
	scope, parentPath := policy.RootPath, "/"
	if in.ParentID != nil {
		parent, err := tx.Client.Unit.Get(sys, *in.ParentID)
		switch {
		case ent.IsNotFound(err):
			return nil, refusal.New(refusal.NotFound,
				"Không tìm thấy đơn vị cấp trên.",
				"The parent unit does not exist.").OnField("parentID")
		case err != nil:
			return nil, fmt.Errorf("units: create: parent: %w", err)
		}
		scope, parentPath = parent.Path, parent.Path
	}
	if err := mayImport(ctx, scope); err != nil {
		return nil, err
	}
	taken, err := tx.Client.Unit.Query().Where(unit.Code(f.code)).Exist(sys)
	if err != nil {
		return nil, fmt.Errorf("units: create: code lookup: %w", err)
	}
	if taken {
		return nil, codeTaken()
	}
	id := pulid.New(idPrefix)
	now := s.now()
	u, err := tx.Client.Unit.Create().
		SetID(id).SetCode(f.code).SetName(f.name).SetNameFolded(vn.Fold(f.name)).
		SetKind(f.kind).SetPath(parentPath + string(id) + "/").
		SetIsServiceDesk(vn.IsServiceDeskName(f.name)).
		SetNillableParentID(in.ParentID).
		SetCreatedAt(now).SetUpdatedAt(now).
		Save(sys)
	if ent.IsConstraintError(err) {
		// Another transaction took the code between the lookup and the insert.
		return nil, codeTaken()
	}
	if err != nil {
		return nil, fmt.Errorf("units: create: %w", err)
	}
	err = audit.Record(ctx, tx, now, audit.Entry{
		Action: "unit.create", TargetType: "Unit", TargetID: string(u.ID), UnitPath: u.Path,
		Detail: map[string]any{"code": u.Code, "kind": string(u.Kind), "isServiceDesk": u.IsServiceDesk},
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// mayImport refuses a viewer who may not add units under the given path.
func mayImport(ctx context.Context, path string) error {
	v := viewer.FromContext(ctx)
	if v.Can(policy.ObjUnit, policy.ActImport, path) {
		return nil
	}
	if !v.SignedIn() {
		return refusal.New(refusal.Unauthenticated,
			"Vui lòng đăng nhập.", "Sign in first.")
	}
	return refusal.New(refusal.Forbidden,
		"Chỉ quản trị hệ thống được thêm đơn vị.",
		"Only the super admin may add units.")
}

func codeTaken() *refusal.Error {
	return refusal.New(refusal.Validation,
		"Mã định danh đơn vị này đã được dùng cho một đơn vị khác.",
		"This unit identifier code is already used by another unit.").OnField("code")
}

// fields are a unit's checked code, name and kind.
type fields struct {
	code string
	name string
	kind unit.Kind
}

// checkFields validates what Create and Import have in common. The kind is
// read in any case ("province" is PROVINCE). The first refusal found is returned.
func checkFields(code, name, kind string) (fields, *refusal.Error) {
	errs := fieldErrors(code, name, kind)
	if len(errs) > 0 {
		return fields{}, errs[0]
	}
	c, _ := vn.NormalizeUnitCode(code)
	k, _ := parseKind(kind)
	return fields{code: c, name: vn.NormalizeName(name), kind: k}, nil
}

// fieldErrors lists every refusal about a unit's code, name and kind.
func fieldErrors(code, name, kind string) []*refusal.Error {
	var out []*refusal.Error
	if _, err := vn.NormalizeUnitCode(code); err != nil {
		out = append(out, asRefusal(err, "code"))
	}
	if err := checkName(vn.NormalizeName(name)); err != nil {
		out = append(out, err)
	}
	if _, err := parseKind(kind); err != nil {
		out = append(out, err)
	}
	return out
}

func checkName(name string) *refusal.Error {
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return refusal.New(refusal.Validation,
			"Vui lòng nhập tên đơn vị.",
			"Enter the unit name.").OnField("name")
	case n > MaxNameRunes:
		return refusal.New(refusal.Validation,
			fmt.Sprintf("Tên đơn vị dài tối đa %d ký tự.", MaxNameRunes),
			fmt.Sprintf("A unit name is at most %d characters long.", MaxNameRunes)).OnField("name")
	case len(name) > maxNameBytes:
		return refusal.New(refusal.Validation,
			"Tên đơn vị quá dài; hãy viết tắt bớt.",
			"The unit name is too long; abbreviate it.").OnField("name")
	}
	return nil
}

// parseKind reads a unit kind in any case.
func parseKind(s string) (unit.Kind, *refusal.Error) {
	k := unit.Kind(strings.ToUpper(strings.TrimSpace(s)))
	if unit.KindValidator(k) != nil {
		return "", refusal.New(refusal.Validation,
			"Loại đơn vị phải là MINISTRY (bộ, ngành), PROVINCE (tỉnh, thành phố), COMMUNE (xã, phường) hoặc AGENCY (cơ quan, bộ phận).",
			"The unit kind must be MINISTRY, PROVINCE, COMMUNE or AGENCY.").OnField("kind")
	}
	return k, nil
}

// asRefusal returns err as a refusal (vn's validators return one).
func asRefusal(err error, field string) *refusal.Error {
	if r, ok := refusal.As(err); ok {
		return r
	}
	return refusal.New(refusal.Validation, "Giá trị không hợp lệ.", "The value is not valid.").OnField(field)
}
