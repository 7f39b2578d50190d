package registrations

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
)

// ok is the expected outcome "allowed" in the tables below.
const ok refusal.Code = ""

// TestWhoMayOpenACase: §2 and §4.1, actor by actor, for the operations that
// need the registrar role at the officer's own desk.
func TestWhoMayOpenACase(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		tests := []struct {
			actor string
			want  refusal.Code
		}{
			{anonymous, refusal.Unauthenticated},
			{citizen, refusal.Forbidden},
			{noUnit, refusal.OfficerHasNoUnit},
			{adminA, refusal.OfficerHasNoUnit},
			{plainUnit, refusal.UnitNotServiceDesk},
			{noRight, refusal.Forbidden},
			{registrar1, ok},
		}
		for i, tt := range tests {
			t.Run(tt.actor, func(t *testing.T) {
				ctx := f.as(t, tt.actor)
				before := f.counts(t)
				in := f.input(t, 100+i)
				if u := f.officers[tt.actor]; u != nil && u.UnitID != nil {
					in.UnitID = *u.UnitID
				}
				_, err := f.svc.Start(ctx, in)
				_, lerr := f.svc.Lookup(ctx, idFor(100+i))
				if tt.want == ok {
					if err != nil || lerr != nil {
						t.Fatalf("refused: %v / %v", err, lerr)
					}
					return
				}
				r := testkit.Refused(t, err, tt.want)
				testkit.Refused(t, lerr, tt.want)
				if r.VI == "" || r.EN == "" {
					t.Errorf("message missing: %+v", r)
				}
				if after := f.counts(t); after != before {
					t.Errorf("refusal wrote something: %+v → %+v", before, after)
				}
			})
		}
	})
}

// The unit chosen must be the officer's own (§3 step 1).
func TestStartAtAnotherUnitIsRefused(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for _, u := range []pulid.ID{f.desk2.ID, f.desk3.ID, f.provA.ID, "UN-does-not-exist"} {
			in := f.input(t, 1)
			in.UnitID = u
			_, err := f.svc.Start(f.as(t, registrar1), in)
			r := testkit.RefusedOn(t, err, refusal.Forbidden, "unitID")
			if r.VI == "" {
				t.Error("no Vietnamese message")
			}
		}
		if c := f.counts(t); c.regs != 0 || c.blobs != 0 {
			t.Errorf("written after refusal: %+v", c)
		}
	})
}

// A renamed unit stops being a desk at once, and a revoked right stops the
// officer's open cases, without waiting for anything else.
func TestRightsAreReadFresh(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		reg := f.start(t, 1)
		sys := testkit.System()
		f.db.Client.Officer.UpdateOne(f.officers[registrar1]).SetCanCreateCitizenAccounts(false).ExecX(sys)
		if err := f.authz.Reload(context.Background()); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.SendOTP(f.as(t, registrar1), reg.ID)
		testkit.Refused(t, err, refusal.Forbidden)

		f.db.Client.Unit.UpdateOne(f.desk2).SetName("Văn phòng UBND xã Hòa Bình").SetIsServiceDesk(false).ExecX(sys)
		_, err = f.svc.Start(f.as(t, registrar2), func() StartInput { in := f.input(t, 2); in.UnitID = f.desk2.ID; return in }())
		testkit.Refused(t, err, refusal.UnitNotServiceDesk)
	})
}

// TestWhoMayActOnACase: the operations on an existing case, actor by actor.
// The case was opened by registrar1 at desk1 (province A).
// Long because it is a table: one row per case, so that the cases read side
// by side and a missing one shows.
func TestWhoMayActOnACase(t *testing.T) {
	type op struct {
		name string
		run  func(f *fixture, ctx context.Context, regID, accID pulid.ID) error
		want map[string]refusal.Code
	}
	// Actors who hold no registrar role anywhere are refused before any
	// case is read; registrars see only their own cases.
	mutation := map[string]refusal.Code{
		anonymous: refusal.Unauthenticated, citizen: refusal.Forbidden, noRight: refusal.Forbidden,
		registrar2: refusal.NotFound, registrar3: refusal.NotFound,
		adminA: refusal.Forbidden, adminB: refusal.Forbidden, registrar1: ok,
	}
	documents := map[string]refusal.Code{
		anonymous: refusal.Unauthenticated, citizen: refusal.NotFound, noRight: refusal.NotFound,
		registrar2: refusal.NotFound, registrar3: refusal.NotFound,
		adminA: ok, adminB: refusal.NotFound, registrar1: ok,
	}
	ops := []op{
		{"sendRegistrationOTP", func(f *fixture, ctx context.Context, id, _ pulid.ID) error {
			f.clock.Advance(61 * time.Second) // past the resend cooldown
			_, err := f.svc.SendOTP(ctx, id)
			return err
		}, mutation},
		{"cancelRegistration", func(f *fixture, ctx context.Context, id, _ pulid.ID) error {
			_, err := f.svc.Cancel(ctx, id)
			return err
		}, mutation},
		{"completeRegistration", func(f *fixture, ctx context.Context, id, _ pulid.ID) error {
			_, err := f.svc.Complete(ctx, id, "000000")
			if refusal.Is(err, refusal.OTPInvalid) || refusal.Is(err, refusal.InvalidState) {
				return nil // past the access checks
			}
			return err
		}, mutation},
		{"request form", func(f *fixture, ctx context.Context, id, _ pulid.ID) error {
			_, err := f.svc.RequestFormPDF(ctx, id)
			return err
		}, documents},
		{"scan", func(f *fixture, ctx context.Context, id, _ pulid.ID) error {
			_, _, err := f.svc.ReadScan(ctx, id)
			return err
		}, documents},
		{"resendInitialPassword", func(f *fixture, ctx context.Context, _, acc pulid.ID) error {
			_, err := f.svc.ResendInitialPassword(ctx, acc)
			return err
		}, map[string]refusal.Code{
			anonymous: refusal.Unauthenticated, citizen: refusal.Forbidden, noRight: refusal.Forbidden,
			registrar2: refusal.NotFound, registrar3: refusal.NotFound,
			// The account was created at a desk of province A: outside
			// adminB's scope it is not even readable (data minimisation).
			adminA: ok, adminB: refusal.NotFound, registrar1: ok,
		}},
	}
	each(t, func(t *testing.T, f *fixture) {
		done := f.created(t, 1) // an account for resendInitialPassword
		for i, o := range ops {
			t.Run(o.name, func(t *testing.T) {
				reg := f.sent(t, 10+i)
				// Allowed actors last: their call may end the case.
				for _, actor := range []string{anonymous, citizen, noRight, registrar2, registrar3, adminB, adminA, registrar1} {
					want := o.want[actor]
					err := o.run(f, f.as(t, actor), reg.ID, *done.AccountID)
					if want == ok {
						if err != nil {
							t.Errorf("%s: refused: %v", actor, err)
						}
						continue
					}
					r, isRefusal := refusal.As(err)
					if !isRefusal || r.Code != want {
						t.Errorf("%s: want %s, got %v", actor, want, err)
					}
				}
			})
		}
	})
}
