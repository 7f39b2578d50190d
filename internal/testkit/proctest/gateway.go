package proctest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"time"

	"github.com/motcua/motcua/internal/platform/sms"
)

// Answer is what the fake gateway does with one send call.
type Answer int

// The answers of a send call.
const (
	Accept    Answer = iota // 200 with a provider id
	Temporary               // 503: motcua retries
	Permanent               // 400: motcua gives up (FAILED)
)

// GatewayConfig is the behaviour of a fake gateway.
type GatewayConfig struct {
	// ReceiptSecret signs the delivery receipts (≥ 16 bytes).
	ReceiptSecret []byte
	// Delay before each answer.
	Delay time.Duration
	// Decide picks the answer of call n (1-based, across all messages) for
	// message id; nil accepts every call.
	Decide func(n int, id string) Answer
	// ReceiptTo is the base URL of the server that receives the automatic
	// receipts of accepted messages, asked each time a receipt is posted;
	// nil posts no receipts (post them with PostReceipt).
	ReceiptTo func() string
	// ReceiptDelay is the wait between a message's acceptance (the answer
	// or the caller hanging up) and its receipt.
	ReceiptDelay time.Duration
	// ReceiptStatus is the gateway state reported for a message; nil
	// reports DELIVRD.
	ReceiptStatus func(id string) string
}

// GatewayMessage is what the gateway knows about one message id.
type GatewayMessage struct {
	ID, To, Text string
	Calls        int    // send calls with this id (retries included)
	Accepted     bool   // taken at least once: the SMS went out (once)
	From         string // the Authorization header of the first call
	Receipted    bool   // its automatic receipt was answered 204
}

// Gateway is a fake SMS gateway on a loopback port, speaking the http
// provider's protocol (docs/SMS.md): it takes sends, deduplicates them on
// the message id, counts the calls per id and posts signed receipts,
// retrying each until the server answers 204.
type Gateway struct {
	URL string
	cfg GatewayConfig
	srv *httptest.Server

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	calls    int
	inFlight int
	hold     bool
	release  chan struct{}
	msgs     map[string]*GatewayMessage
	order    []string
	changed  chan struct{} // closed and replaced on every change
}

// NewGateway starts a fake gateway.
func NewGateway(cfg GatewayConfig) *Gateway {
	g := &Gateway{cfg: cfg, msgs: map[string]*GatewayMessage{}, changed: make(chan struct{}), release: make(chan struct{})}
	g.ctx, g.cancel = context.WithCancel(context.Background())
	g.srv = httptest.NewServer(http.HandlerFunc(g.serveSend))
	g.URL = g.srv.URL + "/send"
	return g
}

// Close stops the gateway and its receipt senders.
func (g *Gateway) Close() {
	g.cancel()
	g.SetHold(false)
	g.srv.CloseClientConnections()
	g.srv.Close()
	g.wg.Wait()
}

// SetHold makes the gateway hold every answer (true) until it is released
// (false) or the caller hangs up; a held message counts as accepted.
func (g *Gateway) SetHold(hold bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.hold && !hold {
		close(g.release)
		g.release = make(chan struct{})
	}
	g.hold = hold
}

func (g *Gateway) notifyLocked() {
	close(g.changed)
	g.changed = make(chan struct{})
}

// serveSend answers a send request: it records the message (a repeat of an
// id is the same message), answers as Decide says, waits while the test
// holds the gateway, and sends the receipt of a first acceptance later.
// Long because it is the gateway's whole answer to a send, the cases in the
// order a real gateway decides them.
func (g *Gateway) serveSend(w http.ResponseWriter, r *http.Request) {
	var req struct{ ID, To, Text string }
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if r.Method != http.MethodPost || json.Unmarshal(body, &req) != nil || req.ID == "" || r.Header.Get("Idempotency-Key") != req.ID {
		http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
		return
	}
	g.mu.Lock()
	g.calls++
	n := g.calls
	m := g.msgs[req.ID]
	if m == nil {
		m = &GatewayMessage{ID: req.ID, To: req.To, Text: req.Text, From: r.Header.Get("Authorization")}
		g.msgs[req.ID] = m
		g.order = append(g.order, req.ID)
	}
	m.Calls++
	answer := Accept
	if g.cfg.Decide != nil {
		answer = g.cfg.Decide(n, req.ID)
	}
	firstAccept := answer == Accept && !m.Accepted
	if answer == Accept {
		m.Accepted = true
	}
	g.inFlight++
	hold, release := g.hold, g.release
	g.notifyLocked()
	g.mu.Unlock()

	defer func() {
		g.mu.Lock()
		g.inFlight--
		g.notifyLocked()
		g.mu.Unlock()
		if firstAccept {
			// Sent once, whatever happens to our answer: the receipt follows.
			g.receiptLater(req.ID)
		}
	}()
	if hold {
		select {
		case <-release:
		case <-r.Context().Done():
			return
		case <-g.ctx.Done():
			return
		}
	}
	if g.cfg.Delay > 0 {
		select {
		case <-time.After(g.cfg.Delay):
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	switch answer {
	case Temporary:
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `{"error":"gateway overloaded"}`)
	case Permanent:
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"error":"brand name not registered for this carrier"}`)
	default:
		_, _ = fmt.Fprintf(w, `{"id":"gw-%s"}`, req.ID)
	}
}

func (g *Gateway) receiptLater(id string) {
	if g.cfg.ReceiptTo == nil {
		return
	}
	status := "DELIVRD"
	if g.cfg.ReceiptStatus != nil {
		status = g.cfg.ReceiptStatus(id)
	}
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		select {
		case <-time.After(g.cfg.ReceiptDelay):
		case <-g.ctx.Done():
			return
		}
		if err := g.postUntilAccepted(g.ctx, g.cfg.ReceiptTo, id, status); err != nil {
			return
		}
		g.mu.Lock()
		g.msgs[id].Receipted = true
		g.notifyLocked()
		g.mu.Unlock()
	}()
}

// postUntilAccepted posts a receipt until a server answers 204, backing
// off up to a second; each try is signed with a later timestamp, since
// the server refuses a signature it has seen.
func (g *Gateway) postUntilAccepted(ctx context.Context, target func() string, id, status string) error {
	last := time.Time{}
	wait := 50 * time.Millisecond
	for {
		ts := time.Now()
		if !ts.After(last.Add(time.Second)) {
			ts = last.Add(time.Second)
		}
		last = ts
		code, err := g.post(ctx, target(), id, status, ts)
		if err == nil && code == http.StatusNoContent {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Second)
	}
}

// PostReceipt posts one signed receipt for message id with a gateway
// state (DELIVRD, UNDELIV, …) to the server at baseURL and returns the
// HTTP status.
func (g *Gateway) PostReceipt(ctx context.Context, baseURL, id, status string) (int, error) {
	return g.post(ctx, baseURL, id, status, time.Now())
}

func (g *Gateway) post(ctx context.Context, baseURL, id, status string, ts time.Time) (int, error) {
	body, _ := json.Marshal(map[string]string{
		"id": id, "providerId": "gw-" + id, "status": status, "at": time.Now().UTC().Format(time.RFC3339Nano),
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/sms/receipts/http", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	tsH, sig := sms.SignReceipt(g.cfg.ReceiptSecret, ts, body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Motcua-Timestamp", tsH)
	req.Header.Set("X-Motcua-Signature", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// GatewayState is a copy of what the gateway saw.
type GatewayState struct {
	Calls    int
	InFlight int
	Messages []GatewayMessage // in order of first call
}

// Message returns the message with id.
func (s GatewayState) Message(id string) (GatewayMessage, bool) {
	for _, m := range s.Messages {
		if m.ID == id {
			return m, true
		}
	}
	return GatewayMessage{}, false
}

// LatestTo is the last message (by first call) to phone (E.164).
func (s GatewayState) LatestTo(phone string) (GatewayMessage, bool) {
	for i := len(s.Messages) - 1; i >= 0; i-- {
		if s.Messages[i].To == phone {
			return s.Messages[i], true
		}
	}
	return GatewayMessage{}, false
}

// Duplicates are the ids called more than once, sorted.
func (s GatewayState) Duplicates() []string {
	var out []string
	for _, m := range s.Messages {
		if m.Calls > 1 {
			out = append(out, m.ID)
		}
	}
	sort.Strings(out)
	return out
}

// State returns a copy of the gateway's state.
func (g *Gateway) State() GatewayState {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.stateLocked()
}

func (g *Gateway) stateLocked() GatewayState {
	s := GatewayState{Calls: g.calls, InFlight: g.inFlight}
	for _, id := range g.order {
		s.Messages = append(s.Messages, *g.msgs[id])
	}
	return s
}

// Wait returns once cond holds for the gateway's state, re-checking on
// every change, or ctx's error.
func (g *Gateway) Wait(ctx context.Context, cond func(GatewayState) bool) (GatewayState, error) {
	for {
		g.mu.Lock()
		s, changed := g.stateLocked(), g.changed
		g.mu.Unlock()
		if cond(s) {
			return s, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return s, fmt.Errorf("proctest: gateway: %w", ctx.Err())
		}
	}
}
