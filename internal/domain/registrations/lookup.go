package registrations

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/budget"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
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

// Lookup budgets (docs/SECURITY.md, "Lookup scraping"): each answer says
// whether a number has an account, with a masked name and the province, so
// an officer's lookups are bounded and every one is audited.
const (
	DefaultLookupsPerMinute = 30
	DefaultLookupsPerDay    = 300
)

// ActionLookup is the audit action of a citizen lookup.
const ActionLookup = "citizen.lookup"

// Lookup searches accounts by a 12-digit ID number or an old 9-digit CMND
// (matching either the account's number or its CMND alias). Warnings are in
// the request's language.
//
// Each lookup draws on the officer's budgets (per minute and per day; a
// GraphQL alias is one more lookup) and is recorded in the audit trail with
// a keyed hash of the number, never the number, and its outcome. A lookup
// past a budget is refused with RATE_LIMITED, saying when to try again, and
// reads nothing.
func (s *Service) Lookup(ctx context.Context, idNumber string) (*Lookup, error) {
	v, u, err := s.deskOfficer(ctx, policy.ObjCitizen, policy.ActLookup)
	if err != nil {
		return nil, err
	}
	id, err := vn.ParseIDNumber(idNumber)
	if err != nil {
		return nil, err
	}
	if len(s.lookupKey) == 0 {
		return nil, errors.New("enrol: lookup: no key to hash ID numbers with")
	}
	en := strings.HasPrefix(requestinfo.FromContext(ctx).Lang, "en")
	out := numberFacts(id, en)
	now := s.now()
	key := "lookup:" + string(v.OfficerID)
	// A flood past the budget is turned away before it takes the write lock.
	if spent, err := budget.Spent(ctx, s.db.Client, now, key, s.lookupLimits...); err != nil || spent != nil {
		if err != nil {
			return nil, fmt.Errorf("enrol: lookup: %w", err)
		}
		return nil, errLookupsSpent(spent, now)
	}
	err = audit.Write(ctx, s.db, nil, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		left, err := budget.Take(ctx, tx, now, key, s.lookupLimits...)
		var spent *budget.Exceeded
		if errors.As(err, &spent) {
			return errLookupsSpent(spent, now)
		}
		if err != nil {
			return fmt.Errorf("enrol: lookup: %w", err)
		}
		acc, open, err := lookUp(ctx, tx, id.Digits, now)
		if err != nil {
			return err
		}
		detail := map[string]any{
			"exists": acc != nil, "idKind": string(id.Kind), "officerID": string(v.OfficerID),
			"leftThisMinute": left[0], "leftToday": left[1],
		}
		if acc != nil {
			out.Exists, out.MaskedName = true, vn.MaskName(acc.FullName)
			detail["accountID"] = string(acc.ID)
		}
		if open {
			out.Warnings = append(out.Warnings, pick(en, warningOpenCaseVI, warningOpenCaseEN))
		}
		c.Record(now, audit.Entry{
			Action: ActionLookup, TargetType: "IDNumberHash", TargetID: s.LookupHash(id.Digits),
			UnitPath: u.Path, Detail: detail,
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// numberFacts is what the number id itself says: its kind, the province a
// CCCD was issued for and its warnings, in English when en.
func numberFacts(id vn.IDNumber, en bool) *Lookup {
	out := &Lookup{Kind: id.Kind, Warnings: []string{}}
	if name, ok := vn.ProvinceName(id.ProvinceCode); ok && id.Kind == vn.CCCD {
		out.Province = name
	}
	for _, w := range id.Warnings() {
		out.Warnings = append(out.Warnings, pick(en, w.VI, w.EN))
	}
	return out
}

// lookUp finds the account of a number (nil if none) and, when there is
// none, whether a desk has an open case for it.
func lookUp(ctx context.Context, tx *store.Tx, digits string, now time.Time) (*ent.Account, bool, error) {
	// The officer decided to look up; the account itself is not theirs to
	// read, so the query runs as the system and only the mask leaves.
	sys := viewer.System(ctx)
	acc, err := tx.Client.Account.Query().
		Where(account.Or(account.IDNumber(digits), account.CmndNumber(digits))).
		First(sys)
	switch {
	case err == nil:
		return acc, false, nil
	case !ent.IsNotFound(err):
		return nil, false, fmt.Errorf("enrol: lookup: %w", err)
	}
	open, err := tx.Client.Registration.Query().
		Where(registration.OpenIDNumber(digits), registration.ExpiresAtGT(now)).Exist(sys)
	if err != nil {
		return nil, false, fmt.Errorf("enrol: lookup: %w", err)
	}
	return nil, open, nil
}

// LookupHash is the keyed hash under which the audit trail records a looked-up
// number: HMAC-SHA256 with a key derived from the master key, so that whoever
// holds the key can find the lookups of a number and nobody else can tell
// the number from the trail.
func (s *Service) LookupHash(digits string) string {
	m := hmac.New(sha256.New, s.lookupKey)
	m.Write([]byte(digits))
	return hex.EncodeToString(m.Sum(nil))
}

// errLookupsSpent says which budget is spent and when the next lookup is
// possible: in Vietnam time in the message, as availableAt (RFC 3339) and
// retryAfter (whole seconds) in the extensions.
func errLookupsSpent(e *budget.Exceeded, now time.Time) *refusal.Error {
	wait := int(math.Ceil(e.At.Sub(now).Seconds()))
	at := e.At.In(vietnam).Format("15:04:05 02/01/2006")
	viPer, enPer := "mỗi phút", "a minute"
	if e.Limit.Window >= 24*time.Hour {
		viPer, enPer = "mỗi ngày", "a day"
	}
	viWait, enWait := waitText(wait)
	return refusal.New(refusal.RateLimited,
		fmt.Sprintf("Bạn đã tra cứu quá số lần cho phép (%d lần %s). Vui lòng thử lại lúc %s (sau %s).", e.Limit.Max, viPer, at, viWait),
		fmt.Sprintf("You have made too many lookups (%d %s allowed). Try again at %s Vietnam time (in %s).", e.Limit.Max, enPer, at, enWait)).
		With("availableAt", e.At.UTC().Format(time.RFC3339)).
		With("retryAfter", wait).
		With("limit", e.Limit.Name)
}

// waitText is a wait of sec seconds in words: seconds under two minutes,
// else hours and minutes (rounded up).
func waitText(sec int) (vi, en string) {
	if sec < 120 {
		return fmt.Sprintf("%d giây", sec), fmt.Sprintf("%d seconds", sec)
	}
	m := (sec + 59) / 60
	if m < 60 {
		return fmt.Sprintf("%d phút", m), fmt.Sprintf("%d minutes", m)
	}
	return fmt.Sprintf("%d giờ %d phút", m/60, m%60), fmt.Sprintf("%d h %d min", m/60, m%60)
}

func pick(en bool, vi, english string) string {
	if en {
		return english
	}
	return vi
}
