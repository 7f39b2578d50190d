package registrations

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/ent/auditevent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/session"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
)

// Problem 3 of §4: a fresh initial password; the old one stops working.
func TestResendInitialPassword(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		reg := f.created(t, 1)
		accID := *reg.AccountID
		oldPW := f.outbox.LastPassword(t)
		sys := testkit.System()
		// The citizen (or whoever got the first SMS) signed in with it.
		sess := f.db.Client.Session.Create().SetTokenHash("h1").SetAccountID(accID).SetLastSeenAt(t0).
			SetExpiresAt(t0.Add(time.Hour)).SetPasswordChangeOnly(true).SaveX(sys)
		f.db.Client.Account.UpdateOneID(accID).SetInitialPasswordUsedAt(t0).ExecX(sys)
		sessions, err := f.bus.Subscribe(t.Context(), events.TopicSession)
		if err != nil {
			t.Fatal(err)
		}

		f.clock.Advance(10 * time.Hour)
		now := f.clock.Now()
		m, err := f.svc.ResendInitialPassword(f.as(t, registrar1), accID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Kind != sms.InitialPassword || m.AccountID == nil || *m.AccountID != accID ||
			m.RegistrationID == nil || *m.RegistrationID != reg.ID {
			t.Errorf("SMS row %+v", m)
		}
		newPW := f.outbox.LastPassword(t)
		if newPW == oldPW {
			t.Fatal("same password twice")
		}
		acc := f.db.Client.Account.GetX(sys, accID)
		if good, _ := f.hasher.Verify(context.Background(), acc.PasswordHash, newPW); !good {
			t.Error("new password does not verify")
		}
		if good, _ := f.hasher.Verify(context.Background(), acc.PasswordHash, oldPW); good {
			t.Error("old password still verifies")
		}
		if !acc.MustChangePassword || !acc.InitialPasswordExpiresAt.Equal(now.Add(72*time.Hour)) || acc.InitialPasswordUsedAt != nil {
			t.Errorf("account %+v", acc)
		}
		if s := f.db.Client.Session.GetX(sys, sess.ID); s.RevokedAt == nil {
			t.Error("session opened with the old password not revoked")
		}
		if e := drain(sessions); len(e) != 1 || e[0].ID != string(sess.ID) {
			t.Errorf("session events %+v", e)
		}
		a := f.db.Client.AuditEvent.Query().Where(auditevent.Action(actionResendPassword)).OnlyX(sys)
		if a.TargetID != string(accID) || a.UnitPath != f.desk1.Path {
			t.Errorf("audit %+v", a)
		}
		// The case's screen lists the new SMS.
		list, err := f.svc.CaseSMS(f.as(t, registrar1), reload(t, f, reg.ID))
		if err != nil || len(list) != 3 || list[0].ID != m.ID {
			t.Errorf("case SMS %d, %v", len(list), err)
		}
		if n := f.db.Client.Session.Query().Where(session.RevokedAtIsNil()).CountX(sys); n != 0 {
			t.Errorf("%d live sessions", n)
		}
	})
}

// At most 3 resends an hour per account, whoever asks.
func TestResendInitialPasswordRateLimit(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		accID := *f.created(t, 1).AccountID
		resend := func(actor string) error {
			_, err := f.svc.ResendInitialPassword(f.as(t, actor), accID)
			return err
		}
		for i, actor := range []string{registrar1, adminA, registrar1} {
			f.clock.Set(t0.Add(time.Duration(i*10) * time.Minute))
			if err := resend(actor); err != nil {
				t.Fatalf("resend %d: %v", i+1, err)
			}
		}
		f.clock.Set(t0.Add(59 * time.Minute))
		before := f.counts(t)
		r := testkit.Refused(t, resend(registrar1), refusal.RateLimited)
		if r.Extra["availableAt"] != t0.Add(time.Hour).Format(time.RFC3339) {
			t.Errorf("availableAt %v", r.Extra["availableAt"])
		}
		if after := f.counts(t); after != before {
			t.Errorf("refusal wrote something: %+v → %+v", before, after)
		}
		f.clock.Set(t0.Add(time.Hour))
		if err := resend(registrar1); err != nil {
			t.Fatalf("an hour after the first: %v", err)
		}
	})
}

// Once the citizen chose a password, the desk sends none: forgot password is the way.
func TestResendAfterPasswordChange(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		accID := *f.created(t, 1).AccountID
		f.db.Client.Account.UpdateOneID(accID).SetMustChangePassword(false).ExecX(testkit.System())
		before := f.counts(t)
		_, err := f.svc.ResendInitialPassword(f.as(t, registrar1), accID)
		testkit.Refused(t, err, refusal.InvalidState)
		_, err = f.svc.ResendInitialPassword(f.as(t, registrar1), pulid.ID("AC-missing"))
		testkit.Refused(t, err, refusal.NotFound)
		if after := f.counts(t); after != before {
			t.Errorf("refusal wrote something: %+v → %+v", before, after)
		}
	})
}
