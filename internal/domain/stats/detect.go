package stats

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	entbudget "github.com/motcua/motcua/ent/budget"
	"github.com/motcua/motcua/ent/officer"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/signal"
	"github.com/motcua/motcua/ent/statsday"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/policy/viewer"
)

// Rules of the signals (docs/RULES.md "Signals") that are not settings.
const (
	maxSubjects = 50
	// dropOffWindow: DESK_DROP_OFF compares the desks' last 7 days.
	dropOffWindow = 7
	// dropOffMinCases: a desk with fewer cases in the window is not compared.
	dropOffMinCases = 10
	// dropOffFloor: the province median counts as at least this ratio, so a
	// province where nothing drops off does not flag a desk for one case.
	dropOffFloor = 0.05
	// unusedMinAge, unusedMaxAge: UNUSED_PASSWORDS looks at accounts
	// created 7 to 37 days ago; unusedMinAccounts: at desks with this many.
	unusedMinAge      = 7
	unusedMaxAge      = 37
	unusedMinAccounts = 5
)

// candidate is a signal the rules found, before it is stored.
type candidate struct {
	kind      signal.Kind
	unitPath  string
	officerID string
	value     float64
	threshold float64
	day       string
	subjects  []string
}

// Detect runs every signal rule (docs/RULES.md "Signals") and stores what crossed its threshold: one row per kind × unit × officer ×
// day, updated in place when found again (a review stays). It returns how
// many signals it wrote.
func (s *Service) Detect(ctx context.Context, now time.Time) (int, error) {
	sys := viewer.System(ctx)
	set, err := s.settings(ctx)
	if err != nil {
		return 0, err
	}
	var found []candidate
	// Rules of what happened on a day look at yesterday too (its last
	// hours since the previous run); rules over a window only at today.
	type rule func(context.Context, Settings, string) ([]candidate, error)
	runs := []struct {
		day   string
		rules []rule
	}{
		{dayOf(now.AddDate(0, 0, -1)), []rule{s.sharedPhones, s.afterHours}},
		{dayOf(now), []rule{s.sharedPhones, s.afterHours, s.deskDropOff, s.unusedPasswords}},
	}
	for _, run := range runs {
		for _, r := range run.rules {
			cs, err := r(sys, set, run.day)
			if err != nil {
				return 0, err
			}
			found = append(found, cs...)
		}
	}
	cs, err := s.lookupBudget(sys, set, now)
	if err != nil {
		return 0, err
	}
	found = append(found, cs...)
	for _, c := range merge(found) {
		if err := s.store(sys, c, now); err != nil {
			return 0, err
		}
	}
	return len(found), nil
}

// merge joins candidates of the same kind × unit × officer × day (two
// shared phones at one desk): the larger value, the subjects of both.
func merge(cs []candidate) []candidate {
	type k struct{ kind, unit, officer, day string }
	by := map[k]int{}
	var out []candidate
	for _, c := range cs {
		key := k{string(c.kind), c.unitPath, c.officerID, c.day}
		i, ok := by[key]
		if !ok {
			by[key] = len(out)
			out = append(out, c)
			continue
		}
		out[i].value = max(out[i].value, c.value)
		out[i].subjects = append(out[i].subjects, c.subjects...)
	}
	for i := range out {
		slices.Sort(out[i].subjects)
		out[i].subjects = slices.Compact(out[i].subjects)
		if len(out[i].subjects) > maxSubjects {
			out[i].subjects = out[i].subjects[:maxSubjects]
		}
		if out[i].subjects == nil {
			out[i].subjects = []string{}
		}
	}
	return out
}

// store upserts c (ON CONFLICT on kind × unit × officer × day).
func (s *Service) store(sys context.Context, c candidate, now time.Time) error {
	day, _ := time.Parse(time.DateOnly, c.day)
	err := s.db.Client.Signal.Create().SetID(pulid.New("SG")).SetKind(c.kind).
		SetUnitID(unitIDOfPath(c.unitPath)).SetUnitPath(c.unitPath).SetOfficerID(c.officerID).
		SetValue(c.value).SetThreshold(c.threshold).SetDay(day).SetDetectedAt(now).SetSubjectIds(c.subjects).
		OnConflictColumns(signal.FieldKind, signal.FieldUnitID, signal.FieldOfficerID, signal.FieldDay).
		UpdateValue().UpdateThreshold().UpdateSubjectIds().UpdateDetectedAt().
		Exec(sys)
	if err != nil {
		return fmt.Errorf("stats: store signal: %w", err)
	}
	return nil
}

// sharedPhones: SHARED_PHONE, a phone of an account created at a desk on
// day d that is on at least SharedPhoneAccounts accounts, at that desk and
// officer.
func (s *Service) sharedPhones(sys context.Context, set Settings, d string) ([]candidate, error) {
	start, end := dayBounds(d)
	c := s.db.Client
	made, err := c.Account.Query().Where(account.CreatedAtGTE(start), account.CreatedAtLT(end),
		account.CreatedAtUnitIDNotNil(), account.CreatedByOfficerIDNotNil()).
		Select(account.FieldPhone, account.FieldCreatedAtUnitID, account.FieldCreatedByOfficerID).All(sys)
	if err != nil || len(made) == 0 {
		return nil, wrap("shared phones", err)
	}
	phones := map[string]bool{}
	for _, a := range made {
		phones[a.Phone] = true
	}
	holders, err := c.Account.Query().Where(account.PhoneIn(keys(phones)...)).
		Select(account.FieldPhone).All(sys)
	if err != nil {
		return nil, wrap("shared phones", err)
	}
	on := map[string][]string{}
	for _, h := range holders {
		on[h.Phone] = append(on[h.Phone], string(h.ID))
	}
	paths, err := s.unitPaths(sys, made)
	if err != nil {
		return nil, err
	}
	var out []candidate
	for _, a := range made {
		if ids := on[a.Phone]; len(ids) >= set.SharedPhoneAccounts {
			out = append(out, candidate{kind: signal.KindSHARED_PHONE, unitPath: paths[*a.CreatedAtUnitID],
				officerID: string(*a.CreatedByOfficerID), value: float64(len(ids)),
				threshold: float64(set.SharedPhoneAccounts), day: d, subjects: ids})
		}
	}
	return out, nil
}

func (s *Service) unitPaths(sys context.Context, accs []*ent.Account) (map[pulid.ID]string, error) {
	ids := map[pulid.ID]bool{}
	for _, a := range accs {
		if a.CreatedAtUnitID != nil {
			ids[*a.CreatedAtUnitID] = true
		}
	}
	us, err := s.db.Client.Unit.Query().Where(unit.IDIn(keys(ids)...)).Select(unit.FieldPath).All(sys)
	if err != nil {
		return nil, wrap("units", err)
	}
	out := map[pulid.ID]string{}
	for _, u := range us {
		out[u.ID] = u.Path
	}
	return out, nil
}

// deskDropOff: DESK_DROP_OFF, a desk whose share of cases cancelled,
// expired or with codes out of tries over the 7 days to d is at least
// DeskDropOffFactor times its province's median share.
func (s *Service) deskDropOff(sys context.Context, set Settings, d string) ([]candidate, error) {
	end, _ := time.ParseInLocation(time.DateOnly, d, location)
	from := end.AddDate(0, 0, -(dropOffWindow - 1)).Format(time.DateOnly)
	r := &Report{s: s, from: from, to: d, all: true}
	rows, err := r.sum(sys, perDesk, statsday.MetricIn(mStarted, mCancelled, mExpired, mExhausted), statsday.FieldUnitPath, statsday.FieldMetric)
	if err != nil {
		return nil, err
	}
	type desk struct{ started, dropped int64 }
	desks := map[string]*desk{}
	for _, x := range rows {
		dk := desks[x.UnitPath]
		if dk == nil {
			dk = &desk{}
			desks[x.UnitPath] = dk
		}
		if x.Metric == mStarted {
			dk.started += x.N
		} else {
			dk.dropped += x.N
		}
	}
	ratios := map[string][]float64{} // by province
	for p, dk := range desks {
		if dk.started >= dropOffMinCases {
			ratios[province(p)] = append(ratios[province(p)], float64(dk.dropped)/float64(dk.started))
		}
	}
	var out []candidate
	for p, dk := range desks {
		if dk.started < dropOffMinCases {
			continue
		}
		ratio := float64(dk.dropped) / float64(dk.started)
		threshold := set.DeskDropOffFactor * max(median(ratios[province(p)]), dropOffFloor)
		if ratio < threshold {
			continue
		}
		subjects, err := s.droppedCases(sys, p, from, d)
		if err != nil {
			return nil, err
		}
		out = append(out, candidate{kind: signal.KindDESK_DROP_OFF, unitPath: p, value: ratio,
			threshold: threshold, day: d, subjects: subjects})
	}
	return out, nil
}

func (s *Service) droppedCases(sys context.Context, path, from, to string) ([]string, error) {
	start, _ := dayBounds(from)
	_, end := dayBounds(to)
	ids, err := s.db.Client.Registration.Query().Where(registration.UnitPath(path),
		registration.StateIn(registration.StateCANCELLED, registration.StateEXPIRED),
		registration.CreatedAtGTE(start), registration.CreatedAtLT(end)).
		Order(ent.Desc(registration.FieldID)).Limit(maxSubjects).IDs(sys)
	if err != nil {
		return nil, wrap("dropped cases", err)
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out, nil
}

// province is the first unit of a path ("/UNa/UNb/" → "/UNa/").
func province(path string) string {
	if i := strings.Index(path[min(1, len(path)):], "/"); i >= 0 {
		return path[:i+2]
	}
	return path
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	ys := slices.Clone(xs)
	sort.Float64s(ys)
	if n := len(ys); n%2 == 1 {
		return ys[n/2]
	} else {
		return (ys[n/2-1] + ys[n/2]) / 2
	}
}

// afterHours: AFTER_HOURS, accounts created at a desk on day d outside the
// opening hours (local time), per desk and officer.
func (s *Service) afterHours(sys context.Context, set Settings, d string) ([]candidate, error) {
	open, err1 := clock(set.OpeningFrom)
	shut, err2 := clock(set.OpeningTo)
	if err1 != nil || err2 != nil {
		return nil, nil
	}
	start, end := dayBounds(d)
	regs, err := s.db.Client.Registration.Query().Where(registration.StateEQ(registration.StateCREATED),
		registration.CompletedAtGTE(start), registration.CompletedAtLT(end)).
		Select(registration.FieldUnitPath, registration.FieldOfficerID, registration.FieldAccountID, registration.FieldCompletedAt).All(sys)
	if err != nil {
		return nil, wrap("after hours", err)
	}
	var out []candidate
	for _, r := range regs {
		at := r.CompletedAt.In(location).Sub(start)
		if at >= open && at < shut || r.AccountID == nil {
			continue
		}
		out = append(out, candidate{kind: signal.KindAFTER_HOURS, unitPath: r.UnitPath, officerID: string(r.OfficerID),
			value: 1, threshold: 1, day: d, subjects: []string{string(*r.AccountID)}})
	}
	// One candidate per account; merge adds them up per desk × officer.
	return countMerged(out), nil
}

// countMerged merges candidates and sets each value to its subject count.
func countMerged(cs []candidate) []candidate {
	out := merge(cs)
	for i := range out {
		out[i].value = 0
	}
	for _, c := range cs {
		for i := range out {
			if out[i].unitPath == c.unitPath && out[i].officerID == c.officerID && out[i].day == c.day {
				out[i].value++
			}
		}
	}
	return out
}

// unusedPasswords: UNUSED_PASSWORDS, a desk where at least
// UnusedPasswordShare of the accounts it created 7 to 37 days before d
// never used their initial password.
func (s *Service) unusedPasswords(sys context.Context, set Settings, d string) ([]candidate, error) {
	day, _ := time.ParseInLocation(time.DateOnly, d, location)
	from, to := day.AddDate(0, 0, -unusedMaxAge).UTC(), day.AddDate(0, 0, -unusedMinAge+1).UTC()
	var rows []struct {
		UnitID pulid.ID `json:"created_at_unit_id"`
		Count  int      `json:"count"`
	}
	q := func() *ent.AccountQuery {
		return s.db.Client.Account.Query().Where(account.OriginEQ(account.OriginONE_STOP_DESK),
			account.CreatedAtGTE(from), account.CreatedAtLT(to), account.CreatedAtUnitIDNotNil())
	}
	if err := q().GroupBy(account.FieldCreatedAtUnitID).Aggregate(ent.Count()).Scan(sys, &rows); err != nil {
		return nil, wrap("unused passwords", err)
	}
	total := map[pulid.ID]int{}
	for _, r := range rows {
		total[r.UnitID] = r.Count
	}
	unused, err := q().Where(account.InitialPasswordUsedAtIsNil()).
		Order(ent.Desc(account.FieldID)).Select(account.FieldCreatedAtUnitID).All(sys)
	if err != nil {
		return nil, wrap("unused passwords", err)
	}
	byDesk := map[pulid.ID][]string{}
	for _, a := range unused {
		byDesk[*a.CreatedAtUnitID] = append(byDesk[*a.CreatedAtUnitID], string(a.ID))
	}
	paths, err := s.unitPaths(sys, unused)
	if err != nil {
		return nil, err
	}
	var out []candidate
	for desk, ids := range byDesk {
		n := total[desk]
		share := float64(len(ids)) / float64(max(n, 1))
		if n < unusedMinAccounts || share < set.UnusedPasswordShare {
			continue
		}
		out = append(out, candidate{kind: signal.KindUNUSED_PASSWORDS, unitPath: paths[desk], value: share,
			threshold: set.UnusedPasswordShare, day: d, subjects: ids})
	}
	return out, nil
}

// lookupBudget: LOOKUP_BUDGET, an officer whose citizen lookups in the
// current daily window reached LookupBudgetShare of the daily budget.
func (s *Service) lookupBudget(sys context.Context, set Settings, now time.Time) ([]candidate, error) {
	if s.lookupsPerDay <= 0 {
		return nil, nil
	}
	threshold := set.LookupBudgetShare * float64(s.lookupsPerDay)
	bs, err := s.db.Client.Budget.Query().Where(entbudget.KeyHasPrefix("lookup:"), entbudget.KeyHasSuffix(":day"),
		entbudget.WindowStartGT(now.Add(-24*time.Hour).UTC())).All(sys)
	if err != nil {
		return nil, wrap("lookup budgets", err)
	}
	var out []candidate
	for _, b := range bs {
		if float64(b.Used) < threshold {
			continue
		}
		id := pulid.ID(strings.TrimSuffix(strings.TrimPrefix(b.Key, "lookup:"), ":day"))
		o, err := s.db.Client.Officer.Query().Where(officer.ID(id)).Only(sys)
		if ent.IsNotFound(err) || (err == nil && o.UnitPath == "") {
			continue
		}
		if err != nil {
			return nil, wrap("lookup budgets", err)
		}
		out = append(out, candidate{kind: signal.KindLOOKUP_BUDGET, unitPath: o.UnitPath, officerID: string(id),
			value: float64(b.Used), threshold: threshold, day: dayOf(b.WindowStart), subjects: []string{}})
	}
	return out, nil
}

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("stats: %s: %w", what, err)
}

func keys[K comparable](m map[K]bool) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
