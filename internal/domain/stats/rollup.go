package stats

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/otpchallenge"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/smsmessage"
	"github.com/motcua/motcua/ent/statsday"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/policy/viewer"
)

// The roll-up metrics (docs/RULES.md "Statistics").
const (
	// Desk cases by the day they started, by their state now (a cohort).
	mStarted   = "started"
	mOTPSent   = "otp_sent"
	mCreated   = "created"
	mCancelled = "cancelled"
	mExpired   = "expired"
	// Accounts created at the desk, by the day of creation.
	mAccounts = "accounts"
	// Registration codes sent, and of them resends, by the day sent.
	mCodesSent = "codes_sent"
	mResends   = "resends"
	// Registration codes that ran out of tries, by the day issued.
	mExhausted = "otp_exhausted"
	// SMS by the day queued, kind and carrier: "sms." + status now.
	mSMSPrefix = "sms."
	// Delivered SMS by the day queued, per delivery-time bucket.
	mDelivery = "delivery"
)

// key is a roll-up row's identity.
type key struct {
	Day, UnitPath, OfficerID, Metric, Kind, Carrier string
	Bucket                                          int
}

// refreshLock serialises rebuilds on PostgreSQL (SQLite writes are serial).
const refreshLock = 7_286_017

// Refresh rebuilds the roll-ups of every dirty day: today, yesterday, and
// each day of a case, code or message that changed within the lookback (a
// late receipt changes the day its SMS was queued). It returns the days
// rebuilt. Each day is rebuilt in one transaction, so the figures of a day
// are never half old, half new; desks whose figures changed are published
// on Topic after the commit.
func (s *Service) Refresh(ctx context.Context) ([]string, error) {
	if !s.coarseReady.Load() {
		if err := s.BackfillCoarse(ctx); err != nil {
			return nil, err
		}
		s.coarseReady.Store(true)
	}
	now := s.now()
	from, err := s.dirtySince(ctx, now.Add(-s.lookback).UTC())
	if err != nil {
		return nil, err
	}
	days := daysBetween(dayOf(minTime(from, now.AddDate(0, 0, -1))), dayOf(now))
	for _, d := range days {
		if err := s.RebuildDay(ctx, d); err != nil {
			return nil, err
		}
	}
	return days, nil
}

// dirtySince is the earliest creation time of a case, code or message
// changed since t (now when none).
func (s *Service) dirtySince(ctx context.Context, t time.Time) (time.Time, error) {
	sys := viewer.System(ctx)
	c := s.db.Client
	earliest := s.now()
	take := func(v *ent.Registration, err error) error {
		if err == nil && v.CreatedAt.Before(earliest) {
			earliest = v.CreatedAt
		}
		if ent.IsNotFound(err) {
			return nil
		}
		return err
	}
	if err := take(c.Registration.Query().Where(registration.UpdatedAtGTE(t)).
		Order(ent.Asc(registration.FieldCreatedAt)).Select(registration.FieldCreatedAt).First(sys)); err != nil {
		return earliest, fmt.Errorf("stats: dirty cases: %w", err)
	}
	m, err := c.SMSMessage.Query().Where(smsmessage.UpdatedAtGTE(t)).
		Order(ent.Asc(smsmessage.FieldCreatedAt)).Select(smsmessage.FieldCreatedAt).First(sys)
	if err == nil && m.CreatedAt.Before(earliest) {
		earliest = m.CreatedAt
	} else if err != nil && !ent.IsNotFound(err) {
		return earliest, fmt.Errorf("stats: dirty messages: %w", err)
	}
	o, err := c.OTPChallenge.Query().Where(otpchallenge.UpdatedAtGTE(t), otpchallenge.PurposeEQ(otpchallenge.PurposeREGISTRATION)).
		Order(ent.Asc(otpchallenge.FieldCreatedAt)).Select(otpchallenge.FieldCreatedAt).First(sys)
	if err == nil && o.CreatedAt.Before(earliest) {
		earliest = o.CreatedAt
	} else if err != nil && !ent.IsNotFound(err) {
		return earliest, fmt.Errorf("stats: dirty codes: %w", err)
	}
	return earliest, nil
}

// RebuildDay recounts the roll-ups of local day d (YYYY-MM-DD) from the raw
// tables and replaces the stored ones.
func (s *Service) RebuildDay(ctx context.Context, d string) error {
	sys := viewer.System(ctx)
	fresh, err := s.count(sys, d)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		if err := lockRefresh(ctx, tx); err != nil {
			return err
		}
		changed, err := writeDesk(sys, tx.Client, d, fresh)
		if err != nil {
			return err
		}
		// The coarse rows follow the desk rows in the same transaction:
		// no reader ever sees the two disagree.
		if err := writeCoarse(sys, tx.Client, d, coarseOf(fresh)); err != nil {
			return err
		}
		if len(changed) > 0 {
			s.publish(ctx, tx, changed)
		}
		return nil
	})
}

// writeDesk replaces the desk rows of day d with fresh when they differ,
// and returns the desks whose figures changed.
func writeDesk(sys context.Context, c *ent.Client, d string, fresh map[key]int64) (map[string]bool, error) {
	old, err := c.StatsDay.Query().Where(statsday.Day(d)).All(sys)
	if err != nil {
		return nil, fmt.Errorf("stats: read %s: %w", d, err)
	}
	changed := map[string]bool{}
	oldKeys := make(map[key]bool, len(old))
	for _, r := range old {
		k := key{r.Day, r.UnitPath, r.OfficerID, r.Metric, r.Kind, r.Carrier, r.Bucket}
		oldKeys[k] = true
		if fresh[k] != r.N {
			changed[r.UnitPath] = true
		}
	}
	for k := range fresh {
		if !oldKeys[k] {
			changed[k.UnitPath] = true
		}
	}
	if len(changed) == 0 {
		return changed, nil
	}
	if _, err := c.StatsDay.Delete().Where(statsday.Day(d)).Exec(sys); err != nil {
		return nil, fmt.Errorf("stats: clear %s: %w", d, err)
	}
	if err := insertRows(sys, c, fresh); err != nil {
		return nil, fmt.Errorf("stats: write %s: %w", d, err)
	}
	return changed, nil
}

// insertRows writes rows in batches (SQLite allows 32766 parameters).
func insertRows(ctx context.Context, c *ent.Client, rows map[key]int64) error {
	keys := make([]key, 0, len(rows))
	for k, n := range rows {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	const batch = 500
	for i := 0; i < len(keys); i += batch {
		var bs []*ent.StatsDayCreate
		for _, k := range keys[i:min(i+batch, len(keys))] {
			bs = append(bs, c.StatsDay.Create().SetID(pulid.New("SD")).SetDay(k.Day).SetUnitPath(k.UnitPath).
				SetOfficerID(k.OfficerID).SetMetric(k.Metric).SetKind(k.Kind).SetCarrier(k.Carrier).
				SetBucket(k.Bucket).SetN(rows[k]))
		}
		if err := c.StatsDay.CreateBulk(bs...).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) publish(ctx context.Context, tx *store.Tx, changed map[string]bool) {
	if s.bus == nil {
		return
	}
	paths := make([]string, 0, len(changed))
	for p := range changed {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	at := s.now()
	tx.OnCommit(func() {
		for _, p := range paths {
			if err := s.bus.Publish(context.WithoutCancel(ctx), events.Event{Topic: Topic, ID: p, At: at}); err != nil {
				s.log.Warn("stats: publish", "err", err)
			}
		}
	})
}

// count computes the roll-up rows of local day d from the raw tables.
func (s *Service) count(sys context.Context, d string) (map[key]int64, error) {
	start, end := dayBounds(d)
	c := s.db.Client
	out := map[key]int64{}
	// Cases started that day, by their state now.
	var byState []struct {
		UnitPath  string             `json:"unit_path"`
		OfficerID string             `json:"officer_id"`
		State     registration.State `json:"state"`
		Count     int64              `json:"count"`
	}
	err := c.Registration.Query().Where(registration.CreatedAtGTE(start), registration.CreatedAtLT(end)).
		GroupBy(registration.FieldUnitPath, registration.FieldOfficerID, registration.FieldState).
		Aggregate(ent.Count()).Scan(sys, &byState)
	if err != nil {
		return nil, fmt.Errorf("stats: count cases: %w", err)
	}
	for _, r := range byState {
		k := key{Day: d, UnitPath: r.UnitPath, OfficerID: r.OfficerID}
		k.Metric = mStarted
		out[k] += r.Count
		if m := stateMetric(r.State); m != "" {
			k.Metric = m
			out[k] += r.Count
		}
	}
	var simple []struct {
		UnitPath  string `json:"unit_path"`
		OfficerID string `json:"officer_id"`
		Count     int64  `json:"count"`
	}
	err = c.Registration.Query().Where(registration.CreatedAtGTE(start), registration.CreatedAtLT(end), registration.OtpSentAtNotNil()).
		GroupBy(registration.FieldUnitPath, registration.FieldOfficerID).Aggregate(ent.Count()).Scan(sys, &simple)
	if err != nil {
		return nil, fmt.Errorf("stats: count codes sent: %w", err)
	}
	for _, r := range simple {
		out[key{Day: d, UnitPath: r.UnitPath, OfficerID: r.OfficerID, Metric: mOTPSent}] += r.Count
	}
	simple = simple[:0]
	err = c.Registration.Query().Where(registration.StateEQ(registration.StateCREATED),
		registration.CompletedAtGTE(start), registration.CompletedAtLT(end)).
		GroupBy(registration.FieldUnitPath, registration.FieldOfficerID).Aggregate(ent.Count()).Scan(sys, &simple)
	if err != nil {
		return nil, fmt.Errorf("stats: count accounts: %w", err)
	}
	for _, r := range simple {
		out[key{Day: d, UnitPath: r.UnitPath, OfficerID: r.OfficerID, Metric: mAccounts}] += r.Count
	}
	if err := s.countExhausted(sys, d, start, end, out); err != nil {
		return nil, err
	}
	if err := s.countSMS(sys, d, start, end, out); err != nil {
		return nil, err
	}
	return out, nil
}

// stateMetric is the funnel step a case's state counts in (besides started).
func stateMetric(st registration.State) string {
	switch st {
	case registration.StateCREATED:
		return mCreated
	case registration.StateCANCELLED:
		return mCancelled
	case registration.StateEXPIRED:
		return mExpired
	}
	return ""
}

// countExhausted counts registration codes issued on the day that used all
// their tries, at their case's desk and officer.
func (s *Service) countExhausted(sys context.Context, d string, start, end time.Time, out map[key]int64) error {
	if s.maxAttempts <= 0 {
		return nil
	}
	chs, err := s.db.Client.OTPChallenge.Query().
		Where(otpchallenge.PurposeEQ(otpchallenge.PurposeREGISTRATION), otpchallenge.CreatedAtGTE(start),
			otpchallenge.CreatedAtLT(end), otpchallenge.AttemptsGTE(s.maxAttempts), otpchallenge.RegistrationIDNotNil()).
		Select(otpchallenge.FieldRegistrationID).All(sys)
	if err != nil {
		return fmt.Errorf("stats: count exhausted codes: %w", err)
	}
	if len(chs) == 0 {
		return nil
	}
	ids := make([]pulid.ID, 0, len(chs))
	for _, ch := range chs {
		ids = append(ids, *ch.RegistrationID)
	}
	regs, err := s.registrationsByID(sys, ids)
	if err != nil {
		return err
	}
	for _, ch := range chs {
		if r, ok := regs[*ch.RegistrationID]; ok {
			out[key{Day: d, UnitPath: r.UnitPath, OfficerID: string(r.OfficerID), Metric: mExhausted}]++
		}
	}
	return nil
}

func (s *Service) registrationsByID(sys context.Context, ids []pulid.ID) (map[pulid.ID]*ent.Registration, error) {
	out := make(map[pulid.ID]*ent.Registration, len(ids))
	const batch = 500
	for i := 0; i < len(ids); i += batch {
		regs, err := s.db.Client.Registration.Query().Where(registration.IDIn(ids[i:min(i+batch, len(ids))]...)).
			Select(registration.FieldUnitPath, registration.FieldOfficerID, registration.FieldCreatedAt).All(sys)
		if err != nil {
			return nil, fmt.Errorf("stats: read cases: %w", err)
		}
		for _, r := range regs {
			out[r.ID] = r
		}
	}
	return out, nil
}

// countSMS counts the day's messages by kind, carrier and status now, the
// registration codes and their resends, and the delivery-time histogram.
func (s *Service) countSMS(sys context.Context, d string, start, end time.Time, out map[key]int64) error {
	msgs, err := s.db.Client.SMSMessage.Query().Where(smsmessage.CreatedAtGTE(start), smsmessage.CreatedAtLT(end)).
		Select(smsmessage.FieldKind, smsmessage.FieldPhone, smsmessage.FieldStatus, smsmessage.FieldUnitPath,
			smsmessage.FieldSentAt, smsmessage.FieldFinalAt, smsmessage.FieldRegistrationID, smsmessage.FieldCreatedAt).
		All(sys)
	if err != nil {
		return fmt.Errorf("stats: count messages: %w", err)
	}
	// A registration code is a resend when its case had a code before it.
	firstCode := map[pulid.ID]time.Time{}
	var earlier []pulid.ID
	for _, m := range msgs {
		if m.Kind != sms.RegistrationOTP || m.RegistrationID == nil {
			continue
		}
		id := *m.RegistrationID
		t, ok := firstCode[id]
		if !ok {
			earlier = append(earlier, id)
		}
		if !ok || m.CreatedAt.Before(t) {
			firstCode[id] = m.CreatedAt
		}
	}
	before, err := s.casesWithCodeBefore(sys, earlier, start)
	if err != nil {
		return err
	}
	firstSeen := map[pulid.ID]bool{}
	for _, m := range msgs {
		unit := m.UnitPath
		out[key{Day: d, UnitPath: unit, Metric: mSMSPrefix + string(m.Status), Kind: string(m.Kind), Carrier: string(CarrierOf(m.Phone))}]++
		if m.Kind == sms.RegistrationOTP {
			out[key{Day: d, UnitPath: unit, Metric: mCodesSent}]++
			resend := true
			if m.RegistrationID != nil && !before[*m.RegistrationID] && !firstSeen[*m.RegistrationID] && m.CreatedAt.Equal(firstCode[*m.RegistrationID]) {
				firstSeen[*m.RegistrationID] = true
				resend = false
			}
			if resend {
				out[key{Day: d, UnitPath: unit, Metric: mResends}]++
			}
		}
		if m.Status == sms.Delivered && m.SentAt != nil && m.FinalAt != nil {
			out[key{Day: d, UnitPath: unit, Metric: mDelivery, Bucket: bucketOf(m.FinalAt.Sub(*m.SentAt))}]++
		}
	}
	return nil
}

// casesWithCodeBefore reports which of the cases had a registration code
// queued before t.
func (s *Service) casesWithCodeBefore(sys context.Context, ids []pulid.ID, t time.Time) (map[pulid.ID]bool, error) {
	out := map[pulid.ID]bool{}
	const batch = 500
	for i := 0; i < len(ids); i += batch {
		ms, err := s.db.Client.SMSMessage.Query().
			Where(smsmessage.RegistrationIDIn(ids[i:min(i+batch, len(ids))]...), smsmessage.KindEQ(sms.RegistrationOTP),
				smsmessage.CreatedAtLT(t)).
			Select(smsmessage.FieldRegistrationID).All(sys)
		if err != nil {
			return nil, fmt.Errorf("stats: earlier codes: %w", err)
		}
		for _, m := range ms {
			out[*m.RegistrationID] = true
		}
	}
	return out, nil
}

func daysBetween(from, to string) []string {
	var out []string
	t, _ := time.ParseInLocation(time.DateOnly, from, location)
	end, _ := time.ParseInLocation(time.DateOnly, to, location)
	for ; !t.After(end); t = t.AddDate(0, 0, 1) {
		out = append(out, t.Format(time.DateOnly))
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
