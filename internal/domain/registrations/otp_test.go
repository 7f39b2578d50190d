package registrations

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/ent/otpchallenge"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/rules/otp"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
)

// codes makes the service send the given codes, in order.
func (f *fixture) codes(cs ...string) {
	f.svc.newCode = func() (otp.Code, error) {
		c := cs[0]
		cs = cs[1:]
		return otp.Code(c), nil
	}
}

func (f *fixture) send(t *testing.T, id pulid.ID) error {
	t.Helper()
	_, err := f.svc.SendOTP(f.as(t, registrar1), id)
	return err
}

func (f *fixture) complete(t *testing.T, id pulid.ID, code string) error {
	t.Helper()
	_, err := f.svc.Complete(f.as(t, registrar1), id, code)
	return err
}

func TestSendOTP(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		reg := f.start(t, 1)
		evs := f.registrationEvents(t)
		f.codes("042917")
		got, err := f.svc.SendOTP(f.as(t, registrar1), reg.ID)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case got.State != "OTP_SENT":
			t.Errorf("state %s", got.State)
		case got.OtpSentAt == nil || !got.OtpSentAt.Equal(t0):
			t.Errorf("otpSentAt %v", got.OtpSentAt)
		case got.OtpExpiresAt == nil || !got.OtpExpiresAt.Equal(t0.Add(5*time.Minute)):
			t.Errorf("otpExpiresAt %v", got.OtpExpiresAt)
		case got.ResendAvailableAt == nil || !got.ResendAvailableAt.Equal(t0.Add(time.Minute)):
			t.Errorf("resendAvailableAt %v", got.ResendAvailableAt)
		case !got.ExpiresAt.Equal(t0.Add(IdleTimeout)):
			t.Errorf("expiresAt %v", got.ExpiresAt)
		}
		left, err := f.svc.OTPAttemptsLeft(f.as(t, registrar1), got)
		if err != nil || left == nil || *left != 5 {
			t.Errorf("attempts left %v, %v", left, err)
		}
		// Only a keyed hash is stored, bound to the case.
		ch := f.db.Client.OTPChallenge.Query().OnlyX(testkit.System())
		if ch.Purpose != otpchallenge.PurposeREGISTRATION || ch.SubjectID != string(reg.ID) || ch.Phone != e164For(1) ||
			strings.Contains(ch.CodeHash, "042917") || !otp.NewHasher(f.otpKey).Equal(ch.CodeHash, otp.PurposeRegistration, string(reg.ID), "042917") {
			t.Errorf("challenge %+v", ch)
		}
		// The SMS: queued in the same transaction, never sent after the code expired.
		m := f.outbox.Last(t)
		if m.Kind != sms.RegistrationOTP || m.Phone != e164For(1) || !strings.Contains(m.Body, "042917") ||
			m.SendBefore == nil || !m.SendBefore.Equal(t0.Add(5*time.Minute)) || m.RegistrationID == nil || *m.RegistrationID != reg.ID ||
			m.OfficerID != string(f.officers[registrar1].ID) || m.UnitPath != f.desk1.Path {
			t.Errorf("SMS %+v", m)
		}
		if m.Body != otp.SMSText(otp.PurposeRegistration, "042917", 5*time.Minute) {
			t.Errorf("SMS text %q", m.Body)
		}
		caseSMS, err := f.svc.CaseSMS(f.as(t, registrar1), got)
		if err != nil || len(caseSMS) != 1 || caseSMS[0].Kind != sms.RegistrationOTP {
			t.Errorf("case SMS %v, %v", caseSMS, err)
		}
		if e := drain(evs); len(e) != 1 || e[0].Status != "OTP_SENT" {
			t.Errorf("events %+v", e)
		}
	})
}

// The code is valid for 5 minutes: at 4:59 it works, at exactly 5:00 not.
func TestOTPExpiresAfterFiveMinutes(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		a := f.sent(t, 1)
		codeA := f.outbox.LastCode(t)
		b := f.sent(t, 2)
		codeB := f.outbox.LastCode(t)
		f.clock.Advance(5*time.Minute - time.Second)
		if err := f.complete(t, b.ID, codeB); err != nil {
			t.Fatalf("at 4:59: %v", err)
		}
		f.clock.Advance(time.Second)
		before := f.counts(t)
		testkit.RefusedOn(t, f.complete(t, a.ID, codeA), refusal.OTPExpired, "code")
		if after := f.counts(t); after != before {
			t.Errorf("expired code wrote something: %+v → %+v", before, after)
		}
	})
}

// Only the latest code counts: a resend supersedes the previous code in the
// same transaction, and the case stays OTP_SENT.
func TestResendSupersedes(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		reg := f.start(t, 1)
		f.codes("111111", "222222")
		if err := f.send(t, reg.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Minute)
		if err := f.send(t, reg.ID); err != nil {
			t.Fatal(err)
		}
		if got := reload(t, f, reg.ID); got.State != "OTP_SENT" || !got.OtpSentAt.Equal(t0.Add(time.Minute)) {
			t.Errorf("after resend: %s sent %v", got.State, got.OtpSentAt)
		}
		if n := f.db.Client.OTPChallenge.Query().Where(otpchallenge.Superseded(false)).CountX(testkit.System()); n != 1 {
			t.Errorf("%d live codes", n)
		}
		testkit.RefusedOn(t, f.complete(t, reg.ID, "111111"), refusal.OTPSuperseded, "code")
		// A superseded code is not a wrong try.
		left, _ := f.svc.OTPAttemptsLeft(f.as(t, registrar1), reload(t, f, reg.ID))
		if left == nil || *left != 5 {
			t.Errorf("attempts left %v", left)
		}
		if err := f.complete(t, reg.ID, "222 222"); err != nil {
			t.Fatalf("latest code: %v", err)
		}
	})
}

// At most 5 wrong tries per code; each is counted although the request
// fails; then even the right code is refused until a new one is sent.
func TestFiveWrongTries(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		reg := f.start(t, 1)
		f.codes("123456", "654321")
		if err := f.send(t, reg.ID); err != nil {
			t.Fatal(err)
		}
		for want := 4; want >= 0; want-- {
			r := testkit.RefusedOn(t, f.complete(t, reg.ID, "999999"), refusal.OTPInvalid, "code")
			if r.Extra["attemptsLeft"] != want {
				t.Fatalf("attemptsLeft %v, want %d", r.Extra["attemptsLeft"], want)
			}
			left, _ := f.svc.OTPAttemptsLeft(f.as(t, registrar1), reload(t, f, reg.ID))
			if left == nil || *left != want {
				t.Fatalf("otpAttemptsLeft %v, want %d", left, want)
			}
		}
		testkit.RefusedOn(t, f.complete(t, reg.ID, "123456"), refusal.OTPTooManyAttempts, "code")
		if ch := f.db.Client.OTPChallenge.Query().OnlyX(testkit.System()); ch.Attempts != 5 || ch.ConsumedAt != nil {
			t.Errorf("challenge %+v", ch)
		}
		f.clock.Advance(time.Minute)
		if err := f.send(t, reg.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.complete(t, reg.ID, "654321"); err != nil {
			t.Fatalf("new code after too many tries: %v", err)
		}
	})
}

// A code that is not 6 digits is refused without using up a try.
func TestMalformedCodeIsNotATry(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		reg := f.sent(t, 1)
		for _, c := range []string{"", "12345", "1234567", "12345a", "１２３４５６"} {
			testkit.RefusedOn(t, f.complete(t, reg.ID, c), refusal.Validation, "code")
		}
		if ch := f.db.Client.OTPChallenge.Query().OnlyX(testkit.System()); ch.Attempts != 0 {
			t.Errorf("%d attempts counted", ch.Attempts)
		}
	})
}

// A resend waits 60 s: at 59 s OTP_RESEND_TOO_SOON with availableAt, at 60 s it goes.
func TestResendCooldown(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		reg := f.sent(t, 1)
		f.clock.Advance(59 * time.Second)
		before := f.counts(t)
		r := testkit.Refused(t, f.send(t, reg.ID), refusal.OTPResendTooSoon)
		if r.Extra["availableAt"] != t0.Add(time.Minute).Format(time.RFC3339) {
			t.Errorf("availableAt %v", r.Extra["availableAt"])
		}
		if after := f.counts(t); after != before {
			t.Errorf("refused resend wrote something: %+v → %+v", before, after)
		}
		f.clock.Advance(time.Second)
		if err := f.send(t, reg.ID); err != nil {
			t.Fatalf("at 60 s: %v", err)
		}
	})
}

// At most 5 codes per phone in any hour, counting every case and every
// purpose: here a password-reset code and three cases share one phone.
func TestFivePerPhonePerHour(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		phone := e164For(1)
		// A password-reset code sent to the same phone a moment ago.
		f.db.Client.OTPChallenge.Create().SetPurpose(otpchallenge.PurposeRESET).SetSubjectID("AC-someone").
			SetPhone(phone).SetCodeHash("x").SetExpiresAt(t0.Add(5 * time.Minute)).SetCreatedAt(t0).ExecX(testkit.System())
		regs := []pulid.ID{f.startWithPhone(t, 1, phoneFor(1)), f.startWithPhone(t, 2, phoneFor(1)), f.startWithPhone(t, 3, phoneFor(1))}
		sends := []pulid.ID{regs[0], regs[1], regs[2], regs[0]} // with the reset code: 5
		for i, id := range sends {
			f.clock.Set(t0.Add(time.Duration(i+1) * time.Minute))
			if err := f.send(t, id); err != nil {
				t.Fatalf("send %d: %v", i+2, err)
			}
		}
		f.clock.Set(t0.Add(10 * time.Minute))
		r := testkit.Refused(t, f.send(t, regs[1]), refusal.RateLimited)
		if r.Extra["availableAt"] != t0.Add(time.Hour).Format(time.RFC3339) {
			t.Errorf("availableAt %v", r.Extra["availableAt"])
		}
		// resendAvailableAt told the officer so after the 5th send.
		if got := reload(t, f, regs[0]); !got.ResendAvailableAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("resendAvailableAt %v, want %v", got.ResendAvailableAt, t0.Add(time.Hour))
		}
		f.clock.Set(t0.Add(time.Hour))
		if err := f.send(t, regs[1]); err != nil {
			t.Fatalf("an hour after the first: %v", err)
		}
	})
}

// At most 10 codes per phone in any 24 hours: the 11th is refused although
// the hourly cap allows it.
func TestTenPerPhonePerDay(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		reg := f.start(t, 1)
		var at time.Time
		for i := range 10 {
			// Five in the first hour, five in the second.
			at = t0.Add(time.Duration(i/5)*time.Hour + time.Duration(i%5)*time.Minute)
			f.clock.Set(at)
			if err := f.send(t, reg.ID); err != nil {
				t.Fatalf("send %d: %v", i+1, err)
			}
		}
		f.clock.Set(t0.Add(3 * time.Hour))
		r := testkit.Refused(t, f.send(t, reg.ID), refusal.RateLimited)
		if r.Extra["availableAt"] != t0.Add(24*time.Hour).Format(time.RFC3339) {
			t.Errorf("availableAt %v", r.Extra["availableAt"])
		}
		if got := reload(t, f, reg.ID); !got.ResendAvailableAt.Equal(t0.Add(24 * time.Hour)) {
			t.Errorf("resendAvailableAt %v", got.ResendAvailableAt)
		}
		f.clock.Set(t0.Add(24 * time.Hour))
		if err := f.send(t, reg.ID); err != nil {
			t.Fatalf("24 h after the first: %v", err)
		}
	})
}

func (f *fixture) startWithPhone(t *testing.T, n int, phone string) pulid.ID {
	t.Helper()
	in := f.input(t, n)
	in.Phone = phone
	reg, err := f.svc.Start(f.as(t, registrar1), in)
	if err != nil {
		t.Fatal(err)
	}
	return reg.ID
}

// Wrong codes arriving at once are each counted exactly once: five get
// OTP_INVALID with 4, 3, 2, 1 and 0 tries left, the rest are too many.
func TestConcurrentWrongCodes(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		reg := f.start(t, 1)
		f.codes("123456")
		if err := f.send(t, reg.ID); err != nil {
			t.Fatal(err)
		}
		ctx := f.as(t, registrar1)
		errs := make([]error, 8)
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				_, errs[i] = f.svc.Complete(ctx, reg.ID, "999999")
			}()
		}
		close(gate)
		wg.Wait()
		left := map[any]bool{}
		tooMany := 0
		for _, err := range errs {
			r, isRefusal := refusal.As(err)
			switch {
			case !isRefusal:
				t.Fatalf("unexpected %v", err)
			case r.Code == refusal.OTPInvalid:
				left[r.Extra["attemptsLeft"]] = true
			case r.Code == refusal.OTPTooManyAttempts:
				tooMany++
			default:
				t.Fatalf("unexpected %v", err)
			}
		}
		if len(left) != 5 || !left[0] || !left[4] || tooMany != 3 {
			t.Errorf("attemptsLeft seen %v, %d too many", left, tooMany)
		}
		if ch := f.db.Client.OTPChallenge.Query().OnlyX(testkit.System()); ch.Attempts != 5 {
			t.Errorf("%d attempts stored", ch.Attempts)
		}
	})
}
