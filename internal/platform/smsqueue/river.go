package smsqueue

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/jobs"
)

// queueName is River's queue for SMS jobs, apart from any other job kind
// the product may add later.
const queueName = "sms"

// sendArgs is the job: only the message id. The body stays sealed in the
// message row, never in River's tables or logs.
type sendArgs struct {
	MessageID string `json:"message_id"`
}

// Kind implements river.JobArgs.
func (sendArgs) Kind() string { return "sms.send" }

// register adds the send and receipt-deadline workers, and the periodic
// sweep, to the process's job runner.
func register(r *jobs.Runner, q *Queue, cfg Config) error {
	n := cfg.Workers
	if n <= 0 {
		n = DefaultWorkers
	}
	timeout := cfg.JobTimeout
	if timeout <= 0 {
		timeout = DefaultJobTimeout
	}
	// A replica that died mid-send leaves its job running; another replica
	// takes it over timeout + 15 s after it started and sends again with
	// the same id.
	// Urgent: an officer and a citizen wait at the desk for the OTP.
	queue := jobs.Queue{Name: queueName, MaxWorkers: n, Timeout: timeout, Urgent: true}
	if err := jobs.Add(r, queue, &sendWorker{q: q}); err != nil {
		return fmt.Errorf("smsqueue: %w", err)
	}
	if err := jobs.Add(r, queue, &receiptDeadlineWorker{q: q}); err != nil {
		return fmt.Errorf("smsqueue: %w", err)
	}
	sweep := cfg.ReceiptSweep
	if sweep <= 0 {
		sweep = q.deadlines.sweepInterval()
	}
	// The receipt deadlines are enforced by a periodic job, which only
	// River's elected leader inserts: one sweep at a time across the
	// replicas, taken over by another replica when the leader dies.
	if err := r.AddPeriodic(receiptDeadlineJob(sweep)); err != nil {
		return fmt.Errorf("smsqueue: %w", err)
	}
	return nil
}

// sendWorker runs a send job.
type sendWorker struct {
	river.WorkerDefaults[sendArgs]
	q *Queue
}

// NextRetry is the queue's backoff, with jitter.
func (w *sendWorker) NextRetry(job *river.Job[sendArgs]) time.Time {
	return retryPolicy{b: w.q.retry}.NextRetry(job.JobRow)
}

// Work sends the message of the job; see Queue.send.
func (w *sendWorker) Work(ctx context.Context, job *river.Job[sendArgs]) error {
	return w.q.send(ctx, pulid.ID(job.Args.MessageID), job.Attempt, job.MaxAttempts)
}
