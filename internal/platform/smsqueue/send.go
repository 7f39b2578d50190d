package smsqueue

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/smsmessage"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/policy/viewer"
)

// RegistrationSMSChanged is the Status of the TopicRegistration event
// published when one of a registration's messages changed status.
const RegistrationSMSChanged = "SMS_STATUS_CHANGED"

// change is what one write does to a message row.
type change struct {
	to         sms.Status // the new status; the current one for bookkeeping only
	provider   string     // recorded when not ""
	providerID string     // recorded when not "" and none was recorded
	lastError  string     // recorded when not ""
	clearError bool       // last_error emptied (a late DELIVERED after NO_REPORT)
	attempt    bool       // one more attempt
}

// errConflict: the row's status changed between the read and the write.
var errConflict = errors.New("smsqueue: concurrent status change")

// maxConflicts bounds how often one change is retried after losing a race
// (a receipt and the worker writing the same row at once).
const maxConflicts = 8

// apply reads message id and writes what decide returns, in one transaction.
// The write is conditional on the status read (compare-and-set), so two
// writers racing on a row (the worker and a receipt, on any replicas) never
// overwrite each other: the loser reads again and decides again. decide
// returning false writes nothing. The status change, if any, is published
// after the commit. apply returns the row as it is after the write; nil when
// there is no such message.
func (q *Queue) apply(ctx context.Context, id pulid.ID, decide func(m *ent.SMSMessage) (change, bool)) (*ent.SMSMessage, error) {
	sys := viewer.System(ctx)
	for range maxConflicts {
		var out *ent.SMSMessage
		err := q.db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
			m, err := tx.Client.SMSMessage.Get(sys, id)
			if ent.IsNotFound(err) {
				return nil
			}
			if err != nil {
				return err
			}
			out = m
			ch, ok := decide(m)
			if !ok {
				return nil
			}
			now := q.now()
			from := sms.Status(m.Status)
			upd := tx.Client.SMSMessage.Update().
				Where(smsmessage.ID(id), smsmessage.StatusEQ(m.Status))
			n, err := ch.onto(upd, m, now).Save(sys)
			if err != nil {
				return err
			}
			if n == 0 {
				return errConflict
			}
			if out, err = tx.Client.SMSMessage.Get(sys, id); err != nil {
				return err
			}
			if ch.to != from {
				q.onCommit(ctx, tx, out, now)
			}
			return nil
		})
		if errors.Is(err, errConflict) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("smsqueue: message %s: %w", id, err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("smsqueue: message %s: %w %d times", id, errConflict, maxConflicts)
}

// onto sets, on upd, the columns ch changes of m at now.
func (ch change) onto(upd *ent.SMSMessageUpdate, m *ent.SMSMessage, now time.Time) *ent.SMSMessageUpdate {
	upd.SetStatus(sms.Status(ch.to)).SetUpdatedAt(now)
	if ch.provider != "" {
		upd.SetProvider(ch.provider)
	}
	if ch.providerID != "" && m.ProviderMessageID == "" {
		upd.SetProviderMessageID(ch.providerID)
	}
	if ch.lastError != "" {
		upd.SetLastError(ch.lastError)
	} else if ch.clearError {
		upd.ClearLastError()
	}
	if ch.attempt {
		upd.AddAttempts(1)
	}
	if m.SentAt == nil && (ch.to == sms.Sent || ch.to == sms.Delivered || ch.to == sms.Undelivered) {
		upd.SetSentAt(now)
	}
	if ch.to == sms.Sent || ch.to.Final() {
		// The body holds an OTP or a password: once the provider has
		// it (nothing leaves SENT for another send) or the message is
		// final, nothing must be able to recover it, even when the
		// receipt never comes.
		upd.ClearBodySealed()
	}
	if ch.to.Final() {
		upd.SetFinalAt(now)
	}
	return upd
}

// onCommit publishes m's new status, and counts it, once tx commits.
func (q *Queue) onCommit(ctx context.Context, tx *store.Tx, m *ent.SMSMessage, at time.Time) {
	ctx = context.WithoutCancel(ctx)
	tx.OnCommit(func() {
		q.metrics.statusChanged(m, at)
		q.publish(ctx, events.Event{Topic: events.TopicSMS, ID: string(m.ID), Status: string(m.Status), At: at})
		if m.RegistrationID != nil {
			q.publish(ctx, events.Event{Topic: events.TopicRegistration, ID: string(*m.RegistrationID), Status: RegistrationSMSChanged, At: at})
		}
	})
}

// publish never fails the change: it is committed, and subscribers that miss
// an event catch up on their next resync.
func (q *Queue) publish(ctx context.Context, e events.Event) {
	if err := q.bus.Publish(ctx, e); err != nil {
		q.log.Warn("smsqueue: event not published", "topic", e.Topic, "id", e.ID, "status", e.Status, "err", err)
	}
}

// send is one attempt of a send job (attempt counts from 1, as River's).
//
// The row is the truth, the job only a reminder: a message already SENT or
// final is left alone (a duplicate job, or a receipt that came first); one
// past its SendBefore is EXPIRED, not sent; otherwise it is marked SENDING
// (committed before the provider is called), sent with its id as the
// provider's idempotency key, and marked SENT. A crash anywhere after
// SENDING leaves the job running; River rescues it and this runs again,
// finds SENDING, and sends again with the same id, which the provider
// deduplicates.
func (q *Queue) send(ctx context.Context, id pulid.ID, attempt, maxAttempts int) error {
	provider := q.currentProvider()
	if provider == nil {
		return errors.New("smsqueue: no provider")
	}
	m, err := q.claim(ctx, id, provider.Name())
	if err != nil || m == nil {
		return err
	}
	body, err := q.seal.open(m.ID, *m.BodySealed)
	if err != nil {
		_, ferr := q.fail(context.WithoutCancel(ctx), id, err)
		return errors.Join(river.JobCancel(err), ferr)
	}
	q.log.Info("smsqueue: sending", "message", id, "kind", m.Kind, "provider", provider.Name(), "attempt", attempt)
	sendCtx := ctx
	if m.SendBefore != nil {
		// Not even a slow gateway call may carry the code past its expiry.
		var cancel context.CancelFunc
		sendCtx, cancel = context.WithTimeout(ctx, m.SendBefore.Sub(q.now()))
		defer cancel()
	}
	providerID, sendErr := provider.Send(sendCtx, sms.Message{ID: string(m.ID), Kind: sms.Kind(m.Kind), Phone: m.Phone, Body: body})

	// The provider's answer is recorded even when ctx ended meanwhile (the
	// replica is stopping): losing it would send the message once more.
	rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	return q.sent(rec, m, provider.Name(), providerID, sendErr, attempt, maxAttempts)
}

// claim marks message id SENDING for one attempt through provider, and
// returns it; nil when there is nothing to send: no such message, one
// already SENT or final, or one it marked EXPIRED (past its SendBefore) or
// FAILED (its text missing).
func (q *Queue) claim(ctx context.Context, id pulid.ID, provider string) (*ent.SMSMessage, error) {
	var expired bool
	m, err := q.apply(ctx, id, func(m *ent.SMSMessage) (change, bool) {
		expired = false
		cur := sms.Status(m.Status)
		if cur != sms.Queued && cur != sms.Sending {
			return change{}, false
		}
		if m.SendBefore != nil && !q.now().Before(*m.SendBefore) {
			expired = true
			return change{to: sms.Expired, lastError: "not sent: the code expired before it could be sent"}, true
		}
		if m.BodySealed == nil {
			return change{to: sms.Failed, lastError: "not sent: the message text is missing"}, true
		}
		return change{to: sms.Sending, provider: provider, attempt: true}, true
	})
	if err != nil {
		return nil, err // River retries: the database may be back then
	}
	if m == nil {
		q.log.Warn("smsqueue: job for a message that does not exist", "message", id)
		return nil, nil
	}
	if sms.Status(m.Status) != sms.Sending || expired {
		return nil, nil
	}
	return m, nil
}

// sent records the provider's answer to attempt (of maxAttempts) at
// sending m: SENT with the provider's id; FAILED when it refused the
// message or the attempts are spent; otherwise QUEUED again, for River to
// retry, or EXPIRED when the code would lapse before the next attempt.
func (q *Queue) sent(ctx context.Context, m *ent.SMSMessage, provider, providerID string, sendErr error, attempt, maxAttempts int) error {
	id := m.ID
	switch {
	case sendErr == nil:
		q.metrics.attempt(provider, "ok")
		_, err := q.apply(ctx, id, func(m *ent.SMSMessage) (change, bool) {
			cur := sms.Status(m.Status)
			if sms.CanMove(cur, sms.Sent) {
				return change{to: sms.Sent, providerID: providerID}, true
			}
			// A receipt got here first: keep its status, note the id.
			return change{to: cur, providerID: providerID}, m.ProviderMessageID == "" && providerID != ""
		})
		return err

	case errors.Is(sendErr, sms.ErrPermanent):
		q.metrics.attempt(provider, "permanent")
		q.log.Warn("smsqueue: provider refused the message", "message", id, "kind", m.Kind, "err", sendErr)
		_, err := q.fail(ctx, id, sendErr)
		return errors.Join(river.JobCancel(sendErr), err)

	default:
		q.metrics.attempt(provider, "temporary")
		q.log.Warn("smsqueue: send failed, will retry", "message", id, "kind", m.Kind, "attempt", attempt, "of", maxAttempts, "err", sendErr)
		if attempt >= maxAttempts {
			_, err := q.fail(ctx, id, fmt.Errorf("%d attempts: %w", attempt, sendErr))
			return errors.Join(river.JobCancel(sendErr), err)
		}
		var expire bool
		_, err := q.apply(ctx, id, func(m *ent.SMSMessage) (change, bool) {
			if sms.Status(m.Status) != sms.Sending {
				return change{}, false // a receipt says the gateway had it after all
			}
			// An OTP whose code lapses before the next attempt could start is
			// EXPIRED now, so the officer sees it at once.
			expire = m.SendBefore != nil && !q.now().Add(q.retry.Shortest(attempt)).Before(*m.SendBefore)
			if expire {
				return change{to: sms.Expired, lastError: errorText(sendErr)}, true
			}
			return change{to: sms.Queued, lastError: errorText(sendErr)}, true
		})
		if err != nil {
			return errors.Join(sendErr, err)
		}
		if expire {
			return river.JobCancel(sendErr)
		}
		return sendErr
	}
}

// fail moves a message that is QUEUED or SENDING to FAILED.
func (q *Queue) fail(ctx context.Context, id pulid.ID, cause error) (*ent.SMSMessage, error) {
	return q.apply(ctx, id, func(m *ent.SMSMessage) (change, bool) {
		if !sms.CanMove(sms.Status(m.Status), sms.Failed) || sms.Status(m.Status) == sms.Sent {
			return change{}, false
		}
		return change{to: sms.Failed, lastError: errorText(cause)}, true
	})
}

// errorText is an error as kept in last_error: the providers' errors hold no
// message text or number (package sms sees to it), and the column is shown
// to officers, so it is only cut to length.
func errorText(err error) string {
	s := strings.TrimPrefix(err.Error(), "sms: ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}

// Receive applies a provider's delivery receipt (sms.ReceiptSink): the
// status of our message r.MessageID moves to r.Status when sms.CanMove
// allows it, and nothing changes otherwise (a late, duplicate or unknown
// receipt). A final status wipes the body. A receipt after NO_REPORT
// replaces it with its outcome (counted as "late"). It returns an error only when
// the database failed, so the provider sends the receipt again.
func (q *Queue) Receive(ctx context.Context, r sms.Receipt) error {
	switch r.Status {
	case sms.Sent, sms.Delivered, sms.Undelivered, sms.Failed: // what a provider can report
	default:
		q.metrics.receipt("ignored")
		return nil
	}
	if r.MessageID == "" || pulid.ID(r.MessageID).Prefix() != "SM" {
		q.metrics.receipt("ignored")
		return nil
	}
	applied, late := false, false
	_, err := q.apply(ctx, pulid.ID(r.MessageID), func(m *ent.SMSMessage) (change, bool) {
		applied = sms.CanMove(sms.Status(m.Status), r.Status)
		if !applied {
			return change{}, false
		}
		// After NO_REPORT: the receipt came after its deadline, and its
		// outcome replaces "no delivery report".
		late = sms.Status(m.Status) == sms.NoReport
		ch := change{to: r.Status, providerID: r.ProviderID, clearError: late}
		if r.Status == sms.Undelivered || r.Status == sms.Failed {
			ch.lastError = r.Detail
			if ch.lastError == "" {
				ch.lastError = "the provider reported " + string(r.Status)
			}
		}
		return ch, true
	})
	if err != nil {
		return err
	}
	switch {
	case late:
		q.metrics.receipt("late")
	case applied:
		q.metrics.receipt("applied")
	default:
		q.metrics.receipt("ignored")
	}
	return nil
}
