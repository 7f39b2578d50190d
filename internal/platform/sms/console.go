package sms

import (
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/motcua/motcua/internal/rules/vn"
)

// ConsoleConfig configures the console provider. The number lists take any
// spelling vn.NormalizePhone accepts ("0912345678", "+84 912 345 678").
type ConsoleConfig struct {
	// ReceiptDelay is how long after Send the simulated receipt comes; zero
	// means 2s, long enough to watch the status change on screen.
	ReceiptDelay time.Duration
	// Undeliverable numbers are accepted but get an UNDELIVERED receipt: the
	// citizen who never receives the OTP (problem 2 of the user guide).
	Undeliverable []string
	// Failing numbers make Send return a temporary error, as a gateway that
	// is down would: the queue retries them.
	Failing []string
	// Rejected numbers make Send return ErrPermanent, as a gateway refusing
	// the number would: the message fails at once.
	Rejected []string
	// InboxSize bounds the dev inbox; the oldest messages go first. Zero
	// means 200.
	InboxSize int
}

// InboxEntry is one message in the console provider's dev inbox, in the JSON
// shape of GET /dev/sms.
type InboxEntry struct {
	Phone     string    `json:"phone"`
	Kind      Kind      `json:"kind"`
	Body      string    `json:"body"`
	Status    Status    `json:"status"`
	CreatedAt time.Time `json:"createdAt"`

	messageID string
}

// Console is the provider for development and demos: it sends nothing, logs
// one masked line per message, keeps the messages in a bounded in-memory
// inbox (so a person or a test can read an OTP) and reports a delivery
// receipt after a delay. Its receipts fire only between Run and Close.
//
// The inbox lives in one process's memory, so Console is for a single
// instance; production replicas use HTTP.
type Console struct {
	delay         time.Duration
	inboxSize     int
	undeliverable map[string]bool
	failing       map[string]bool
	rejected      map[string]bool
	sink          ReceiptSink
	log           *slog.Logger
	now           func() time.Time

	mu      sync.Mutex
	inbox   []InboxEntry // oldest first
	pending receiptQueue
	started bool
	closed  bool
	cancel  context.CancelFunc
	done    chan struct{}
	wake    chan struct{} // one buffered slot: "pending changed"
}

// NewConsole returns a console provider that reports receipts to sink (which
// may be nil when nothing needs them), logs to logger and reads the time
// from now.
func NewConsole(cfg ConsoleConfig, sink ReceiptSink, logger *slog.Logger, now func() time.Time) *Console {
	if cfg.ReceiptDelay <= 0 {
		cfg.ReceiptDelay = 2 * time.Second
	}
	if cfg.InboxSize <= 0 {
		cfg.InboxSize = 200
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Console{
		delay:         cfg.ReceiptDelay,
		inboxSize:     cfg.InboxSize,
		undeliverable: phoneSet(cfg.Undeliverable),
		failing:       phoneSet(cfg.Failing),
		rejected:      phoneSet(cfg.Rejected),
		sink:          sink,
		log:           logger,
		now:           now,
		wake:          make(chan struct{}, 1),
	}
}

func phoneSet(numbers []string) map[string]bool {
	set := make(map[string]bool, len(numbers))
	for _, n := range numbers {
		if e164, err := vn.NormalizePhone(n); err == nil {
			n = e164
		}
		set[n] = true
	}
	return set
}

// Name implements Provider.
func (c *Console) Name() string { return "console" }

// Send implements Provider. It never logs the body: it holds OTPs and
// passwords. Sending the same message id twice is deduplicated, as the
// idempotency key is by a real gateway.
func (c *Console) Send(ctx context.Context, m Message) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("sms: console: %w", err)
	}
	if m.ID == "" {
		return "", fmt.Errorf("sms: console: message without id: %w", ErrPermanent)
	}
	phone, err := vn.NormalizePhone(m.Phone)
	if err != nil {
		return "", fmt.Errorf("sms: console: invalid phone number: %w", ErrPermanent)
	}
	masked := vn.MaskPhone(phone)
	switch {
	case c.rejected[phone]:
		c.log.Warn("sms: console refused the number (simulated)", "kind", m.Kind, "phone", masked, "message", m.ID)
		return "", fmt.Errorf("sms: console: number refused (simulated): %w", ErrPermanent)
	case c.failing[phone]:
		c.log.Warn("sms: console gateway error (simulated)", "kind", m.Kind, "phone", masked, "message", m.ID)
		return "", errors.New("sms: console: gateway error (simulated)")
	}

	providerID := "console-" + m.ID
	outcome := Delivered
	if c.undeliverable[phone] {
		outcome = Undelivered
	}
	now := c.now()

	c.mu.Lock()
	for _, e := range c.inbox {
		if e.messageID == m.ID {
			c.mu.Unlock()
			return providerID, nil
		}
	}
	c.inbox = append(c.inbox, InboxEntry{
		Phone: phone, Kind: m.Kind, Body: m.Body, Status: Sent, CreatedAt: now, messageID: m.ID,
	})
	if over := len(c.inbox) - c.inboxSize; over > 0 {
		c.inbox = append(c.inbox[:0:0], c.inbox[over:]...)
	}
	heap.Push(&c.pending, pendingReceipt{due: now.Add(c.delay), receipt: Receipt{
		MessageID: m.ID, ProviderID: providerID, Status: outcome,
	}})
	c.mu.Unlock()

	select {
	case c.wake <- struct{}{}:
	default: // a wake-up is already waiting
	}
	c.log.Info("sms: console sent", "kind", m.Kind, "phone", masked, "message", m.ID)
	return providerID, nil
}

// Run starts the goroutine that fires the simulated receipts. It returns at
// once; the goroutine stops when ctx ends or Close is called. Calling Run
// again, or after Close, does nothing.
func (c *Console) Run(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started || c.closed {
		return
	}
	c.started = true
	ctx, c.cancel = context.WithCancel(ctx)
	c.done = make(chan struct{})
	go c.loop(ctx, c.done)
}

// Close stops the receipt goroutine and waits for it to end. Receipts not yet
// due are dropped: a restarted process leaves those messages at SENT, as a
// real gateway that never reports would.
func (c *Console) Close() {
	c.mu.Lock()
	c.closed = true
	cancel, done := c.cancel, c.done
	c.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// loop sleeps until the earliest pending receipt is due, fires what is due,
// and starts over; one goroutine and one timer serve every message.
func (c *Console) loop(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		c.mu.Lock()
		wait, has := time.Duration(0), c.pending.Len() > 0
		if has {
			wait = c.pending[0].due.Sub(c.now())
		}
		c.mu.Unlock()

		var fire <-chan time.Time
		if has {
			timer.Reset(max(wait, 0))
			fire = timer.C
		}
		select {
		case <-ctx.Done():
			return
		case <-c.wake:
			timer.Stop()
		case <-fire:
			c.fireDue(ctx)
		}
	}
}

// fireDue takes the receipts that are due off the queue, records their
// outcome in the inbox and hands them to the sink.
func (c *Console) fireDue(ctx context.Context) {
	now := c.now()
	var due []Receipt
	c.mu.Lock()
	for c.pending.Len() > 0 && !c.pending[0].due.After(now) {
		r := heap.Pop(&c.pending).(pendingReceipt).receipt
		r.At = now
		due = append(due, r)
		for i := range c.inbox {
			if c.inbox[i].messageID == r.MessageID {
				c.inbox[i].Status = r.Status
			}
		}
	}
	c.mu.Unlock()

	if c.sink == nil {
		return
	}
	for _, r := range due {
		if err := c.sink.Receive(ctx, r); err != nil {
			c.log.Error("sms: console receipt not applied", "message", r.MessageID, "status", r.Status, "err", err)
		}
	}
}

// Inbox returns the messages sent to phone (any spelling vn.NormalizePhone
// accepts), or every message when phone is "", newest first.
func (c *Console) Inbox(phone string) []InboxEntry {
	if phone != "" {
		e164, err := vn.NormalizePhone(phone)
		if err != nil {
			return []InboxEntry{}
		}
		phone = e164
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := []InboxEntry{}
	for i := len(c.inbox) - 1; i >= 0; i-- {
		if phone == "" || c.inbox[i].Phone == phone {
			out = append(out, c.inbox[i])
		}
	}
	return out
}

// InboxHandler serves GET /dev/sms?phone=… : the inbox as JSON, newest first,
// every message when phone is absent. The server mounts it in dev mode only:
// the bodies hold OTPs and passwords.
func (c *Console) InboxHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		phone := r.URL.Query().Get("phone")
		if phone != "" {
			if _, err := vn.NormalizePhone(phone); err != nil {
				http.Error(w, "invalid phone number", http.StatusBadRequest)
				return
			}
		}
		body, err := json.Marshal(c.Inbox(phone))
		if err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(body)
	})
}

type pendingReceipt struct {
	due     time.Time
	receipt Receipt
}

// receiptQueue is a min-heap of pending receipts by due time.
type receiptQueue []pendingReceipt

func (q receiptQueue) Len() int           { return len(q) }
func (q receiptQueue) Less(i, j int) bool { return q[i].due.Before(q[j].due) }
func (q receiptQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *receiptQueue) Push(x any)        { *q = append(*q, x.(pendingReceipt)) }
func (q *receiptQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}
