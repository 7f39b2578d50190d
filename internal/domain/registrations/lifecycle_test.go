package registrations

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/auditevent"
	"github.com/motcua/motcua/ent/otpchallenge"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/ent/scan"
	"github.com/motcua/motcua/internal/rules/otp"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
)

// reach opens case n and takes it to state; it returns the case and its
// latest code ("" when none was sent).
func (f *fixture) reach(t *testing.T, n int, state registration.State) (*ent.Registration, string) {
	t.Helper()
	switch state {
	case registration.StateDRAFT:
		return f.start(t, n), ""
	case registration.StateOTP_SENT:
		return f.sent(t, n), f.outbox.LastCode(t)
	case registration.StateCREATED:
		reg, code := f.reach(t, n, registration.StateOTP_SENT)
		reg, err := f.svc.Complete(f.as(t, registrar1), reg.ID, code)
		if err != nil {
			t.Fatal(err)
		}
		return reg, code
	case registration.StateCANCELLED:
		reg, code := f.reach(t, n, registration.StateOTP_SENT)
		if _, err := f.svc.Cancel(f.as(t, registrar1), reg.ID); err != nil {
			t.Fatal(err)
		}
		return reg, code
	case registration.StateEXPIRED:
		reg, code := f.reach(t, n, registration.StateOTP_SENT)
		f.clock.Advance(IdleTimeout)
		if _, err := f.svc.ExpireIdle(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := reload(t, f, reg.ID); got.State != registration.StateEXPIRED {
			t.Fatalf("not expired: %s", got.State)
		}
		return reg, code
	}
	t.Fatalf("no way to %s", state)
	return nil, ""
}

// TestStateMachine: every operation from every state. Allowed transitions
// land in the next state; refused ones are INVALID_STATE naming the state,
// and change nothing.
// Long because it is a table: one row per case, so that the cases read side
// by side and a missing one shows.
func TestStateMachine(t *testing.T) {
	type op string
	const (
		send     op = "sendRegistrationOTP"
		complete op = "completeRegistration"
		cancel   op = "cancelRegistration"
	)
	const refused = registration.State("")
	tests := []struct {
		from registration.State
		op   op
		to   registration.State // refused: INVALID_STATE
	}{
		{registration.StateDRAFT, send, registration.StateOTP_SENT},
		{registration.StateDRAFT, complete, refused},
		{registration.StateDRAFT, cancel, registration.StateCANCELLED},
		{registration.StateOTP_SENT, send, registration.StateOTP_SENT},
		{registration.StateOTP_SENT, complete, registration.StateCREATED},
		{registration.StateOTP_SENT, cancel, registration.StateCANCELLED},
		{registration.StateCREATED, send, refused},
		{registration.StateCREATED, complete, refused},
		{registration.StateCREATED, cancel, refused},
		{registration.StateCANCELLED, send, refused},
		{registration.StateCANCELLED, complete, refused},
		{registration.StateCANCELLED, cancel, refused},
		{registration.StateEXPIRED, send, refused},
		{registration.StateEXPIRED, complete, refused},
		{registration.StateEXPIRED, cancel, refused},
	}
	each(t, func(t *testing.T, f *fixture) {
		for i, tt := range tests {
			t.Run(string(tt.from)+"/"+string(tt.op), func(t *testing.T) {
				reg, code := f.reach(t, i+1, tt.from)
				if code == "" {
					code = "000000"
				}
				f.clock.Advance(time.Minute) // past the resend cooldown, within the code's life
				evs := f.registrationEvents(t)
				before := f.counts(t)
				ctx := f.as(t, registrar1)
				var err error
				switch tt.op {
				case send:
					_, err = f.svc.SendOTP(ctx, reg.ID)
				case complete:
					_, err = f.svc.Complete(ctx, reg.ID, code)
				case cancel:
					_, err = f.svc.Cancel(ctx, reg.ID)
				}
				got := reload(t, f, reg.ID).State
				if tt.to == refused {
					r := testkit.Refused(t, err, refusal.InvalidState)
					if r.Extra["state"] != string(tt.from) {
						t.Errorf("refusal names state %v, want %s", r.Extra["state"], tt.from)
					}
					if got != tt.from {
						t.Errorf("state changed to %s", got)
					}
					if after := f.counts(t); after != before {
						t.Errorf("refusal wrote something: %+v → %+v", before, after)
					}
					if e := drain(evs); len(e) != 0 {
						t.Errorf("events after a refusal: %+v", e)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if got != tt.to {
					t.Errorf("state %s, want %s", got, tt.to)
				}
				if e := drain(evs); len(e) != 1 || e[0].Status != string(tt.to) {
					t.Errorf("events %+v", e)
				}
			})
		}
	})
}

func TestCancel(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		reg, code := f.reach(t, 1, registration.StateOTP_SENT)
		got, err := f.svc.Cancel(f.as(t, registrar1), reg.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != registration.StateCANCELLED || got.OpenIDNumber != nil || got.ResendAvailableAt != nil {
			t.Errorf("cancelled case %+v", got)
		}
		// The code sent stops working; the case cannot be completed.
		if n := f.db.Client.OTPChallenge.Query().Where(otpchallenge.Superseded(false)).CountX(testkit.System()); n != 0 {
			t.Errorf("%d live codes after cancel", n)
		}
		testkit.Refused(t, f.complete(t, reg.ID, code), refusal.InvalidState)
		a := f.db.Client.AuditEvent.Query().Where(auditevent.Action("registration.cancel")).OnlyX(testkit.System())
		if a.Actor != string(f.accounts[registrar1].ID) || a.Detail["from"] != "OTP_SENT" {
			t.Errorf("audit %+v", a)
		}
		// The number is free for a new case.
		if _, err := f.svc.Start(f.as(t, registrar1), f.input(t, 1)); err != nil {
			t.Fatalf("start after cancel: %v", err)
		}
	})
}

// Cases idle for 24 hours expire; the last change counts, resends included.
func TestExpireIdle(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		draft := f.start(t, 1)
		f.clock.Set(t0.Add(time.Hour))
		sent := f.sent(t, 2)
		f.reach(t, 3, registration.StateCREATED)
		f.reach(t, 4, registration.StateCANCELLED)
		evs := f.registrationEvents(t)
		ctx := context.Background()

		f.clock.Set(t0.Add(IdleTimeout - time.Second))
		if n, err := f.svc.ExpireIdle(ctx); err != nil || n != 0 {
			t.Fatalf("at 23:59:59: %d, %v", n, err)
		}
		f.clock.Set(t0.Add(IdleTimeout))
		if n, err := f.svc.ExpireIdle(ctx); err != nil || n != 1 {
			t.Fatalf("at 24:00: %d, %v", n, err)
		}
		if got := reload(t, f, draft.ID); got.State != registration.StateEXPIRED || got.OpenIDNumber != nil {
			t.Errorf("draft: %s open %v", got.State, got.OpenIDNumber)
		}
		if got := reload(t, f, sent.ID); got.State != registration.StateOTP_SENT {
			t.Errorf("case sent an hour later: %s", got.State)
		}
		f.clock.Set(t0.Add(time.Hour + IdleTimeout))
		if n, err := f.svc.ExpireIdle(ctx); err != nil || n != 1 {
			t.Fatalf("at 25:00: %d, %v", n, err)
		}
		if n, err := f.svc.ExpireIdle(ctx); err != nil || n != 0 {
			t.Fatalf("again: %d, %v", n, err)
		}
		if e := drain(evs); len(e) != 2 || e[0].Status != "EXPIRED" || e[1].ID != string(sent.ID) {
			t.Errorf("events %+v", e)
		}
		for _, a := range f.db.Client.AuditEvent.Query().Where(auditevent.Action("registration.expire")).AllX(testkit.System()) {
			if a.Actor != "system" {
				t.Errorf("expiry by %q", a.Actor)
			}
		}
		if n := f.db.Client.OTPChallenge.Query().Where(otpchallenge.RegistrationID(sent.ID), otpchallenge.Superseded(false)).CountX(testkit.System()); n != 0 {
			t.Errorf("%d live codes on an expired case", n)
		}
		counts := map[registration.State]int{}
		for _, r := range f.db.Client.Registration.Query().AllX(testkit.System()) {
			counts[r.State]++
		}
		if counts[registration.StateEXPIRED] != 2 || counts[registration.StateCREATED] != 1 || counts[registration.StateCANCELLED] != 1 {
			t.Errorf("states %v", counts)
		}
	})
}

// An operation on a case past its idle time expires it on the spot (the
// periodic job may not have run) and is refused.
func TestIdleCaseExpiresOnTouch(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		reg := f.start(t, 1)
		evs := f.registrationEvents(t)
		f.clock.Advance(IdleTimeout)
		r := testkit.Refused(t, f.send(t, reg.ID), refusal.InvalidState)
		if r.Extra["state"] != "EXPIRED" {
			t.Errorf("refusal %+v", r)
		}
		if got := reload(t, f, reg.ID); got.State != registration.StateEXPIRED {
			t.Errorf("state %s", got.State)
		}
		if e := drain(evs); len(e) != 1 || e[0].Status != "EXPIRED" {
			t.Errorf("events %+v", e)
		}
	})
}

// Scans of cancelled and expired cases are deleted after the retention
// period (30 days by default); those of created accounts are kept.
func TestPurgeScans(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		cancelled, _ := f.reach(t, 1, registration.StateCANCELLED) // at t0
		created, _ := f.reach(t, 2, registration.StateCREATED)
		expired, _ := f.reach(t, 3, registration.StateEXPIRED) // at t0 + 24 h
		if f.blobs(t) != 3 {
			t.Fatalf("%d blobs", f.blobs(t))
		}
		url, err := f.svc.ScanURL(f.as(t, registrar1), reload(t, f, cancelled.ID))
		if err != nil || url == nil || *url != "https://dvc.example.vn/scans/"+string(cancelled.ID) {
			t.Errorf("scan URL %v, %v", url, err)
		}

		f.clock.Set(t0.Add(DefaultScanRetention - time.Second))
		if n, err := f.svc.PurgeScans(ctx); err != nil || n != 0 {
			t.Fatalf("a second early: %d, %v", n, err)
		}
		f.clock.Set(t0.Add(DefaultScanRetention))
		if n, err := f.svc.PurgeScans(ctx); err != nil || n != 1 {
			t.Fatalf("after 30 days: %d, %v", n, err)
		}
		sc := f.db.Client.Scan.Query().Where(scan.RegistrationID(cancelled.ID)).OnlyX(testkit.System())
		if sc.DeletedAt == nil || f.blobs(t) != 2 {
			t.Errorf("deleted_at %v, %d blobs", sc.DeletedAt, f.blobs(t))
		}
		_, _, err = f.svc.ReadScan(f.as(t, registrar1), cancelled.ID)
		testkit.Refused(t, err, refusal.NotFound)
		if url, _ := f.svc.ScanURL(f.as(t, registrar1), reload(t, f, cancelled.ID)); url != nil {
			t.Errorf("scan URL of a purged scan: %s", *url)
		}
		if a := f.db.Client.AuditEvent.Query().Where(auditevent.Action("scan.purge")).OnlyX(testkit.System()); a.Actor != "system" || a.TargetID != string(cancelled.ID) {
			t.Errorf("audit %+v", a)
		}

		f.clock.Set(t0.Add(IdleTimeout + DefaultScanRetention))
		if n, err := f.svc.PurgeScans(ctx); err != nil || n != 1 {
			t.Fatalf("expired case after 30 days: %d, %v", n, err)
		}
		f.clock.Set(t0.Add(365 * 24 * time.Hour))
		if n, err := f.svc.PurgeScans(ctx); err != nil || n != 0 {
			t.Fatalf("a year on: %d, %v", n, err)
		}
		if _, _, err := f.svc.ReadScan(f.as(t, registrar1), created.ID); err != nil {
			t.Errorf("scan of a created account: %v", err)
		}
		_ = expired
	})
}

func TestNewDefaults(t *testing.T) {
	s := New(Config{})
	if s.scanRetention != DefaultScanRetention || s.policy != otp.DefaultPolicy() || s.now == nil || s.newCode == nil ||
		s.lookupLimits[0].Max != DefaultLookupsPerMinute || s.lookupLimits[1].Max != DefaultLookupsPerDay {
		t.Errorf("defaults: %+v", s)
	}
	p := otp.DefaultPolicy()
	p.TTL = 3 * time.Minute
	if s := New(Config{ScanRetention: time.Hour, OTPPolicy: p}); s.scanRetention != time.Hour || s.policy.TTL != 3*time.Minute {
		t.Errorf("configured: %+v", s)
	}
}

// The retention period is configurable.
func TestPurgeScansRetentionIsConfigurable(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		cfg := f.svc
		f.svc = New(Config{
			DB: cfg.db, Scans: cfg.scans, Outbox: cfg.outbox, OTP: otp.NewHasher(f.otpKey), Hasher: cfg.hasher,
			Now: f.clock.Now, ScanRetention: time.Hour,
		})
		reg, _ := f.reach(t, 1, registration.StateCANCELLED)
		f.clock.Set(t0.Add(time.Hour))
		if n, err := f.svc.PurgeScans(context.Background()); err != nil || n != 1 {
			t.Fatalf("%d, %v", n, err)
		}
		_, _, err := f.svc.ReadScan(f.as(t, registrar1), reg.ID)
		testkit.Refused(t, err, refusal.NotFound)
	})
}
