// Package smsqueue sends SMS durably: a message row and its job are written
// in the same transaction as the change that needs them.
//
// The job queue is River (github.com/riverqueue/river) on the product's own
// database: riverdatabasesql on PostgreSQL, riversqlite on SQLite. A job
// carries only the message id; the worker re-reads the row, so the row is
// the truth and the job is only the reminder to act on it. Statuses only move
// forward (sms.CanMove), every change is published on the event bus after
// commit, and the body (an OTP or a password) is sealed with AES-GCM and
// wiped once the provider has it (SENT) or the status is final.
package smsqueue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/smsmessage"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/jobs"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// Outgoing is an SMS to send.
type Outgoing struct {
	Kind  sms.Kind
	Phone string // E.164
	Body  string // ASCII, no diacritics; sealed at rest, wiped once sent or final
	// SendBefore: an OTP is never sent after its code expired (status EXPIRED).
	SendBefore     *time.Time
	RegistrationID *pulid.ID
	AccountID      *pulid.ID
	OfficerID      string
	UnitPath       string
}

// Outbox enqueues SMS in the caller's transaction. *Queue implements it.
type Outbox interface {
	Enqueue(ctx context.Context, tx *store.Tx, m Outgoing) (*ent.SMSMessage, error)
}

var (
	_ Outbox          = (*Queue)(nil)
	_ sms.ReceiptSink = (*Queue)(nil)
)

// Defaults of Config. A send mostly waits (on the gateway, and on the row's
// transactions before and after it), so a replica runs many more workers
// than it has cores: with 4, desks creating accounts at the argon2id
// ceiling queued their OTP SMS for seconds (S4 in docs/PERFORMANCE.md).
const (
	DefaultWorkers     = 16
	DefaultMaxAttempts = 10
	DefaultJobTimeout  = 30 * time.Second
)

// Config configures a Queue. DB, Jobs, Bus and SealKey are required.
type Config struct {
	DB *store.DB
	// Jobs is the process's job runner: New registers the queue's workers
	// and its periodic receipt sweep there; whoever owns it starts it.
	Jobs *jobs.Runner
	Bus  events.Bus
	// SealKey is the AES-256 key that seals message bodies at rest (32 bytes).
	SealKey []byte
	Logger  *slog.Logger     // nil discards
	Now     func() time.Time // nil means time.Now; decides SendBefore and the recorded times
	// Registerer receives the queue's metrics; nil registers them nowhere.
	Registerer prometheus.Registerer
	// Workers is how many messages this replica sends at once; 0 means
	// DefaultWorkers.
	Workers int
	// Provider sends the messages. A provider that needs the queue as its
	// receipt sink (the console provider) is set with SetProvider instead,
	// after New and before Start.
	Provider sms.Provider
	// Retry is the backoff between attempts; the zero value means
	// DefaultBackoff.
	Retry Backoff
	// MaxAttempts bounds the sends of one message; then it is FAILED.
	// 0 means DefaultMaxAttempts.
	MaxAttempts int
	// JobTimeout bounds one attempt (the provider has its own, shorter,
	// timeout); 0 means DefaultJobTimeout. A job whose replica died is
	// rescued and retried JobTimeout + 15 s after it started, so that an
	// OTP (valid 5 minutes) still arrives in time after a crash.
	JobTimeout time.Duration
	// ReceiptDeadlines bound the wait for a delivery receipt; zero fields
	// mean DefaultReceiptDeadlines'.
	ReceiptDeadlines ReceiptDeadlines
	// ReceiptSweep is how often the deadlines are enforced; 0 derives it
	// from the deadlines (a quarter of the shortest, 1–30 s).
	ReceiptSweep time.Duration
}

// Queue is the SMS outbox: Enqueue writes a message and its job in the
// caller's transaction, the River workers started by Start send it, and
// Receive applies the provider's delivery receipts.
type Queue struct {
	db          *store.DB
	bus         events.Bus
	seal        sealer
	log         *slog.Logger
	now         func() time.Time
	retry       Backoff
	maxAttempts int
	deadlines   ReceiptDeadlines
	jobs        *jobs.Runner
	metrics     *metrics
	reads       *sharedReads
	activity    *activityHub

	mu       sync.Mutex
	provider sms.Provider
	started  bool
}

// New builds a queue. It does not start sending: call Start (a process
// that only enqueues, such as a CLI command, never does).
func New(cfg Config) (*Queue, error) {
	if cfg.DB == nil || cfg.Bus == nil || cfg.Jobs == nil {
		return nil, errors.New("smsqueue: config needs DB, Jobs and Bus")
	}
	seal, err := newSealer(cfg.SealKey)
	if err != nil {
		return nil, err
	}
	q := &Queue{
		reads:       newSharedReads(cfg.DB, 10*time.Second),
		db:          cfg.DB,
		bus:         cfg.Bus,
		seal:        seal,
		log:         cfg.Logger,
		now:         cfg.Now,
		retry:       cfg.Retry.withDefaults(),
		maxAttempts: cfg.MaxAttempts,
		deadlines:   cfg.ReceiptDeadlines.withDefaults(),
		provider:    cfg.Provider,
		jobs:        cfg.Jobs,
	}
	q.activity = newActivityHub(q)
	if q.log == nil {
		q.log = slog.New(slog.DiscardHandler)
	}
	if q.now == nil {
		q.now = time.Now
	}
	if q.maxAttempts <= 0 {
		q.maxAttempts = DefaultMaxAttempts
	}
	if q.metrics, err = newMetrics(cfg.Registerer, cfg.DB); err != nil {
		return nil, err
	}
	if err := register(cfg.Jobs, q, cfg); err != nil {
		return nil, err
	}
	return q, nil
}

// SetProvider sets the provider that sends the messages. It exists for the
// console provider, which needs the queue as its receipt sink:
//
//	q, err := smsqueue.New(cfg)
//	console := sms.NewConsole(consoleCfg, q, logger, now)
//	q.SetProvider(console)
//	console.Run(ctx); q.Start(ctx)
//
// It must be called before Start.
func (q *Queue) SetProvider(p sms.Provider) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.started {
		return errors.New("smsqueue: SetProvider after Start")
	}
	q.provider = p
	return nil
}

func (q *Queue) currentProvider() sms.Provider {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.provider
}

// Start allows this replica's workers to send, once the job runner
// starts them. Every replica may run them: River hands each job to one
// worker at a time.
func (q *Queue) Start(context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.provider == nil {
		return errors.New("smsqueue: Start without a provider")
	}
	q.started = true
	return nil
}

// Enqueue writes the message and its send job in tx: both exist once tx
// commits, neither if it rolls back. The body is sealed before it is
// written. The QUEUED event is published after the commit.
func (q *Queue) Enqueue(ctx context.Context, tx *store.Tx, m Outgoing) (*ent.SMSMessage, error) {
	if !sms.Kind(m.Kind).Valid() {
		return nil, fmt.Errorf("smsqueue: enqueue: unknown kind %q", m.Kind)
	}
	if m.Body == "" {
		return nil, errors.New("smsqueue: enqueue: empty body")
	}
	phone, err := vn.NormalizePhone(m.Phone)
	if err != nil {
		return nil, err // a refusal about field "phone", without the number
	}
	id := pulid.New("SM")
	sealed, err := q.seal.seal(id, m.Body)
	if err != nil {
		return nil, err
	}
	now := q.now()
	sys := viewer.System(ctx)
	msg, err := tx.Client.SMSMessage.Create().
		SetID(id).
		SetKind(m.Kind).
		SetPhone(phone).
		SetStatus(sms.Queued).
		SetBodySealed(sealed).
		SetNillableSendBefore(m.SendBefore).
		SetNillableRegistrationID(m.RegistrationID).
		SetNillableAccountID(m.AccountID).
		SetOfficerID(m.OfficerID).
		SetUnitPath(m.UnitPath).
		SetCreatedAt(now).
		SetUpdatedAt(now).
		Save(sys)
	if err != nil {
		return nil, fmt.Errorf("smsqueue: enqueue: %w", err)
	}
	if err := q.jobs.InsertTx(ctx, tx, sendArgs{MessageID: string(id)}, &river.InsertOpts{
		Queue: queueName, MaxAttempts: q.maxAttempts,
	}); err != nil {
		return nil, fmt.Errorf("smsqueue: enqueue job: %w", err)
	}
	q.onCommit(ctx, tx, msg, now)
	return msg, nil
}

// Messages is the admins' history of SMS messages within their scope, newest
// first (Query.smsMessages). Rows are filtered by the privacy policy of ctx.
func (q *Queue) Messages(ctx context.Context, p store.Page, status *sms.Status) (*ent.SMSMessageConnection, error) {
	v := viewer.FromContext(ctx)
	if !v.SignedIn() {
		return nil, errUnauthenticated
	}
	if v.Scope(policy.ObjSMS, policy.ActMonitor).Empty() {
		return nil, refusal.New(refusal.Forbidden,
			"Bạn không có quyền theo dõi tin nhắn SMS.",
			"You may not monitor SMS messages.")
	}
	page, err := p.Or(store.ShortListPageSize).Check()
	if err != nil {
		return nil, err
	}
	query := q.db.Client.SMSMessage.Query()
	if status != nil {
		query = query.Where(smsmessage.StatusEQ(*status))
	}
	conn, err := query.Paginate(ctx, page.After, page.First, page.Before, page.Last,
		ent.WithSMSMessageOrder(&ent.SMSMessageOrder{Direction: entgql.OrderDirectionDesc, Field: ent.SMSMessageOrderFieldCreatedAt}))
	if err != nil {
		return nil, fmt.Errorf("smsqueue: messages: %w", err)
	}
	return conn, nil
}

// MaskedPhone is the phone number of m as shown to officers (SMSMessage.phoneMasked).
func MaskedPhone(m *ent.SMSMessage) string { return vn.MaskPhone(m.Phone) }

var errUnauthenticated = refusal.New(refusal.Unauthenticated,
	"Vui lòng đăng nhập.",
	"Please sign in.")
