// Package stats is the admins' statistics and the signals of misuse
// (docs/RULES.md "Statistics" and "Signals"): daily roll-ups rebuilt by a
// periodic job from the raw tables (Refresh), chart queries that read only
// the roll-ups (Statistics), the signals job (Detect) and its thresholds.
// The roll-ups are kept per desk and officer, and coarser per country,
// province and a province's child units (coarse.go) for the wide charts.
//
// Why a job and not increments in every writing transaction: the figures
// come from four writers (desk cases, codes, the SMS outbox, receipts
// arriving days late), one of them in the platform layer that may not call
// a domain package. Rebuilding a dirty day is idempotent, so a crashed
// writer, a retried receipt or a lost job can never leave a roll-up off by
// one; the price is a delay of one job period (RefreshEvery) and the cost of
// re-counting one day's rows, measured in docs/PERFORMANCE.md (S9).
package stats

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/jobs"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// Topic is the events topic of roll-up changes; an event's ID is the path of
// a desk whose figures changed.
const Topic = "stats"

// Defaults of Config.
const (
	DefaultRefreshEvery = 15 * time.Second
	DefaultDetectEvery  = 10 * time.Minute
	// DefaultDirtyLookback: rows changed this recently mark their day dirty.
	// Longer than a job period plus the longest writing transaction.
	DefaultDirtyLookback = 10 * time.Minute
	// DebounceEvery bounds statisticsChanged to one event per subscriber per period.
	DebounceEvery = 5 * time.Second
)

// Config configures a Service.
type Config struct {
	DB  *store.DB
	Bus events.Bus
	Now func() time.Time
	// OTPMaxAttempts is otp.Policy.MaxAttempts: a code with this many tries is exhausted.
	OTPMaxAttempts int
	// LookupsPerDay is the officers' daily lookup budget (LOOKUP_BUDGET).
	LookupsPerDay int
	Logger        *slog.Logger
	RefreshEvery  time.Duration
	DetectEvery   time.Duration
	DirtyLookback time.Duration
	// DebounceEvery: 0 means DebounceEvery.
	DebounceEvery time.Duration
}

// Service answers the statistics queries and keeps the roll-ups and signals.
type Service struct {
	db            *store.DB
	bus           events.Bus
	now           func() time.Time
	maxAttempts   int
	lookupsPerDay int
	log           *slog.Logger
	refreshEvery  time.Duration
	detectEvery   time.Duration
	lookback      time.Duration
	debounceEvery time.Duration
	// coarseReady: the coarse roll-ups of the days rolled up before they
	// existed were built (BackfillCoarse), once per process.
	coarseReady atomic.Bool
}

// New returns a Service.
func New(cfg Config) *Service {
	s := &Service{
		db: cfg.DB, bus: cfg.Bus, now: cfg.Now, maxAttempts: cfg.OTPMaxAttempts,
		lookupsPerDay: cfg.LookupsPerDay, log: cfg.Logger,
		refreshEvery: cfg.RefreshEvery, detectEvery: cfg.DetectEvery, lookback: cfg.DirtyLookback,
		debounceEvery: cfg.DebounceEvery,
	}
	if s.debounceEvery <= 0 {
		s.debounceEvery = DebounceEvery
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.refreshEvery <= 0 {
		s.refreshEvery = DefaultRefreshEvery
	}
	if s.detectEvery <= 0 {
		s.detectEvery = DefaultDetectEvery
	}
	if s.lookback <= 0 {
		s.lookback = DefaultDirtyLookback
	}
	return s
}

// Location is where days are calendar days.
var location = mustLoad("Asia/Ho_Chi_Minh")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// The zone database is embedded (time/tzdata in cmd/motcua); a
		// fixed +07:00 is the same zone (Vietnam has no daylight saving).
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}

// Location returns the time zone of the statistics' days.
func Location() *time.Location { return location }

// dayOf is the local calendar day of t, as YYYY-MM-DD.
func dayOf(t time.Time) string { return t.In(location).Format(time.DateOnly) }

// dayBounds is [start, end) of the local day d (YYYY-MM-DD), in UTC: SQLite
// compares times as text, so every time in a condition is UTC, as stored.
func dayBounds(d string) (time.Time, time.Time) {
	t, _ := time.ParseInLocation(time.DateOnly, d, location)
	return t.UTC(), t.AddDate(0, 0, 1).UTC()
}

// refreshArgs and detectArgs are the periodic jobs' arguments.
type refreshArgs struct{}

func (refreshArgs) Kind() string { return "stats.refresh" }

type detectArgs struct{}

func (detectArgs) Kind() string { return "stats.detect" }

const queueName = "stats"

type refreshWorker struct {
	river.WorkerDefaults[refreshArgs]
	s *Service
}

func (w *refreshWorker) Work(ctx context.Context, _ *river.Job[refreshArgs]) error {
	_, err := w.s.Refresh(ctx)
	return err
}

type detectWorker struct {
	river.WorkerDefaults[detectArgs]
	s *Service
}

func (w *detectWorker) Work(ctx context.Context, _ *river.Job[detectArgs]) error {
	_, err := w.s.Detect(ctx, w.s.now())
	return err
}

// Register adds the roll-up and signal jobs to the process's River client.
func (s *Service) Register(r *jobs.Runner) error {
	q := jobs.Queue{Name: queueName, MaxWorkers: 1, Timeout: 5 * time.Minute}
	if err := jobs.Add(r, q, &refreshWorker{s: s}); err != nil {
		return fmt.Errorf("stats: register: %w", err)
	}
	if err := jobs.Add(r, q, &detectWorker{s: s}); err != nil {
		return fmt.Errorf("stats: register: %w", err)
	}
	// One attempt each: a failed run is simply run again next period.
	opts := &river.InsertOpts{Queue: queueName, MaxAttempts: 1}
	if err := r.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(s.refreshEvery),
		func() (river.JobArgs, *river.InsertOpts) { return refreshArgs{}, opts },
		&river.PeriodicJobOpts{ID: "stats.refresh", RunOnStart: true})); err != nil {
		return fmt.Errorf("stats: register: %w", err)
	}
	if err := r.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(s.detectEvery),
		func() (river.JobArgs, *river.InsertOpts) { return detectArgs{}, opts },
		&river.PeriodicJobOpts{ID: "stats.detect", RunOnStart: true})); err != nil {
		return fmt.Errorf("stats: register: %w", err)
	}
	return nil
}

// scopeOf is where the viewer of ctx may read statistics, or the refusal.
func scopeOf(ctx context.Context) (*viewer.Viewer, policy.Scope, error) {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return nil, policy.Scope{}, errUnauthenticated
	}
	scope := v.Scope(policy.ObjStats, policy.ActRead)
	if scope.Empty() {
		return nil, policy.Scope{}, errForbidden
	}
	return v, scope, nil
}

var (
	errUnauthenticated = refusal.New(refusal.Unauthenticated,
		"Bạn cần đăng nhập.", "You need to sign in.")
	errForbidden = refusal.New(refusal.Forbidden,
		"Chỉ quản trị viên mới xem được thống kê.", "Only administrators can see the statistics.")
	errSettingsForbidden = refusal.New(refusal.Forbidden,
		"Chỉ quản trị viên cấp cao mới thay đổi được ngưỡng cảnh báo.", "Only a senior administrator can change the signal thresholds.")
	errUnitNotFound = refusal.New(refusal.NotFound,
		"Không tìm thấy đơn vị đã chọn.", "The chosen unit does not exist.").OnField("unitID")
	errSignalNotFound = refusal.New(refusal.NotFound,
		"Không tìm thấy cảnh báo này.", "There is no such signal.").OnField("id")
)

func errUnitOutOfScope(unitName string) *refusal.Error {
	return refusal.New(refusal.OutOfScope,
		fmt.Sprintf("Đơn vị «%s» nằm ngoài phạm vi bạn quản trị.", unitName),
		fmt.Sprintf("The unit «%s» is outside the units you administer.", unitName)).OnField("unitID")
}
