package smsqueue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/smsmessage"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/policy/viewer"
)

// ReceiptDeadlines is how long after the provider accepted a message (SENT)
// its delivery receipt may take. Past it the message is NO_REPORT: final,
// its resend unlocked (docs/SMS.md "Receipt deadlines"). A gateway that
// loses receipts, or a receipt lost with a crashed replica, would otherwise
// leave the message SENT for ever and the officer waiting.
type ReceiptDeadlines struct {
	// OTP is for REGISTRATION_OTP and RESET_OTP. It must be shorter than
	// the code's life, so the officer learns of a missing receipt while a
	// resend still helps; each message's deadline is also capped at the
	// expiry of its code (SendBefore).
	OTP time.Duration
	// Password is for INITIAL_PASSWORD.
	Password time.Duration
	// Notice is for PASSWORD_CHANGED.
	Notice time.Duration
}

// DefaultReceiptDeadlines: carriers report most receipts within seconds; a
// receipt later than these is as good as lost for the person waiting at the
// desk.
var DefaultReceiptDeadlines = ReceiptDeadlines{OTP: 3 * time.Minute, Password: 10 * time.Minute, Notice: 15 * time.Minute}

func (d ReceiptDeadlines) withDefaults() ReceiptDeadlines {
	if d.OTP <= 0 {
		d.OTP = DefaultReceiptDeadlines.OTP
	}
	if d.Password <= 0 {
		d.Password = DefaultReceiptDeadlines.Password
	}
	if d.Notice <= 0 {
		d.Notice = DefaultReceiptDeadlines.Notice
	}
	return d
}

// Check refuses an OTP deadline that does not end within the life of the
// code (otpLife); zero fields stand for their defaults.
func (d ReceiptDeadlines) Check(otpLife time.Duration) error {
	d = d.withDefaults()
	if d.OTP >= otpLife {
		return fmt.Errorf("smsqueue: the OTP receipt deadline (%v) must be shorter than the life of a code (%v)", d.OTP, otpLife)
	}
	return nil
}

// For is the deadline of kind k.
func (d ReceiptDeadlines) For(k sms.Kind) time.Duration {
	switch k {
	case sms.RegistrationOTP, sms.ResetOTP:
		return d.OTP
	case sms.InitialPassword:
		return d.Password
	}
	return d.Notice
}

// sweepInterval is how often the deadlines are enforced: a quarter of the
// shortest deadline, at least a second and at most 30 seconds, so a message
// is NO_REPORT at most that long after its deadline.
func (d ReceiptDeadlines) sweepInterval() time.Duration {
	return min(max(min(d.OTP, d.Password, d.Notice)/4, time.Second), 30*time.Second)
}

// receiptDue is when m, SENT, stops waiting for its receipt, and why.
func (q *Queue) receiptDue(m *ent.SMSMessage) (time.Time, string) {
	sent := m.UpdatedAt
	if m.SentAt != nil {
		sent = *m.SentAt
	}
	d := q.deadlines.For(m.Kind)
	due, why := sent.Add(d), fmt.Sprintf("no delivery report within %v of sending", d)
	if m.SendBefore != nil && m.SendBefore.Before(due) {
		due, why = *m.SendBefore, "no delivery report before the code expired"
	}
	return due, why
}

// sweepBatch bounds the messages one query of the sweep picks.
const sweepBatch = 500

// ExpireReceipts moves every SENT message past its receipt deadline to
// NO_REPORT and returns how many it moved. Each move is the usual
// compare-and-set (apply), published after its commit, so replicas sweeping
// at once, or a receipt arriving meanwhile, change each message once. The
// periodic job runs it; it is exported for tests and tools.
func (q *Queue) ExpireReceipts(ctx context.Context) (int, error) {
	sys := viewer.System(ctx)
	moved := 0
	for _, kind := range []sms.Kind{sms.RegistrationOTP, sms.ResetOTP, sms.InitialPassword, sms.PasswordChanged} {
		now := q.now()
		for {
			ids, err := q.db.Client.SMSMessage.Query().
				Where(smsmessage.StatusEQ(sms.Sent), smsmessage.KindEQ(kind),
					smsmessage.Or(smsmessage.SentAtLTE(now.Add(-q.deadlines.For(kind))), smsmessage.SendBeforeLTE(now))).
				Limit(sweepBatch).IDs(sys)
			if err != nil {
				return moved, fmt.Errorf("smsqueue: receipt deadlines: %w", err)
			}
			for _, id := range ids {
				var didMove bool
				_, err := q.apply(ctx, id, func(m *ent.SMSMessage) (change, bool) {
					due, why := q.receiptDue(m)
					didMove = sms.Status(m.Status) == sms.Sent && !now.Before(due)
					return change{to: sms.NoReport, lastError: why}, didMove
				})
				if err != nil {
					return moved, err
				}
				if didMove {
					moved++
				}
			}
			if len(ids) < sweepBatch {
				break
			}
		}
	}
	return moved, nil
}

// receiptDeadlineArgs is the periodic job that runs ExpireReceipts.
type receiptDeadlineArgs struct{}

// Kind implements river.JobArgs.
func (receiptDeadlineArgs) Kind() string { return "sms.receipt_deadline" }

// receiptDeadlineJob is inserted by River's elected leader every interval
// (and once when a leader starts); any replica's worker may run it.
func receiptDeadlineJob(interval time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) {
			// One attempt: a failed sweep is simply run again next interval.
			return receiptDeadlineArgs{}, &river.InsertOpts{Queue: queueName, MaxAttempts: 1}
		}, &river.PeriodicJobOpts{ID: "sms.receipt_deadline", RunOnStart: true})
}

type receiptDeadlineWorker struct {
	river.WorkerDefaults[receiptDeadlineArgs]
	q *Queue
}

// Work runs one sweep.
func (w *receiptDeadlineWorker) Work(ctx context.Context, _ *river.Job[receiptDeadlineArgs]) error {
	n, err := w.q.ExpireReceipts(ctx)
	if n > 0 {
		w.q.log.Info("smsqueue: no delivery report by the deadline", "messages", n)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		w.q.log.Warn("smsqueue: receipt deadline sweep failed", "err", err)
	}
	return err
}
