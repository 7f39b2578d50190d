package stats

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/signalsetting"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// Settings are the signals' thresholds (type SignalSettings).
type Settings struct {
	SharedPhoneAccounts int
	DeskDropOffFactor   float64
	LookupBudgetShare   float64
	OpeningFrom         string
	OpeningTo           string
	UnusedPasswordShare float64
}

// SettingsInput changes some thresholds (input SignalSettingsInput).
type SettingsInput struct {
	SharedPhoneAccounts *int
	DeskDropOffFactor   *float64
	LookupBudgetShare   *float64
	OpeningFrom         *string
	OpeningTo           *string
	UnusedPasswordShare *float64
}

// DefaultSettings are the thresholds until the super admin changes them
// (docs/RULES.md "Signals").
func DefaultSettings() Settings {
	return Settings{
		SharedPhoneAccounts: 3, DeskDropOffFactor: 2, LookupBudgetShare: 0.8,
		OpeningFrom: "07:30", OpeningTo: "17:30", UnusedPasswordShare: 0.5,
	}
}

const settingsName = "default"

// SignalSettings returns the thresholds to an admin.
func (s *Service) SignalSettings(ctx context.Context) (*Settings, error) {
	if _, _, err := scopeOf(ctx); err != nil {
		return nil, err
	}
	set, err := s.settings(ctx)
	return &set, err
}

// settings reads the thresholds (the defaults when never changed).
func (s *Service) settings(ctx context.Context) (Settings, error) {
	row, err := s.db.Client.SignalSetting.Query().Where(signalsetting.Name(settingsName)).Only(viewer.System(ctx))
	if ent.IsNotFound(err) {
		return DefaultSettings(), nil
	}
	if err != nil {
		return Settings{}, fmt.Errorf("stats: settings: %w", err)
	}
	return Settings{
		SharedPhoneAccounts: row.SharedPhoneAccounts, DeskDropOffFactor: row.DeskDropOffFactor,
		LookupBudgetShare: row.LookupBudgetShare, OpeningFrom: row.OpeningFrom, OpeningTo: row.OpeningTo,
		UnusedPasswordShare: row.UnusedPasswordShare,
	}, nil
}

// UpdateSignalSettings changes the thresholds: the super admin only,
// audited with the old and new values.
func (s *Service) UpdateSignalSettings(ctx context.Context, in SettingsInput) (*Settings, error) {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return nil, errUnauthenticated
	}
	if !v.Can(policy.ObjSignals, policy.ActManage, policy.RootPath) {
		return nil, errSettingsForbidden
	}
	var out Settings
	err := audit.Write(ctx, s.db, nil, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		sys := viewer.System(ctx)
		old, err := s.settings(ctx)
		if err != nil {
			return err
		}
		next := old
		apply(&next, in)
		if err := validSettings(next); err != nil {
			return err
		}
		now := s.now()
		err = tx.Client.SignalSetting.Create().SetID(pulid.New("SS")).SetName(settingsName).
			SetSharedPhoneAccounts(next.SharedPhoneAccounts).SetDeskDropOffFactor(next.DeskDropOffFactor).
			SetLookupBudgetShare(next.LookupBudgetShare).SetOpeningFrom(next.OpeningFrom).SetOpeningTo(next.OpeningTo).
			SetUnusedPasswordShare(next.UnusedPasswordShare).SetCreatedAt(now).SetUpdatedAt(now).
			OnConflictColumns(signalsetting.FieldName).
			UpdateSharedPhoneAccounts().UpdateDeskDropOffFactor().UpdateLookupBudgetShare().
			UpdateOpeningFrom().UpdateOpeningTo().UpdateUnusedPasswordShare().UpdateUpdatedAt().
			Exec(sys)
		if err != nil {
			return fmt.Errorf("stats: save settings: %w", err)
		}
		out = next
		c.Record(now, audit.Entry{
			Action: "signals.update_settings", TargetType: "SignalSettings", TargetID: settingsName, UnitPath: policy.RootPath,
			Detail: map[string]any{"from": old, "to": next},
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func apply(set *Settings, in SettingsInput) {
	if in.SharedPhoneAccounts != nil {
		set.SharedPhoneAccounts = *in.SharedPhoneAccounts
	}
	if in.DeskDropOffFactor != nil {
		set.DeskDropOffFactor = *in.DeskDropOffFactor
	}
	if in.LookupBudgetShare != nil {
		set.LookupBudgetShare = *in.LookupBudgetShare
	}
	if in.OpeningFrom != nil {
		set.OpeningFrom = *in.OpeningFrom
	}
	if in.OpeningTo != nil {
		set.OpeningTo = *in.OpeningTo
	}
	if in.UnusedPasswordShare != nil {
		set.UnusedPasswordShare = *in.UnusedPasswordShare
	}
}

// validSettings checks thresholds, naming the first bad one.
func validSettings(set Settings) error {
	bad := func(field, vi, en string) error { return refusal.New(refusal.Validation, vi, en).OnField(field) }
	switch {
	case set.SharedPhoneAccounts < 2 || set.SharedPhoneAccounts > 100:
		return bad("sharedPhoneAccounts", "Số tài khoản dùng chung một số điện thoại phải từ 2 đến 100.",
			"sharedPhoneAccounts must be between 2 and 100.")
	case !(set.DeskDropOffFactor > 1 && set.DeskDropOffFactor <= 100):
		return bad("deskDropOffFactor", "Hệ số so với trung vị của tỉnh phải lớn hơn 1 và không quá 100.",
			"deskDropOffFactor must be above 1 and at most 100.")
	case !(set.LookupBudgetShare > 0 && set.LookupBudgetShare <= 1):
		return bad("lookupBudgetShare", "Tỷ lệ hạn mức tra cứu phải lớn hơn 0 và không quá 1.",
			"lookupBudgetShare must be above 0 and at most 1.")
	case !(set.UnusedPasswordShare > 0 && set.UnusedPasswordShare <= 1):
		return bad("unusedPasswordShare", "Tỷ lệ mật khẩu chưa dùng phải lớn hơn 0 và không quá 1.",
			"unusedPasswordShare must be above 0 and at most 1.")
	}
	from, err1 := clock(set.OpeningFrom)
	to, err2 := clock(set.OpeningTo)
	if err1 != nil {
		return bad("openingFrom", "Giờ mở cửa phải có dạng HH:MM.", "openingFrom must be HH:MM.")
	}
	if err2 != nil {
		return bad("openingTo", "Giờ đóng cửa phải có dạng HH:MM.", "openingTo must be HH:MM.")
	}
	if to <= from {
		return bad("openingTo", "Giờ đóng cửa phải sau giờ mở cửa.", "openingTo must be after openingFrom.")
	}
	return nil
}

// clock parses "HH:MM" to the time since midnight.
func clock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, fmt.Errorf("stats: %q is not HH:MM", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}
