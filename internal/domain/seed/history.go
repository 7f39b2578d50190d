package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/otpchallenge"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/policy/viewer"
)

// HistoryDays is how far back the demo history goes.
const HistoryDays = 60

// historyCodePrefix marks the demo history's cases (and that it exists).
const historyCodePrefix = "LS"

// Demo desks with a story for the signals (docs/RULES.md "Signals").
const (
	// dropOffDesk cancels or lets expire most of its cases in the last week (DESK_DROP_OFF).
	dropOffDesk = codeCommuneDesk + "0.H37"
	// unusedDesk's citizens mostly never use their initial password (UNUSED_PASSWORDS).
	unusedDesk = codeCommuneDesk + "1.H37"
	// SharedDemoPhone is on three accounts created today at the Lạng Sơn centre (SHARED_PHONE).
	SharedDemoPhone = "+84912345678"
)

// Mobile prefixes of every network, so that the SMS chart has each carrier.
var demoPrefixes = []string{"96", "97", "98", "86", "32", "91", "94", "88", "90", "93", "89", "70", "92", "56", "58", "59", "87", "55"}

// DemoHistory creates HistoryDays of desk activity at the one-stop desks of
// the demo provinces (Hà Nội, Hồ Chí Minh, Lạng Sơn, Đà Nẵng): cases in
// every state, codes and resends, codes out of tries, accounts, SMS of
// every kind, status and network with delivery times, and the stories that
// make signals fire. Two officers per desk (without passwords) are added.
// It does nothing when the history exists. The statistics job builds the
// roll-ups from it: every row's updated_at is now, so its days are dirty.
func DemoHistory(ctx context.Context, db *store.DB, now time.Time) error {
	sys := viewer.System(ctx)
	n, err := db.Client.Registration.Query().Where(registration.CodeHasPrefix(historyCodePrefix)).Count(sys)
	if err != nil || n > 0 {
		return err
	}
	desks, err := db.Client.Unit.Query().Where(unit.IsServiceDesk(true), unit.Or(
		unit.CodeHasSuffix(".H26"), unit.CodeHasSuffix(".H29"), unit.CodeHasSuffix(".H37"), unit.CodeHasSuffix(".H17"),
	), unit.CodeNEQ(CodeNoDiacritics)).Order(ent.Asc(unit.FieldCode)).All(sys)
	if err != nil {
		return fmt.Errorf("seed: history: desks: %w", err)
	}
	h := &history{r: rand.New(rand.NewPCG(2026, 17)), now: now.UTC(), names: newNamer()}
	return db.InTx(sys, func(ctx context.Context, tx *store.Tx) error {
		h.c = tx.Client
		for _, d := range desks {
			offs, err := h.officers(ctx, tx.Client, d)
			if err != nil {
				return err
			}
			for day := HistoryDays - 1; day >= 0; day-- {
				h.deskDay(d, offs, day)
			}
		}
		h.stories(desks)
		return h.save(ctx, tx.Client)
	})
}

type history struct {
	c     *ent.Client // the transaction's
	r     *rand.Rand
	now   time.Time
	names namer
	seq   int
	regs  []*ent.RegistrationCreate
	accs  []*ent.AccountCreate
	sms   []*ent.SMSMessageCreate
	codes []*ent.OTPChallengeCreate
	// the desk and officer of each account, for the stories
	offs map[string][]*ent.Officer
}

var local = mustZone()

func mustZone() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*3600)
}

func (h *history) officers(ctx context.Context, c *ent.Client, desk *ent.Unit) ([]*ent.Officer, error) {
	if h.offs == nil {
		h.offs = map[string][]*ent.Officer{}
	}
	var out []*ent.Officer
	for i := range 2 {
		h.seq++
		name := h.names.name(h.r, i == 0)
		a, err := c.Account.Create().SetIDNumber(fmt.Sprintf("0881%08d", h.seq)).SetFullName(name).SetNameFolded(vn.Fold(name)).
			SetDateOfBirth(time.Date(1985+i, 3, 1, 0, 0, 0, 0, time.UTC)).SetPhone(h.phone()).
			SetOrigin(account.OriginSELF_REGISTERED).Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("seed: history: officer: %w", err)
		}
		o, err := c.Officer.Create().SetAccountID(a.ID).SetUnitID(desk.ID).SetUnitPath(desk.Path).
			SetCanCreateCitizenAccounts(true).Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("seed: history: officer: %w", err)
		}
		out = append(out, o)
	}
	h.offs[desk.Code] = out
	return out, nil
}

func (h *history) phone() string {
	return fmt.Sprintf("+84%s%07d", demoPrefixes[h.r.IntN(len(demoPrefixes))], h.r.IntN(10_000_000))
}

// deskDay is one desk's cases on the day daysAgo days before today.
func (h *history) deskDay(desk *ent.Unit, offs []*ent.Officer, daysAgo int) {
	today := h.now.In(local)
	day := time.Date(today.Year(), today.Month(), today.Day()-daysAgo, 7, 30, 0, 0, local)
	if wd := day.Weekday(); wd == time.Sunday {
		return
	}
	n := 2 + h.r.IntN(6)
	for range n {
		at := day.Add(time.Duration(h.r.IntN(9*3600)) * time.Second).UTC()
		if at.After(h.now) {
			continue
		}
		drop := 0.15
		if desk.Code == dropOffDesk && daysAgo < 7 {
			drop = 0.7
		}
		h.deskCase(desk, offs[h.r.IntN(len(offs))], at, drop)
	}
}

// deskCase is one case started at at, and what followed.
func (h *history) deskCase(desk *ent.Unit, off *ent.Officer, at time.Time, drop float64) {
	h.seq++
	id := pulid.New("RG")
	phone := h.phone()
	name := h.names.name(h.r, h.r.IntN(2) == 0)
	reg := h.newCase(id, off, desk, name, phone, at)
	state := registration.StateCREATED
	switch x := h.r.Float64(); {
	case x < drop/2:
		state = registration.StateCANCELLED
	case x < drop:
		state = registration.StateEXPIRED
	}
	codeAt := at.Add(time.Duration(60+h.r.IntN(240)) * time.Second)
	sendsCode := state == registration.StateCREATED || h.r.IntN(2) == 0
	if sendsCode {
		reg.SetOtpSentAt(codeAt).SetOtpExpiresAt(codeAt.Add(5 * time.Minute))
		h.code(id, off, desk, phone, codeAt, state != registration.StateCREATED && h.r.IntN(3) == 0)
		if h.r.IntN(6) == 0 { // a resend
			codeAt = codeAt.Add(90 * time.Second)
			h.code(id, off, desk, phone, codeAt, false)
		}
	}
	if state == registration.StateCREATED {
		done := codeAt.Add(time.Duration(30+h.r.IntN(120)) * time.Second)
		accID := h.account(off, desk, name, phone, done)
		reg.SetAccountID(accID).SetCompletedAt(done)
		h.message(sms.InitialPassword, &id, off, desk.Path, phone, done)
	}
	h.regs = append(h.regs, reg.SetState(state))
}

func (h *history) newCase(id pulid.ID, off *ent.Officer, desk *ent.Unit, name, phone string, at time.Time) *ent.RegistrationCreate {
	return h.c.Registration.Create().SetID(id).SetCode(fmt.Sprintf("%s%06d", historyCodePrefix, h.seq)).
		SetIDNumber(fmt.Sprintf("0792%08d", h.seq)).SetFullName(name).
		SetDateOfBirth(time.Date(1960+h.r.IntN(45), time.Month(1+h.r.IntN(12)), 1+h.r.IntN(28), 0, 0, 0, 0, time.UTC)).
		SetPhone(phone).SetOfficerID(off.ID).SetUnitID(desk.ID).SetUnitPath(desk.Path).
		SetExpiresAt(at.Add(24 * time.Hour)).SetCreatedAt(at).SetUpdatedAt(h.now)
}

// code is a registration code and its SMS; exhausted: all tries used.
func (h *history) code(reg pulid.ID, off *ent.Officer, desk *ent.Unit, phone string, at time.Time, exhausted bool) {
	attempts := h.r.IntN(2)
	if exhausted {
		attempts = 5
	}
	h.codes = append(h.codes, h.c.OTPChallenge.Create().SetPurpose(otpchallenge.PurposeREGISTRATION).
		SetSubjectID(string(reg)).SetPhone(phone).SetCodeHash("demo-history").SetExpiresAt(at.Add(5*time.Minute)).
		SetAttempts(attempts).SetSuperseded(true).SetRegistrationID(reg).SetCreatedAt(at).SetUpdatedAt(h.now))
	h.message(sms.RegistrationOTP, &reg, off, desk.Path, phone, at)
}

func (h *history) account(off *ent.Officer, desk *ent.Unit, name, phone string, at time.Time) pulid.ID {
	id := pulid.New("AC")
	c := h.c.Account.Create().SetID(id).SetIDNumber(fmt.Sprintf("0792%08d", h.seq)).SetFullName(name).SetNameFolded(vn.Fold(name)).
		SetDateOfBirth(time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)).SetPhone(phone).
		SetOrigin(account.OriginONE_STOP_DESK).SetMustChangePassword(true).
		SetCreatedByOfficerID(off.ID).SetCreatedAtUnitID(desk.ID).SetCreatedAt(at).SetUpdatedAt(h.now)
	used := 0.85
	if desk.Code == unusedDesk {
		used = 0.3
	}
	if h.r.Float64() < used {
		c.SetInitialPasswordUsedAt(at.Add(time.Duration(1+h.r.IntN(48)) * time.Hour)).SetMustChangePassword(false)
	}
	h.accs = append(h.accs, c)
	return id
}

// message is an SMS in a final status drawn like a real month's.
func (h *history) message(kind sms.Kind, reg *pulid.ID, off *ent.Officer, unitPath, phone string, at time.Time) {
	c := h.c.SMSMessage.Create().SetID(pulid.New("SM")).SetKind(kind).SetPhone(phone).SetNillableRegistrationID(reg).
		SetUnitPath(unitPath).SetCreatedAt(at).SetUpdatedAt(h.now)
	if off != nil {
		c.SetOfficerID(string(off.ID))
	}
	sent := at.Add(time.Duration(1+h.r.IntN(3)) * time.Second)
	delay := time.Duration(2+h.r.IntN(20)) * time.Second
	if h.r.IntN(20) == 0 {
		delay = time.Duration(60+h.r.IntN(900)) * time.Second
	}
	status := sms.Delivered
	switch x := h.r.IntN(100); {
	case x < 5:
		status = sms.Undelivered
	case x < 8:
		status = sms.Failed
	case x < 13:
		status = sms.NoReport
	case x < 15:
		status = sms.Expired
	}
	c.SetStatus(status).SetFinalAt(sent.Add(delay)).SetAttempts(1).SetProvider("console")
	if status != sms.Failed && status != sms.Expired {
		c.SetSentAt(sent)
	}
	h.sms = append(h.sms, c)
}

// stories adds what makes SHARED_PHONE and AFTER_HOURS fire: three accounts
// on one phone at the Lạng Sơn centre today, and an account created at
// 20:45 yesterday at a Hà Nội desk; and password-reset SMS of no desk.
func (h *history) stories(desks []*ent.Unit) {
	today := h.now.In(local)
	for _, d := range desks {
		offs := h.offs[d.Code]
		switch d.Code {
		case CodeLangSonCentre:
			for i := range 3 {
				h.seq++
				at := h.now.Add(-time.Duration(10*(i+1)) * time.Minute)
				h.account(offs[0], d, h.names.name(h.r, i == 1), SharedDemoPhone, at)
			}
		case codeCommuneDesk + "0.H26":
			h.seq++
			at := time.Date(today.Year(), today.Month(), today.Day()-1, 20, 45, 0, 0, local).UTC()
			id := pulid.New("RG")
			name, phone := h.names.name(h.r, true), h.phone()
			accID := h.account(offs[1], d, name, phone, at)
			h.regs = append(h.regs, h.newCase(id, offs[1], d, name, phone, at.Add(-10*time.Minute)).
				SetOtpSentAt(at.Add(-5*time.Minute)).SetState(registration.StateCREATED).SetAccountID(accID).SetCompletedAt(at))
		}
	}
	for day := range HistoryDays {
		h.message(sms.ResetOTP, nil, nil, "", h.phone(), h.now.AddDate(0, 0, -day).Add(-time.Hour))
	}
}

// save writes everything in batches, parents first.
func (h *history) save(ctx context.Context, c *ent.Client) error {
	const batch = 400
	for i := 0; i < len(h.accs); i += batch {
		if err := c.Account.CreateBulk(h.accs[i:min(i+batch, len(h.accs))]...).Exec(ctx); err != nil {
			return fmt.Errorf("seed: history: accounts: %w", err)
		}
	}
	for i := 0; i < len(h.regs); i += batch {
		if err := c.Registration.CreateBulk(h.regs[i:min(i+batch, len(h.regs))]...).Exec(ctx); err != nil {
			return fmt.Errorf("seed: history: cases: %w", err)
		}
	}
	for i := 0; i < len(h.codes); i += batch {
		if err := c.OTPChallenge.CreateBulk(h.codes[i:min(i+batch, len(h.codes))]...).Exec(ctx); err != nil {
			return fmt.Errorf("seed: history: codes: %w", err)
		}
	}
	for i := 0; i < len(h.sms); i += batch {
		if err := c.SMSMessage.CreateBulk(h.sms[i:min(i+batch, len(h.sms))]...).Exec(ctx); err != nil {
			return fmt.Errorf("seed: history: messages: %w", err)
		}
	}
	return nil
}
