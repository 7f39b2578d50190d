package stats

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/otpchallenge"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/smsmessage"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

// errCrash rolls a step's transaction back: a replica that died mid-write.
var errCrash = errors.New("simulated crash")

// TestRollupsEqualRawCounts is the property: after any sequence of desk
// cases, codes, exhausted codes, cancellations, expiries and SMS status
// changes (late receipts after NO_REPORT included, and steps whose
// transaction is rolled back), with the refresh job running between steps
// as it does in production, the roll-ups equal the counts recomputed from
// the raw tables.
func TestRollupsEqualRawCounts(t *testing.T) {
	for seed := range uint64(2) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			testenv.Databases(t, func(t *testing.T, db *store.DB) {
				w := newWorld(t, db)
				sim := &simulation{w: w, rnd: rand.New(rand.NewPCG(seed, 17))}
				for range 150 {
					sim.step(t)
					if _, err := w.svc.Refresh(context.Background()); err != nil {
						t.Fatal(err)
					}
				}
				got := storedRollups(t, w)
				want := rawCounts(t, w)
				for k, n := range want {
					if got[k] != n {
						t.Errorf("%+v: roll-up %d, raw %d", k, got[k], n)
					}
				}
				for k, n := range got {
					if _, ok := want[k]; !ok {
						t.Errorf("%+v: roll-up %d, nothing raw", k, n)
					}
				}
				if sim.crashed == 0 || sim.late == 0 {
					t.Fatalf("the sequence lacked crashes (%d) or late receipts (%d)", sim.crashed, sim.late)
				}
			})
		})
	}
}

type simulation struct {
	w       *world
	rnd     *rand.Rand
	crashed int
	late    int
}

var phones = []string{"+84961234567", "+84911234567", "+84901234567", "+84921234567", "+84591234567", "+84551234567", "+84871234567"}

// step does one random thing in a transaction, rolled back one time in eight.
func (s *simulation) step(t *testing.T) {
	w := s.w
	*w.clock = w.clock.Add(time.Duration(s.rnd.IntN(240)) * time.Minute)
	crash := s.rnd.IntN(8) == 0
	now := w.now()
	err := w.db.InTx(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		c := tx.Client
		var err error
		switch s.rnd.IntN(7) {
		case 0, 1:
			err = s.start(c, now)
		case 2:
			err = s.sendCode(c, now)
		case 3:
			err = s.end(c, now)
		case 4:
			err = s.exhaust(c, now)
		default:
			err = s.receipt(c, now)
		}
		if err == nil && crash {
			return errCrash
		}
		return err
	})
	if crash && errors.Is(err, errCrash) {
		s.crashed++
		return
	}
	if err != nil {
		t.Fatal(err)
	}
}

func (s *simulation) start(c *ent.Client, now time.Time) error {
	offs := []*ent.Officer{s.w.offA1, s.w.offA2, s.w.offB1}
	o := offs[s.rnd.IntN(len(offs))]
	s.w.seq++
	return c.Registration.Create().SetCode(fmt.Sprintf("C%07d", s.w.seq)).SetIDNumber(fmt.Sprintf("0010%08d", s.w.seq)).
		SetFullName("Nguyễn Văn Thử").SetDateOfBirth(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)).
		SetPhone(phones[s.rnd.IntN(len(phones))]).SetOfficerID(o.ID).SetUnitID(*o.UnitID).SetUnitPath(o.UnitPath).
		SetExpiresAt(now.Add(24 * time.Hour)).SetCreatedAt(now).SetUpdatedAt(now).Exec(sys())
}

// pick is a random case in one of states, or nil.
func (s *simulation) pick(c *ent.Client, states ...registration.State) *ent.Registration {
	regs, err := c.Registration.Query().Where(registration.StateIn(states...)).Order(ent.Asc(registration.FieldID)).All(sys())
	if err != nil || len(regs) == 0 {
		return nil
	}
	return regs[s.rnd.IntN(len(regs))]
}

func (s *simulation) sendCode(c *ent.Client, now time.Time) error {
	r := s.pick(c, registration.StateDRAFT, registration.StateOTP_SENT)
	if r == nil {
		return nil
	}
	if err := c.Registration.UpdateOne(r).SetState(registration.StateOTP_SENT).SetOtpSentAt(now).SetUpdatedAt(now).Exec(sys()); err != nil {
		return err
	}
	err := c.OTPChallenge.Create().SetPurpose(otpchallenge.PurposeREGISTRATION).SetSubjectID(string(r.ID)).
		SetPhone(r.Phone).SetCodeHash("h").SetExpiresAt(now.Add(5 * time.Minute)).SetRegistrationID(r.ID).
		SetCreatedAt(now).SetUpdatedAt(now).Exec(sys())
	if err != nil {
		return err
	}
	return s.sms(c, now, r, sms.RegistrationOTP)
}

func (s *simulation) sms(c *ent.Client, now time.Time, r *ent.Registration, kind sms.Kind) error {
	return c.SMSMessage.Create().SetID(pulid.New("SM")).SetKind(kind).SetPhone(r.Phone).SetRegistrationID(r.ID).
		SetOfficerID(string(r.OfficerID)).SetUnitPath(r.UnitPath).SetCreatedAt(now).SetUpdatedAt(now).Exec(sys())
}

// end completes, cancels or expires an open case.
func (s *simulation) end(c *ent.Client, now time.Time) error {
	r := s.pick(c, registration.StateDRAFT, registration.StateOTP_SENT)
	if r == nil {
		return nil
	}
	to := []registration.State{registration.StateCANCELLED, registration.StateEXPIRED, registration.StateCREATED}[s.rnd.IntN(3)]
	if to == registration.StateCREATED && r.State != registration.StateOTP_SENT {
		to = registration.StateCANCELLED
	}
	u := c.Registration.UpdateOne(r).SetState(to).SetUpdatedAt(now)
	if to == registration.StateCREATED {
		u.SetCompletedAt(now)
	}
	if err := u.Exec(sys()); err != nil {
		return err
	}
	if to == registration.StateCREATED {
		return s.sms(c, now, r, sms.InitialPassword)
	}
	return nil
}

func (s *simulation) exhaust(c *ent.Client, now time.Time) error {
	chs, err := c.OTPChallenge.Query().Where(otpchallenge.AttemptsLT(5)).Order(ent.Asc(otpchallenge.FieldID)).All(sys())
	if err != nil || len(chs) == 0 {
		return err
	}
	return c.OTPChallenge.UpdateOne(chs[s.rnd.IntN(len(chs))]).SetAttempts(5).SetUpdatedAt(now).Exec(sys())
}

// receipt moves a message on: sent, then a final status; a NO_REPORT may
// still turn DELIVERED (a late receipt), days after the message was queued.
func (s *simulation) receipt(c *ent.Client, now time.Time) error {
	ms, err := c.SMSMessage.Query().Where(smsmessage.StatusIn(sms.Queued, sms.Sent, sms.NoReport)).
		Order(ent.Asc(smsmessage.FieldID)).All(sys())
	if err != nil || len(ms) == 0 {
		return err
	}
	m := ms[s.rnd.IntN(len(ms))]
	u := c.SMSMessage.UpdateOne(m).SetUpdatedAt(now)
	switch m.Status {
	case sms.Queued:
		if s.rnd.IntN(5) == 0 {
			return u.SetStatus([]sms.Status{sms.Failed, sms.Expired}[s.rnd.IntN(2)]).SetFinalAt(now).Exec(sys())
		}
		return u.SetStatus(sms.Sent).SetSentAt(now.Add(-time.Duration(s.rnd.IntN(60)) * time.Second)).Exec(sys())
	case sms.Sent:
		st := []sms.Status{sms.Delivered, sms.Undelivered, sms.NoReport}[s.rnd.IntN(3)]
		return u.SetStatus(st).SetFinalAt(now).Exec(sys())
	default:
		s.late++
		return u.SetStatus(sms.Delivered).SetFinalAt(now).Exec(sys())
	}
}

func storedRollups(t *testing.T, w *world) map[key]int64 {
	rows, err := w.db.Client.StatsDay.Query().All(sys())
	if err != nil {
		t.Fatal(err)
	}
	out := map[key]int64{}
	for _, r := range rows {
		out[key{r.Day, r.UnitPath, r.OfficerID, r.Metric, r.Kind, r.Carrier, r.Bucket}] += r.N
	}
	return out
}

// rawCounts recounts every figure from whole tables, row by row, without
// the refresh's queries.
func rawCounts(t *testing.T, w *world) map[key]int64 {
	c := w.db.Client
	regs, err := c.Registration.Query().All(sys())
	if err != nil {
		t.Fatal(err)
	}
	out := map[key]int64{}
	regBy := map[pulid.ID]*ent.Registration{}
	for _, r := range regs {
		regBy[r.ID] = r
		k := key{Day: dayOf(r.CreatedAt), UnitPath: r.UnitPath, OfficerID: string(r.OfficerID)}
		inc(out, k, mStarted)
		if r.OtpSentAt != nil {
			inc(out, k, mOTPSent)
		}
		switch r.State {
		case registration.StateCREATED:
			inc(out, k, mCreated)
			inc(out, key{Day: dayOf(*r.CompletedAt), UnitPath: r.UnitPath, OfficerID: string(r.OfficerID)}, mAccounts)
		case registration.StateCANCELLED:
			inc(out, k, mCancelled)
		case registration.StateEXPIRED:
			inc(out, k, mExpired)
		}
	}
	chs, err := c.OTPChallenge.Query().Where(otpchallenge.AttemptsGTE(5)).All(sys())
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range chs {
		r := regBy[*ch.RegistrationID]
		inc(out, key{Day: dayOf(ch.CreatedAt), UnitPath: r.UnitPath, OfficerID: string(r.OfficerID)}, mExhausted)
	}
	ms, err := c.SMSMessage.Query().Order(ent.Asc(smsmessage.FieldCreatedAt), ent.Asc(smsmessage.FieldID)).All(sys())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[pulid.ID]bool{}
	for _, m := range ms {
		d := dayOf(m.CreatedAt)
		out[key{Day: d, UnitPath: m.UnitPath, Metric: mSMSPrefix + string(m.Status), Kind: string(m.Kind), Carrier: string(CarrierOf(m.Phone))}]++
		if m.Kind == sms.RegistrationOTP {
			inc(out, key{Day: d, UnitPath: m.UnitPath}, mCodesSent)
			if seen[*m.RegistrationID] {
				inc(out, key{Day: d, UnitPath: m.UnitPath}, mResends)
			}
			seen[*m.RegistrationID] = true
		}
		if m.Status == sms.Delivered {
			out[key{Day: d, UnitPath: m.UnitPath, Metric: mDelivery, Bucket: bucketOf(m.FinalAt.Sub(*m.SentAt))}]++
		}
	}
	return out
}

func inc(m map[key]int64, k key, metric string) {
	k.Metric = metric
	m[k]++
}

func TestPercentile(t *testing.T) {
	if percentile(map[int]int64{}, 0.5) != nil {
		t.Fatal("empty histogram has a median")
	}
	// 10 messages in bucket 3 (3..5 s): the median is half-way, 4 s.
	if p := percentile(map[int]int64{3: 10}, 0.5); p == nil || *p != 4 {
		t.Fatalf("p50 = %v, want 4", p)
	}
	// 90 fast (≤1 s), 10 slow (60..90 s): p95 lies among the slow.
	p := percentile(map[int]int64{0: 90, 11: 10}, 0.95)
	if p == nil || *p < 60 || *p > 90 {
		t.Fatalf("p95 = %v, want within 60..90", p)
	}
	if !slices.Equal([]int{bucketOf(0), bucketOf(time.Second), bucketOf(2 * time.Hour * 24)}, []int{0, 0, len(bucketBounds)}) {
		t.Fatal("bucketOf bounds")
	}
}

func TestCarrierOf(t *testing.T) {
	for phone, want := range map[string]Carrier{
		"+84961234567": Viettel, "+84911234567": Vinaphone, "+84901234567": Mobifone,
		"+84921234567": Vietnamobile, "+84591234567": Gmobile, "+84551234567": Reddi, "+12025550123": OtherCarrier, "": OtherCarrier,
	} {
		if got := CarrierOf(phone); got != want {
			t.Errorf("CarrierOf(%s) = %s, want %s", phone, got, want)
		}
	}
}
