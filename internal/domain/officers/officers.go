// Package officers is what admins do with officers (source §2): find an
// account, bring it into user management, attach the officer's unit, grant
// the right to create citizen accounts, make level-1 admins, and read the
// audit trail of all that. It also explains why an officer cannot create
// citizen accounts (source §4.1: Blockers).
//
// Every operation decides with the policy (viewer.Can, viewer.Scope) first,
// then writes as the system inside one transaction together with its audit
// event; a refusal writes nothing. A change of grants reloads the
// Authorizer right after the commit, so the next request already sees it,
// and publishes events.TopicPolicy so that other replicas reload too.
package officers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/domain/accounts"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// Service is the admins' officer management.
type Service struct {
	db    *store.DB
	authz *policy.Authorizer
	bus   events.Bus
	now   func() time.Time
}

// New returns the service. authz is the process's Authorizer, reloaded after
// every change of grants.
func New(db *store.DB, authz *policy.Authorizer, bus events.Bus, now func() time.Time) *Service {
	return &Service{db: db, authz: authz, bus: bus, now: now}
}

// Permission is a right an admin grants to an officer (GraphQL Permission).
type Permission string

// CreateCitizenAccounts is the right of source §2 step 3.
const CreateCitizenAccounts Permission = "CREATE_CITIZEN_ACCOUNTS"

// Notice is something the admin should know about a change that succeeded,
// in both languages (MoveOfficerPayload.notice).
type Notice struct {
	Code   string
	VI, EN string
}

// Message is the notice in the language asked for: English when lang starts
// with "en", Vietnamese otherwise.
func (n *Notice) Message(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return n.EN
	}
	return n.VI
}

// NoticePermissionRevoked is the code of the notice of a move that removed
// the right to create citizen accounts.
const NoticePermissionRevoked = "PERMISSION_REVOKED"

// signedIn refuses an anonymous caller.
func signedIn(ctx context.Context) (*viewer.Viewer, error) {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return nil, refusal.New(refusal.Unauthenticated, "Vui lòng đăng nhập.", "Please sign in.")
	}
	return v, nil
}

// admin refuses anyone who may do act on obj nowhere.
func admin(ctx context.Context, obj, act string) (*viewer.Viewer, error) {
	return accounts.Admin(ctx, obj, act)
}

var (
	errNotSuperAdmin = refusal.New(refusal.Forbidden,
		"Chỉ quản trị viên cấp cao mới cấp được quyền quản trị.",
		"Only a senior administrator can make someone an administrator.")
	errSelfGrant = refusal.New(refusal.Forbidden,
		"Bạn không thể tự phân quyền cho chính mình; hãy nhờ một quản trị viên khác thực hiện.",
		"You cannot grant rights to yourself; ask another administrator.")
	errSelfMove = refusal.New(refusal.Forbidden,
		"Bạn không thể tự thay đổi đơn vị công tác của chính mình; hãy nhờ một quản trị viên khác thực hiện.",
		"You cannot change your own unit; ask another administrator.")
	errOfficerNotFound = refusal.New(refusal.NotFound,
		"Không tìm thấy cán bộ này trong quản lý người dùng.",
		"This officer is not in user management.").OnField("officerID")
	errAccountNotFound = refusal.New(refusal.NotFound,
		"Không tìm thấy tài khoản này trên Cổng Dịch vụ công.",
		"There is no such portal account.").OnField("accountID")
	errUnitNotFound = refusal.New(refusal.NotFound,
		"Không tìm thấy đơn vị đã chọn.",
		"The chosen unit does not exist.").OnField("unitID")
	errAlreadyManaged = refusal.New(refusal.InvalidState,
		"Tài khoản này đã có trong quản lý người dùng; hãy tìm tài khoản để cập nhật đơn vị hoặc phân quyền.",
		"This account is already in user management; search for it to attach a unit or grant rights.").OnField("accountID")
	errNoUnit = refusal.New(refusal.OfficerHasNoUnit,
		"Cán bộ chưa được gắn đơn vị công tác; hãy cập nhật đơn vị (Trung tâm phục vụ hành chính công hoặc Bộ phận một cửa) trước khi cấp quyền tạo tài khoản cho công dân.",
		"The officer has no unit yet; attach their unit (a Public Administration Service Centre or a One-Stop Department) before granting the right to create citizen accounts.").OnField("officerID")
	errVNPost = refusal.New(refusal.VNPostAccount,
		"Tài khoản do Tổng công ty Bưu điện Việt Nam (VNPost) cấp không được phân quyền cán bộ cơ quan nhà nước; cán bộ cần dùng tài khoản Cổng Dịch vụ công quốc gia của chính mình, không phải tài khoản VNPost.",
		"An account issued by Vietnam Post (VNPost) cannot receive state-officer rights; the officer needs their own National Public Service Portal account, not a VNPost one.")
)

// errNotServiceDesk names the unit and the rule it fails (docs/RULES.md: tell
// the admin which rule failed). Unit names are public, not personal data.
func errNotServiceDesk(unitName string) *refusal.Error {
	return refusal.New(refusal.UnitNotServiceDesk,
		fmt.Sprintf("Đơn vị «%s» không phải Trung tâm phục vụ hành chính công hoặc Bộ phận một cửa: tên đơn vị phải chứa một trong hai cụm từ này (không phân biệt hoa thường). Hãy gắn cán bộ vào đúng đơn vị một cửa, hoặc đề nghị sửa tên đơn vị.", unitName),
		fmt.Sprintf("The unit «%s» is not a Public Administration Service Centre (Trung tâm phục vụ hành chính công) or One-Stop Department (Bộ phận một cửa): its name must contain one of these two phrases (case-insensitive). Attach the officer to their one-stop unit, or have the unit's name corrected.", unitName))
}

// errOfficerOutOfScope: the officer's current unit is outside the admin's subtree.
func errOfficerOutOfScope(unitName string) *refusal.Error {
	return refusal.New(refusal.OutOfScope,
		fmt.Sprintf("Cán bộ này thuộc đơn vị «%s», ngoài phạm vi bạn quản trị; chỉ quản trị viên của đơn vị đó hoặc quản trị viên cấp cao mới thay đổi được.", unitName),
		fmt.Sprintf("This officer belongs to «%s», outside the units you administer; only that unit's administrator or a senior administrator can change them.", unitName)).
		OnField("officerID")
}

// errUnitOutOfScope: the chosen unit is outside the admin's subtree.
func errUnitOutOfScope(unitName string) *refusal.Error {
	return refusal.New(refusal.OutOfScope,
		fmt.Sprintf("Đơn vị «%s» nằm ngoài phạm vi bạn quản trị; hãy chọn một đơn vị thuộc bộ, ngành hoặc địa phương của bạn.", unitName),
		fmt.Sprintf("The unit «%s» is outside the units you administer; choose a unit of your own ministry, sector or locality.", unitName)).
		OnField("unitID")
}

// reloaded makes a committed change of grants effective: at once in this
// process, and through the bus (published on commit) in the others.
func (s *Service) reloaded(ctx context.Context) error {
	if err := s.authz.Reload(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("officers: the change is saved but the policy did not reload: %w", err)
	}
	return nil
}

// policyChanged is the event that makes other replicas reload the policy
// after a change of officerID's grants, timed now, the change written.
func (s *Service) policyChanged(officerID pulid.ID) events.Event {
	return events.Event{Topic: events.TopicPolicy, ID: string(officerID), At: s.now()}
}

// change runs fn as one audited transaction (audit.Write) and, when it
// changed grants (published a policy event), reloads this replica's policy
// at once; other replicas reload on the event.
func (s *Service) change(ctx context.Context, fn func(ctx context.Context, tx *store.Tx, c *audit.Change) error) error {
	grants := false
	err := audit.Write(ctx, s.db, s.bus, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		err := fn(ctx, tx, c)
		grants = len(c.Events) > 0
		return err
	})
	if err != nil || !grants {
		return err
	}
	return s.reloaded(ctx)
}
