package registrations

import (
	"context"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/store"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/auditevent"
	"github.com/motcua/motcua/ent/otpchallenge"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/smsmessage"
	"github.com/motcua/motcua/internal/rules/password"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
)

// TestComplete completes a case with the code sent and checks what follows:
// the account, the password SMS, the code used up, the audit trail without
// personal data, the event, the officer's list, and the case done.
func TestComplete(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		reg := f.sent(t, 1)
		code := f.outbox.LastCode(t)
		evs := f.registrationEvents(t)
		f.clock.Advance(2 * time.Minute)
		now := f.clock.Now()
		got, err := f.svc.Complete(f.as(t, registrar1), reg.ID, code)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != registration.StateCREATED || got.AccountID == nil || got.OpenIDNumber != nil ||
			got.CompletedAt == nil || !got.CompletedAt.Equal(now) {
			t.Fatalf("registration %+v", got)
		}
		acc := checkDeskAccount(t, f, got, now)
		pw := checkPasswordSMS(t, f, acc, reg.ID)
		// The code is used up.
		if ch := f.db.Client.OTPChallenge.Query().OnlyX(testkit.System()); ch.ConsumedAt == nil {
			t.Error("code not consumed")
		}
		// The audit trail has the creation, without the password.
		a := f.db.Client.AuditEvent.Query().Where(auditevent.Action("account.create")).OnlyX(testkit.System())
		if a.TargetID != string(acc.ID) || a.Actor != string(f.accounts[registrar1].ID) || a.Detail["registrationId"] != string(reg.ID) {
			t.Errorf("audit %+v", a)
		}
		for _, ev := range f.db.Client.AuditEvent.Query().AllX(testkit.System()) {
			for k, v := range ev.Detail {
				if s, isStr := v.(string); isStr && (strings.Contains(s, pw) || s == idFor(1) || s == e164For(1)) {
					t.Errorf("audit %s detail %s holds personal data or the password", ev.Action, k)
				}
			}
		}
		if e := drain(evs); len(e) != 1 || e[0].Status != "CREATED" || e[0].ID != string(reg.ID) {
			t.Errorf("events %+v", e)
		}
		// The account is in the officer's list; the number is free of open cases.
		conn, err := f.svc.AccountsCreatedByMe(f.as(t, registrar1), store.Page{})
		if err != nil || conn.TotalCount != 1 || conn.Edges[0].Node.ID != acc.ID {
			t.Errorf("accounts created by me: %+v, %v", conn, err)
		}
		// The same code again: the case is done.
		testkit.Refused(t, f.complete(t, reg.ID, code), refusal.InvalidState)
	})
}

// checkDeskAccount checks the account that completing got, at now,
// created, as the officer's own list shows it, and returns it.
func checkDeskAccount(t *testing.T, f *fixture, got *ent.Registration, now time.Time) *ent.Account {
	t.Helper()
	acc, err := got.QueryAccount().Only(f.as(t, registrar1))
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case acc.IDNumber != idFor(1) || acc.IDKind != account.IDKindCCCD:
		t.Errorf("id %q %s", acc.IDNumber, acc.IDKind)
	case acc.FullName != "Nguyễn Văn An" || acc.NameFolded != "nguyen van an":
		t.Errorf("name %q folded %q", acc.FullName, acc.NameFolded)
	case acc.Phone != e164For(1) || acc.Email != "an.nguyen@example.vn" || acc.DateOfBirth.Format("2006-01-02") != "1990-05-17":
		t.Errorf("contact %q %q %v", acc.Phone, acc.Email, acc.DateOfBirth)
	case acc.Status != account.StatusACTIVE || acc.Origin != account.OriginONE_STOP_DESK:
		t.Errorf("status %s origin %s", acc.Status, acc.Origin)
	case !acc.MustChangePassword || acc.InitialPasswordExpiresAt == nil || !acc.InitialPasswordExpiresAt.Equal(now.Add(72*time.Hour)) || acc.InitialPasswordUsedAt != nil:
		t.Errorf("initial password: must change %v, expires %v, used %v", acc.MustChangePassword, acc.InitialPasswordExpiresAt, acc.InitialPasswordUsedAt)
	case acc.CreatedByOfficerID == nil || *acc.CreatedByOfficerID != f.officers[registrar1].ID ||
		acc.CreatedAtUnitID == nil || *acc.CreatedAtUnitID != f.desk1.ID:
		t.Errorf("created by %v at %v", acc.CreatedByOfficerID, acc.CreatedAtUnitID)
	}
	return acc
}

// checkPasswordSMS checks the password SMS of acc, created by case regID:
// the stored hash verifies the password it carries, which it returns.
func checkPasswordSMS(t *testing.T, f *fixture, acc *ent.Account, regID pulid.ID) string {
	t.Helper()
	m := f.outbox.Last(t)
	if m.Kind != sms.InitialPassword || m.Phone != e164For(1) || m.AccountID == nil || *m.AccountID != acc.ID ||
		m.RegistrationID == nil || *m.RegistrationID != regID || m.SendBefore == nil {
		t.Errorf("SMS %+v", m)
	}
	pw := f.outbox.LastPassword(t)
	stored := f.db.Client.Account.GetX(testkit.System(), acc.ID)
	if okPW, err := f.hasher.Verify(context.Background(), stored.PasswordHash, pw); err != nil || !okPW {
		t.Errorf("hash does not verify the SMS password: %v", err)
	}
	if len(pw) != password.InitialLength || strings.Contains(stored.PasswordHash, pw) {
		t.Errorf("password %q / hash %q", pw, stored.PasswordHash)
	}
	return pw
}

func TestInitialPasswordSMSRules(t *testing.T) {
	pw, err := password.GenerateInitial()
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{initialPasswordSMS(pw), newPasswordSMS(pw)} {
		if n := utf8.RuneCountInString(body); n > 160 {
			t.Errorf("%d characters: more than one GSM-7 segment: %q", n, body)
		}
		for _, r := range body {
			if r > 0x7e || r < 0x20 {
				t.Errorf("not plain ASCII (%q): %q", r, body)
			}
		}
		if !strings.Contains(body, " "+pw+" ") {
			t.Errorf("password not set off by spaces: %q", body)
		}
	}
}

// Two submissions of the right code at once: exactly one creates the account.
func TestDoubleCompletion(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for round := range 3 {
			reg := f.sent(t, 1+round)
			code := f.outbox.LastCode(t)
			ctx := f.as(t, registrar1)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			gate := make(chan struct{})
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-gate
					_, errs[i] = f.svc.Complete(ctx, reg.ID, code)
				}()
			}
			close(gate)
			wg.Wait()
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case refusal.Is(err, refusal.InvalidState):
				default:
					t.Fatalf("round %d: unexpected %v", round, err)
				}
			}
			if wins != 1 {
				t.Fatalf("round %d: %d successes (%v)", round, wins, errs)
			}
			sys := testkit.System()
			if n := f.db.Client.Account.Query().Where(account.IDNumber(idFor(1 + round))).CountX(sys); n != 1 {
				t.Fatalf("round %d: %d accounts", round, n)
			}
			if n := f.db.Client.SMSMessage.Query().Where(smsmessage.KindEQ(sms.InitialPassword)).CountX(sys); n != round+1 {
				t.Fatalf("round %d: %d password SMS", round, n)
			}
			if n := f.db.Client.OTPChallenge.Query().Where(otpchallenge.ConsumedAtNotNil()).CountX(sys); n != round+1 {
				t.Fatalf("round %d: %d consumed codes", round, n)
			}
		}
	})
}

// An account that appeared meanwhile by another path (an import, a
// self-registration) makes the case fail with ACCOUNT_EXISTS, and nothing
// is written: not even the code is used up.
func TestCompleteWhenTheAccountAppeared(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		reg := f.sent(t, 1)
		code := f.outbox.LastCode(t)
		f.db.Client.Account.Create().SetIDNumber(idFor(1)).SetFullName("Nguyễn Văn An").SetNameFolded("nguyen van an").
			SetDateOfBirth(dob1990).SetPhone(e164For(1)).SetOrigin(account.OriginIMPORTED).ExecX(testkit.System())
		before := f.counts(t)
		testkit.RefusedOn(t, f.complete(t, reg.ID, code), refusal.AccountExists, "idNumber")
		if after := f.counts(t); after != before {
			t.Errorf("refusal wrote something: %+v → %+v", before, after)
		}
		if ch := f.db.Client.OTPChallenge.Query().OnlyX(testkit.System()); ch.ConsumedAt != nil {
			t.Error("code consumed by a refused completion")
		}
		if got := reload(t, f, reg.ID); got.State != registration.StateOTP_SENT {
			t.Errorf("state %s", got.State)
		}
	})
}
