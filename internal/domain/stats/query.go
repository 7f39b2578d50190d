package stats

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/officer"
	"github.com/motcua/motcua/ent/predicate"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/statsday"
	"github.com/motcua/motcua/ent/statsunitday"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy/viewer"
)

// Filter narrows the statistics (input StatsFilter).
type Filter struct {
	UnitID   *pulid.ID
	Period   *Period
	From, To *time.Time
}

// MaxCustomDays bounds a CUSTOM period.
const MaxCustomDays = 366

// Report is the figures of a scope over a period (type Statistics). Its
// charts are computed when asked for, each by one aggregate query over the
// roll-ups.
type Report struct {
	From, To time.Time
	// Unit is the narrowed unit; nil for the viewer's whole scope.
	Unit *ent.Unit

	s      *Service
	from   string
	to     string
	all    bool     // the whole country: no path condition
	paths  []string // otherwise: the subtrees summed
	parent *ent.Unit
	roots  []string // the units whose subtrees a UNIT bar shows, when no unit is narrowed
	// deskRows makes every sum read the desk rows (tests compare both grains).
	deskRows bool
}

// Statistics checks the viewer and the filter and returns the report.
func (s *Service) Statistics(ctx context.Context, f *Filter) (*Report, error) {
	_, scope, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	if f == nil {
		f = &Filter{}
	}
	from, to, err := s.period(f)
	if err != nil {
		return nil, err
	}
	r := &Report{From: from, To: to, s: s, from: from.Format(time.DateOnly), to: to.Format(time.DateOnly)}
	sys := viewer.System(ctx)
	switch {
	case f.UnitID != nil:
		u, err := s.db.Client.Unit.Get(sys, *f.UnitID)
		if ent.IsNotFound(err) {
			return nil, errUnitNotFound
		}
		if err != nil {
			return nil, fmt.Errorf("stats: unit: %w", err)
		}
		if !scope.Covers(u.Path) {
			return nil, errUnitOutOfScope(u.Name)
		}
		r.Unit, r.parent, r.paths = u, u, []string{u.Path}
	case scope.All:
		r.all = true
	default:
		r.paths, r.roots = scope.Paths, scope.Paths
	}
	return r, nil
}

// period resolves the filter's period to [from, to], local calendar days.
func (s *Service) period(f *Filter) (time.Time, time.Time, error) {
	today := dayStart(s.now())
	p := Last30Days
	if f.Period != nil {
		p = *f.Period
	}
	if p != Custom && (f.From != nil || f.To != nil) {
		return today, today, refusal.New(refusal.Validation,
			"Chỉ chọn ngày bắt đầu và kết thúc với khoảng thời gian tùy chọn (CUSTOM).",
			"from and to go with the CUSTOM period only.").OnField("period")
	}
	switch p {
	case Last7Days:
		return today.AddDate(0, 0, -6), today, nil
	case Last90Days:
		return today.AddDate(0, 0, -89), today, nil
	case Custom:
		if f.From == nil || f.To == nil {
			return today, today, refusal.New(refusal.Validation,
				"Khoảng thời gian tùy chọn cần cả ngày bắt đầu và ngày kết thúc.",
				"A CUSTOM period needs both from and to.").OnField("from")
		}
		from := time.Date(f.From.Year(), f.From.Month(), f.From.Day(), 0, 0, 0, 0, location)
		to := time.Date(f.To.Year(), f.To.Month(), f.To.Day(), 0, 0, 0, 0, location)
		if to.Before(from) {
			return today, today, refusal.New(refusal.Validation,
				"Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.", "to must not be before from.").OnField("to")
		}
		if to.Sub(from) >= MaxCustomDays*24*time.Hour {
			return today, today, refusal.New(refusal.Validation,
				fmt.Sprintf("Khoảng thời gian tối đa %d ngày.", MaxCustomDays),
				fmt.Sprintf("A period spans at most %d days.", MaxCustomDays)).OnField("to")
		}
		return from, to, nil
	default:
		return today.AddDate(0, 0, -29), today, nil
	}
}

func dayStart(t time.Time) time.Time {
	t = t.In(location)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, location)
}

// sumRow is one aggregate of the roll-ups.
type sumRow struct {
	Day       string `json:"day"`
	UnitPath  string `json:"unit_path"`
	OfficerID string `json:"officer_id"`
	Metric    string `json:"metric"`
	Kind      string `json:"kind"`
	Carrier   string `json:"carrier"`
	Bucket    int    `json:"bucket"`
	N         int64  `json:"n"`
}

// Which rows a sum reads (coarseWhere): the coarse rows of the summed
// paths themselves, of their children, or the desk rows.
const (
	totals   = 0
	children = 1
	perDesk  = -1
)

// sum adds up the roll-ups of the report's scope and period, grouped by the
// given columns, for the metrics matching metric. below says which units
// the groups stand for (totals, the groups of a UNIT bar, or desks and officers): the
// coarse rows answer when they hold those units, the desk rows otherwise;
// both give the same sums.
func (r *Report) sum(ctx context.Context, below int, metric predicate.StatsDay, by ...string) ([]sumRow, error) {
	cond, ok := r.coarseWhere(below, nil)
	return r.sumOf(ctx, cond, ok && below >= 0 && !r.deskRows, metric, by...)
}

// sumBars is sum for the bars of groups (Report.groups).
func (r *Report) sumBars(ctx context.Context, groups []*ent.Unit, metric predicate.StatsDay, by ...string) ([]sumRow, error) {
	cond, ok := r.coarseWhere(r.unitBars(), groups)
	return r.sumOf(ctx, cond, ok && !r.deskRows, metric, by...)
}

// sumOf sums the coarse rows matching cond when coarse, else the desk rows
// of the report's scope.
func (r *Report) sumOf(ctx context.Context, cond predicate.StatsUnitDay, coarse bool, metric predicate.StatsDay, by ...string) ([]sumRow, error) {
	var rows []sumRow
	agg := func(s *sql.Selector) string { return sql.As(sql.Sum(s.C(statsday.FieldN)), "n") }
	if coarse {
		err := r.s.db.Client.StatsUnitDay.Query().
			Where(statsunitday.DayGTE(r.from), statsunitday.DayLTE(r.to), predicate.StatsUnitDay(metric), cond).
			GroupBy(by[0], by[1:]...).Aggregate(agg).Scan(viewer.System(ctx), &rows)
		if err != nil {
			return nil, fmt.Errorf("stats: sum: %w", err)
		}
		return rows, nil
	}
	where := []predicate.StatsDay{statsday.DayGTE(r.from), statsday.DayLTE(r.to), metric}
	if !r.all {
		var ors []predicate.StatsDay
		for _, p := range r.paths {
			ors = append(ors, statsday.UnitPathHasPrefix(p))
		}
		where = append(where, statsday.Or(ors...))
	}
	err := r.s.db.Client.StatsDay.Query().Where(where...).GroupBy(by[0], by[1:]...).
		Aggregate(agg).Scan(viewer.System(ctx), &rows)
	if err != nil {
		return nil, fmt.Errorf("stats: sum: %w", err)
	}
	return rows, nil
}

// unitBars is which rows a UNIT bar's groups are (Report.groups): the
// narrowed unit's or the country's children, or the scope's own units.
func (r *Report) unitBars() int {
	if r.all || r.parent != nil {
		return children
	}
	return totals
}

// DayCount is one day's figure.
type DayCount struct {
	Day   time.Time
	Count int
}

// AccountsPerDay is accounts created per day, every day of the period.
func (r *Report) AccountsPerDay(ctx context.Context) ([]*DayCount, error) {
	rows, err := r.sum(ctx, totals, statsday.Metric(mAccounts), statsday.FieldDay)
	if err != nil {
		return nil, err
	}
	by := map[string]int64{}
	for _, x := range rows {
		by[x.Day] = x.N
	}
	var out []*DayCount
	for _, d := range daysBetween(r.from, r.to) {
		t, _ := time.Parse(time.DateOnly, d)
		out = append(out, &DayCount{Day: t, Count: int(by[d])})
	}
	return out, nil
}

// GroupCount is one bar: a unit or an officer.
type GroupCount struct {
	Unit      *ent.Unit
	Officer   *ent.Officer
	Label     string
	Count     int
	Drillable bool
}

func checkTop(top *int) (int, error) {
	if top == nil {
		return 10, nil
	}
	if *top < 1 || *top > 100 {
		return 0, refusal.New(refusal.Validation, "top phải từ 1 đến 100.", "top must be between 1 and 100.").OnField("top")
	}
	return *top, nil
}

// AccountsBy is accounts created per child unit or per officer, largest first.
func (r *Report) AccountsBy(ctx context.Context, groupBy GroupBy, top *int) ([]*GroupCount, error) {
	n, err := checkTop(top)
	if err != nil {
		return nil, err
	}
	if groupBy == ByOfficer {
		return r.accountsByOfficer(ctx, n)
	}
	groups, err := r.groups(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := r.sumBars(ctx, groups, statsday.Metric(mAccounts), statsday.FieldUnitPath)
	if err != nil {
		return nil, err
	}
	counts := map[pulid.ID]int64{}
	for _, x := range rows {
		if g := groupOf(groups, x.UnitPath); g != nil {
			counts[g.ID] += x.N
		}
	}
	parents, err := r.withChildren(ctx, groups)
	if err != nil {
		return nil, err
	}
	var out []*GroupCount
	for _, g := range groups {
		c := int(counts[g.ID])
		out = append(out, &GroupCount{Unit: g, Label: g.Name, Count: c, Drillable: parents[g.ID] || (g.IsServiceDesk && c > 0)})
	}
	return topOf(out, n), nil
}

func (r *Report) accountsByOfficer(ctx context.Context, n int) ([]*GroupCount, error) {
	rows, err := r.sum(ctx, perDesk, statsday.Metric(mAccounts), statsday.FieldOfficerID)
	if err != nil {
		return nil, err
	}
	ids := make([]pulid.ID, 0, len(rows))
	for _, x := range rows {
		if x.OfficerID != "" && x.N > 0 {
			ids = append(ids, pulid.ID(x.OfficerID))
		}
	}
	offs, err := r.s.db.Client.Officer.Query().Where(officer.IDIn(ids...)).WithAccount().All(viewer.System(ctx))
	if err != nil {
		return nil, fmt.Errorf("stats: officers: %w", err)
	}
	byID := map[pulid.ID]*ent.Officer{}
	for _, o := range offs {
		byID[o.ID] = o
	}
	var out []*GroupCount
	for _, x := range rows {
		o := byID[pulid.ID(x.OfficerID)]
		if o == nil || x.N == 0 {
			continue
		}
		label := string(o.ID)
		if o.Edges.Account != nil {
			label = o.Edges.Account.FullName
		}
		out = append(out, &GroupCount{Officer: o, Label: label, Count: int(x.N)})
	}
	return topOf(out, n), nil
}

func topOf(out []*GroupCount, n int) []*GroupCount {
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Label < out[j].Label
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// groups are the units a UNIT bar stands for: the narrowed unit's children;
// without one, the top units of the viewer's scope.
func (r *Report) groups(ctx context.Context) ([]*ent.Unit, error) {
	sys := viewer.System(ctx)
	q := r.s.db.Client.Unit.Query()
	switch {
	case r.parent != nil:
		q.Where(unit.ParentID(r.parent.ID))
	case r.all:
		q.Where(unit.ParentIDIsNil())
	default:
		var ids []pulid.ID
		for _, p := range r.roots {
			ids = append(ids, unitIDOfPath(p))
		}
		q.Where(unit.IDIn(ids...))
	}
	us, err := q.Order(ent.Asc(unit.FieldName)).All(sys)
	if err != nil {
		return nil, fmt.Errorf("stats: units: %w", err)
	}
	return us, nil
}

// withChildren reports which of us have child units.
func (r *Report) withChildren(ctx context.Context, us []*ent.Unit) (map[pulid.ID]bool, error) {
	ids := make([]pulid.ID, len(us))
	for i, u := range us {
		ids[i] = u.ID
	}
	kids, err := r.s.db.Client.Unit.Query().Where(unit.ParentIDIn(ids...)).
		Select(unit.FieldParentID).All(viewer.System(ctx))
	if err != nil {
		return nil, fmt.Errorf("stats: units: %w", err)
	}
	out := map[pulid.ID]bool{}
	for _, k := range kids {
		out[*k.ParentID] = true
	}
	return out, nil
}

// groupOf is the unit of gs whose subtree holds path.
func groupOf(gs []*ent.Unit, path string) *ent.Unit {
	for _, g := range gs {
		if strings.HasPrefix(path, g.Path) {
			return g
		}
	}
	return nil
}

// unitIDOfPath is the last id of a materialised path "/UN…/UN…/".
func unitIDOfPath(p string) pulid.ID {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	return pulid.ID(parts[len(parts)-1])
}

// Funnel is the registration funnel.
type Funnel struct {
	Started, OTPSent, Created, Cancelled, Expired int
}

func (f *Funnel) add(metric string, n int64) {
	switch metric {
	case mStarted:
		f.Started += int(n)
	case mOTPSent:
		f.OTPSent += int(n)
	case mCreated:
		f.Created += int(n)
	case mCancelled:
		f.Cancelled += int(n)
	case mExpired:
		f.Expired += int(n)
	}
}

var funnelMetrics = statsday.MetricIn(mStarted, mOTPSent, mCreated, mCancelled, mExpired)

// Funnel is the funnel over the period.
func (r *Report) Funnel(ctx context.Context) (*Funnel, error) {
	rows, err := r.sum(ctx, totals, funnelMetrics, statsday.FieldMetric)
	if err != nil {
		return nil, err
	}
	f := &Funnel{}
	for _, x := range rows {
		f.add(x.Metric, x.N)
	}
	return f, nil
}

// FunnelRow is the funnel of one child unit.
type FunnelRow struct {
	Unit   *ent.Unit
	Funnel *Funnel
}

// FunnelBy is the funnel per child unit, most started first.
func (r *Report) FunnelBy(ctx context.Context, top *int) ([]*FunnelRow, error) {
	n, err := checkTop(top)
	if err != nil {
		return nil, err
	}
	groups, err := r.groups(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := r.sumBars(ctx, groups, funnelMetrics, statsday.FieldUnitPath, statsday.FieldMetric)
	if err != nil {
		return nil, err
	}
	by := map[pulid.ID]*FunnelRow{}
	var out []*FunnelRow
	for _, g := range groups {
		fr := &FunnelRow{Unit: g, Funnel: &Funnel{}}
		by[g.ID] = fr
		out = append(out, fr)
	}
	for _, x := range rows {
		if g := groupOf(groups, x.UnitPath); g != nil {
			by[g.ID].Funnel.add(x.Metric, x.N)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Funnel.Started > out[j].Funnel.Started })
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// SMSRow counts one kind × carrier's messages by status now.
type SMSRow struct {
	Kind                                           sms.Kind
	Carrier                                        Carrier
	Sent, Delivered, Undelivered, Failed, NoReport int
}

// smsMetrics are the SMS metrics, one per status: a list, not the prefix
// "sms.", because a LIKE prefix reads no index range on SQLite (LIKE
// ignores case) nor on PostgreSQL outside the C collation.
var smsMetrics = func() predicate.StatsDay {
	var ms []string
	for _, st := range sms.Queued.Values() {
		ms = append(ms, mSMSPrefix+st)
	}
	return statsday.MetricIn(ms...)
}()

// SMS is the messages by kind and carrier. sent counts every message the
// provider accepted (SENT, DELIVERED, UNDELIVERED, NO_REPORT); failed also
// counts codes that expired before they could be sent.
func (r *Report) SMS(ctx context.Context) ([]*SMSRow, error) {
	rows, err := r.sum(ctx, totals, smsMetrics, statsday.FieldMetric, statsday.FieldKind, statsday.FieldCarrier)
	if err != nil {
		return nil, err
	}
	type kc struct{ k, c string }
	by := map[kc]*SMSRow{}
	for _, x := range rows {
		row := by[kc{x.Kind, x.Carrier}]
		if row == nil {
			row = &SMSRow{Kind: sms.Kind(x.Kind), Carrier: Carrier(x.Carrier)}
			by[kc{x.Kind, x.Carrier}] = row
		}
		n := int(x.N)
		switch sms.Status(strings.TrimPrefix(x.Metric, mSMSPrefix)) {
		case sms.Sent:
			row.Sent += n
		case sms.Delivered:
			row.Sent += n
			row.Delivered += n
		case sms.Undelivered:
			row.Sent += n
			row.Undelivered += n
		case sms.NoReport:
			row.Sent += n
			row.NoReport += n
		case sms.Failed, sms.Expired:
			row.Failed += n
		}
	}
	out := make([]*SMSRow, 0, len(by))
	for _, row := range by {
		out = append(out, row)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Carrier < out[j].Carrier
	})
	return out, nil
}

// DeliveryDay is the time to delivery of one day's messages.
type DeliveryDay struct {
	Day                    time.Time
	Delivered              int
	P50Seconds, P95Seconds *float64
}

// SMSDelivery is the time from sending to delivery receipt, per day.
func (r *Report) SMSDelivery(ctx context.Context) ([]*DeliveryDay, error) {
	rows, err := r.sum(ctx, totals, statsday.Metric(mDelivery), statsday.FieldDay, statsday.FieldBucket)
	if err != nil {
		return nil, err
	}
	by := map[string]map[int]int64{}
	for _, x := range rows {
		if by[x.Day] == nil {
			by[x.Day] = map[int]int64{}
		}
		by[x.Day][x.Bucket] += x.N
	}
	var out []*DeliveryDay
	for _, d := range daysBetween(r.from, r.to) {
		t, _ := time.Parse(time.DateOnly, d)
		var n int64
		for _, c := range by[d] {
			n += c
		}
		out = append(out, &DeliveryDay{Day: t, Delivered: int(n), P50Seconds: percentile(by[d], 0.5), P95Seconds: percentile(by[d], 0.95)})
	}
	return out, nil
}

// OTPHealth is the registration codes' health.
type OTPHealth struct {
	CodesSent, Resends, AttemptsExhausted, AccountsCreated int
	CodesPerAccount                                        *float64
}

// Otp is the OTP health over the period.
func (r *Report) Otp(ctx context.Context) (*OTPHealth, error) {
	rows, err := r.sum(ctx, totals, statsday.MetricIn(mCodesSent, mResends, mExhausted, mAccounts), statsday.FieldMetric)
	if err != nil {
		return nil, err
	}
	h := &OTPHealth{}
	for _, x := range rows {
		switch x.Metric {
		case mCodesSent:
			h.CodesSent = int(x.N)
		case mResends:
			h.Resends = int(x.N)
		case mExhausted:
			h.AttemptsExhausted = int(x.N)
		case mAccounts:
			h.AccountsCreated = int(x.N)
		}
	}
	if h.AccountsCreated > 0 {
		v := float64(h.CodesSent) / float64(h.AccountsCreated)
		h.CodesPerAccount = &v
	}
	return h, nil
}
