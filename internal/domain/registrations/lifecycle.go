package registrations

import (
	"context"
	"fmt"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/otpchallenge"
	"github.com/motcua/motcua/ent/predicate"
	"github.com/motcua/motcua/ent/registration"
	"github.com/motcua/motcua/ent/scan"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/policy/viewer"
)

// expireBatch bounds the cases ended in one transaction.
const expireBatch = 200

// Cancel ends an open case (DRAFT or OTP_SENT → CANCELLED): the ID number is
// free again and any code sent stops working. Other states: INVALID_STATE.
func (s *Service) Cancel(ctx context.Context, id pulid.ID) (*ent.Registration, error) {
	_, reg, err := s.openCase(ctx, id, openStates...)
	if err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		ended, err := s.endCase(ctx, ctx, tx, reg, registration.StateCANCELLED,
			registration.ExpiresAtGT(s.now()))
		if err != nil {
			return err
		}
		if !ended {
			return s.currentStateRefusal(ctx, tx, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.reload(ctx, id)
}

// ExpireIdle moves every open case idle for IdleTimeout to EXPIRED and
// returns how many it ended. The server runs it periodically; operations on
// a single case also expire it on the spot when its time is up.
func (s *Service) ExpireIdle(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.expire(ctx)
		total += n
		if err != nil || n < expireBatch {
			return total, err
		}
	}
}

// expire ends, in its own transaction, up to expireBatch idle open cases
// matching preds.
func (s *Service) expire(ctx context.Context, preds ...predicate.Registration) (int, error) {
	var n int
	err := s.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		ids, err := s.expireIn(ctx, tx, preds...)
		n = len(ids)
		return err
	})
	return n, err
}

// expireIn ends, inside tx, up to expireBatch idle open cases matching preds.
// The system is the actor: nobody chose to expire them.
func (s *Service) expireIn(ctx context.Context, tx *store.Tx, preds ...predicate.Registration) ([]pulid.ID, error) {
	sys := viewer.System(ctx)
	idle := registration.ExpiresAtLTE(s.now())
	where := append([]predicate.Registration{registration.StateIn(openStates...), idle}, preds...)
	regs, err := tx.Client.Registration.Query().Where(where...).Limit(expireBatch).All(sys)
	if err != nil {
		return nil, fmt.Errorf("enrol: expire: %w", err)
	}
	var ended []pulid.ID
	for _, reg := range regs {
		ok, err := s.endCase(ctx, sys, tx, reg, registration.StateEXPIRED, idle)
		if err != nil {
			return nil, err
		}
		if ok {
			ended = append(ended, reg.ID)
		}
	}
	return ended, nil
}

// endCase moves an open case to CANCELLED or EXPIRED if it is still open and
// matches cond: the number is freed, unused codes are superseded, the change
// is audited with actorCtx's viewer and published after commit. It reports
// whether the case changed.
func (s *Service) endCase(ctx, actorCtx context.Context, tx *store.Tx, reg *ent.Registration, to registration.State, cond ...predicate.Registration) (bool, error) {
	sys := viewer.System(ctx)
	now := s.now()
	where := append([]predicate.Registration{registration.ID(reg.ID), registration.StateIn(openStates...)}, cond...)
	n, err := tx.Client.Registration.Update().Where(where...).
		SetState(to).ClearOpenIDNumber().ClearResendAvailableAt().SetUpdatedAt(now).
		Save(sys)
	if err != nil {
		return false, fmt.Errorf("enrol: end registration: %w", err)
	}
	if n == 0 {
		return false, nil
	}
	err = tx.Client.OTPChallenge.Update().
		Where(otpchallenge.RegistrationID(reg.ID), otpchallenge.Superseded(false), otpchallenge.ConsumedAtIsNil()).
		SetSuperseded(true).SetUpdatedAt(now).Exec(sys)
	if err != nil {
		return false, fmt.Errorf("enrol: end registration: codes: %w", err)
	}
	action := "registration.cancel"
	if to == registration.StateEXPIRED {
		action = "registration.expire"
	}
	var c audit.Change
	c.Record(now, audit.Entry{
		Action: action, TargetType: "Registration", TargetID: string(reg.ID), UnitPath: reg.UnitPath,
		Detail: map[string]any{"from": string(reg.State)},
	})
	c.Publish(s.stateChanged(reg.ID, to))
	if err := c.Apply(actorCtx, tx, s.bus); err != nil {
		return false, err
	}
	return true, nil
}

// currentStateRefusal re-reads a case that a conditional update did not
// match and refuses with its state as it is now.
func (s *Service) currentStateRefusal(ctx context.Context, tx *store.Tx, id pulid.ID) error {
	reg, err := tx.Client.Registration.Get(viewer.System(ctx), id)
	if err != nil {
		return fmt.Errorf("enrol: read registration: %w", err)
	}
	if isOpen(reg.State) && !s.now().Before(reg.ExpiresAt) {
		return errWrongState(registration.StateEXPIRED)
	}
	return errWrongState(reg.State)
}

// PurgeScans deletes the scans of cases CANCELLED or EXPIRED longer than the
// retention period ago: the blob first, then the row is marked deleted, so a
// failure between the two is retried by the next run (deleting a missing
// blob is not an error). Scans of CREATED cases are kept: they document how
// the account was created. It returns how many scans it deleted.
func (s *Service) PurgeScans(ctx context.Context) (int, error) {
	sys := viewer.System(ctx)
	cutoff := s.now().Add(-s.scanRetention)
	stale, err := s.db.Client.Scan.Query().
		Where(scan.DeletedAtIsNil(), scan.HasRegistrationWith(
			registration.StateIn(registration.StateCANCELLED, registration.StateEXPIRED),
			registration.UpdatedAtLTE(cutoff),
		)).
		WithRegistration().All(sys)
	if err != nil {
		return 0, fmt.Errorf("enrol: purge scans: %w", err)
	}
	n := 0
	for _, sc := range stale {
		if err := s.scans.Delete(ctx, sc.StorageKey); err != nil {
			return n, fmt.Errorf("enrol: purge scans: %w", err)
		}
		// The system purges: sys is the actor.
		err := audit.Write(sys, s.db, nil, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
			now := s.now()
			if err := tx.Client.Scan.Update().Where(scan.ID(sc.ID)).SetDeletedAt(now).SetUpdatedAt(now).Exec(ctx); err != nil {
				return fmt.Errorf("enrol: purge scans: %w", err)
			}
			reg := sc.Edges.Registration
			c.Record(now, audit.Entry{
				Action: "scan.purge", TargetType: "Registration", TargetID: string(reg.ID), UnitPath: reg.UnitPath,
				Detail: map[string]any{"state": string(reg.State), "retentionDays": int(s.scanRetention.Hours() / 24)},
			})
			return nil
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
