package sms

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Receipt callback headers.
const (
	TimestampHeader = "X-Motcua-Timestamp" // unix seconds
	SignatureHeader = "X-Motcua-Signature" // "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body)
)

// maxReceiptBody bounds a receipt callback's body.
const maxReceiptBody = 64 << 10

// SignReceipt returns the two headers that authenticate a receipt callback
// carrying body, sent at ts.
func SignReceipt(secret []byte, ts time.Time, body []byte) (tsHeader, sigHeader string) {
	tsHeader = strconv.FormatInt(ts.Unix(), 10)
	return tsHeader, "sha256=" + hex.EncodeToString(receiptMAC(secret, tsHeader, body))
}

func receiptMAC(secret []byte, tsHeader string, body []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(tsHeader))
	mac.Write([]byte("."))
	mac.Write(body)
	return mac.Sum(nil)
}

// gatewayStates maps a gateway's delivery state (upper-cased) onto ours. The
// short forms are the SMPP delivery-receipt "stat" values most Vietnamese
// gateways pass through.
var gatewayStates = map[string]Status{
	"DELIVRD":       Delivered,
	"DELIVERED":     Delivered,
	"UNDELIV":       Undelivered,
	"UNDELIVERABLE": Undelivered,
	"UNDELIVERED":   Undelivered,
	"REJECTD":       Undelivered,
	"REJECTED":      Undelivered,
	"EXPIRED":       Undelivered,
	"DELETED":       Undelivered,
	"ACCEPTD":       Sent,
	"ACCEPTED":      Sent,
	"ENROUTE":       Sent,
	"SENT":          Sent,
	"FAILED":        Failed,
}

// GatewayStatus maps a gateway's delivery state onto a Status, ignoring case;
// ok is false for a state it does not know.
func GatewayStatus(state string) (s Status, ok bool) {
	s, ok = gatewayStates[strings.ToUpper(strings.TrimSpace(state))]
	return s, ok
}

type receiptJSON struct {
	ID         string `json:"id"`
	ProviderID string `json:"providerId"`
	Status     string `json:"status"`
	At         string `json:"at"`
	Error      string `json:"error"`
}

// ReceiptHandler serves POST /sms/receipts/http. The body is one receipt
// object or an array of them; the request must be signed (see SignReceipt)
// with a timestamp within the receipt window and a signature not seen before.
// It answers 204 when every receipt was handed to sink, 401 for a bad,
// missing, stale or replayed signature, 400 for a malformed receipt or an
// unknown state, 413 above 64 KiB and 500 when sink fails.
//
// seen guards against replays within one process; nil means an in-memory
// guard of 10 000 signatures. Across replicas a replay may get through, which
// is harmless: statuses only move forward (CanMove), so applying a receipt
// twice changes nothing. Because the guard remembers a signature even when
// sink fails, a gateway retrying after a 500 must sign again with a new
// timestamp.
func (p *HTTP) ReceiptHandler(sink ReceiptSink, now func() time.Time, seen ReplayGuard) http.Handler {
	if seen == nil {
		seen = NewMemoryReplayGuard(10000, now)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxReceiptBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "receipt too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read body", http.StatusBadRequest)
			return
		}
		if msg := p.verify(r.Header, body, now(), seen); msg != "" {
			http.Error(w, msg, http.StatusUnauthorized)
			return
		}
		receipts, msg := parseReceipts(body, now)
		if msg != "" {
			http.Error(w, msg, http.StatusBadRequest)
			return
		}
		for _, rc := range receipts {
			if err := sink.Receive(r.Context(), rc); err != nil {
				http.Error(w, "receipt not applied, sign again and retry", http.StatusInternalServerError)
				return
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// verify checks the signature headers; it returns why it refuses, or "".
func (p *HTTP) verify(h http.Header, body []byte, now time.Time, seen ReplayGuard) string {
	if len(p.cfg.ReceiptSecret) == 0 {
		return "receipts are not configured"
	}
	tsHeader, sigHeader := h.Get(TimestampHeader), h.Get(SignatureHeader)
	if tsHeader == "" || sigHeader == "" {
		return "missing signature"
	}
	unix, err := strconv.ParseInt(tsHeader, 10, 64)
	if err != nil {
		return "bad timestamp"
	}
	ts := time.Unix(unix, 0)
	if d := now.Sub(ts); d > p.cfg.ReceiptWindow || d < -p.cfg.ReceiptWindow {
		return "timestamp outside the window"
	}
	hexSig, ok := strings.CutPrefix(sigHeader, "sha256=")
	if !ok {
		return "bad signature"
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || !hmac.Equal(got, receiptMAC(p.cfg.ReceiptSecret, tsHeader, body)) {
		return "bad signature"
	}
	// Checked only once the signature is good, so junk cannot fill the guard.
	if seen.Seen(hex.EncodeToString(got), ts.Add(p.cfg.ReceiptWindow)) {
		return "replayed receipt"
	}
	return ""
}

// parseReceipts decodes one receipt or an array; it returns why it refuses,
// or "". Every item is checked before any is applied.
func parseReceipts(body []byte, now func() time.Time) ([]Receipt, string) {
	var items []receiptJSON
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &items); err != nil {
			return nil, "malformed JSON"
		}
	} else {
		var one receiptJSON
		if err := json.Unmarshal(trimmed, &one); err != nil {
			return nil, "malformed JSON"
		}
		items = []receiptJSON{one}
	}
	out := make([]Receipt, 0, len(items))
	for _, it := range items {
		if it.ID == "" {
			return nil, "receipt without id"
		}
		status, ok := GatewayStatus(it.Status)
		if !ok {
			return nil, "unknown status"
		}
		at := now()
		if it.At != "" {
			t, err := time.Parse(time.RFC3339, it.At)
			if err != nil {
				return nil, "bad time, want RFC 3339"
			}
			at = t
		}
		out = append(out, Receipt{
			MessageID: it.ID, ProviderID: it.ProviderID, Status: status, At: at,
			Detail: cleanGatewayText(it.Error, Message{}),
		})
	}
	return out, ""
}

// ReplayGuard remembers receipt signatures. Seen reports whether sig was
// already seen and, if not, remembers it until the given time.
type ReplayGuard interface {
	Seen(sig string, until time.Time) bool
}

// MemoryReplayGuard is a ReplayGuard for one process, bounded in size: when
// full it forgets the oldest signatures first.
type MemoryReplayGuard struct {
	max int
	now func() time.Time

	mu    sync.Mutex
	until map[string]time.Time
	order []seenSig // insertion order, for expiry and eviction
}

type seenSig struct {
	sig   string
	until time.Time
}

// NewMemoryReplayGuard returns a guard holding at most limit signatures
// (at least 1).
func NewMemoryReplayGuard(limit int, now func() time.Time) *MemoryReplayGuard {
	return &MemoryReplayGuard{max: max(limit, 1), now: now, until: make(map[string]time.Time)}
}

// Seen implements ReplayGuard.
func (g *MemoryReplayGuard) Seen(sig string, until time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if u, ok := g.until[sig]; ok && now.Before(u) {
		return true
	}
	for len(g.order) > 0 && (len(g.until) >= g.max || !now.Before(g.order[0].until)) {
		oldest := g.order[0]
		g.order = g.order[1:]
		if g.until[oldest.sig].Equal(oldest.until) {
			delete(g.until, oldest.sig)
		}
	}
	g.until[sig] = until
	g.order = append(g.order, seenSig{sig, until})
	return false
}
