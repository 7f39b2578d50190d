package sms

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

var (
	receiptSecret = []byte("0123456789abcdef0123456789abcdef")
	receiptNow    = time.Date(2025, 3, 1, 8, 0, 30, 0, time.UTC)
)

func fixedNow() time.Time { return receiptNow }

func receiptProvider(t *testing.T) *HTTP {
	t.Helper()
	p, err := NewHTTP(HTTPConfig{URL: "https://sms.example.vn/send", ReceiptSecret: receiptSecret}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// post sends body to h signed at ts with secret.
func post(h http.Handler, secret []byte, ts time.Time, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/sms/receipts/http", strings.NewReader(body))
	tsHeader, sig := SignReceipt(secret, ts, []byte(body))
	req.Header.Set(TimestampHeader, tsHeader)
	req.Header.Set(SignatureHeader, sig)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// The vector docs/SMS.md computes with openssl.
func TestSignReceiptMatchesOpenSSL(t *testing.T) {
	body := `{"id":"msg-1","providerId":"gw-77","status":"DELIVRD","at":"2025-03-01T08:00:00Z","error":""}`
	ts, sig := SignReceipt(receiptSecret, time.Unix(1740816000, 0), []byte(body))
	if ts != "1740816000" {
		t.Errorf("timestamp header %q", ts)
	}
	if want := "sha256=3456646c10653f586c87984809ec3c1951a4c348eb745c32990eecc0f5f7678c"; sig != want {
		t.Errorf("signature %q, want %q", sig, want)
	}
}

func TestReceiptStateMapping(t *testing.T) {
	tests := map[string]Status{
		"DELIVRD": Delivered, "DELIVERED": Delivered, "delivered": Delivered,
		"UNDELIV": Undelivered, "UNDELIVERABLE": Undelivered, "REJECTD": Undelivered,
		"EXPIRED": Undelivered, "undelivered": Undelivered, "DELETED": Undelivered,
		"ACCEPTD": Sent, "ENROUTE": Sent, "SENT": Sent, "sent": Sent,
		"FAILED": Failed, "failed": Failed,
	}
	for state, want := range tests {
		sink := &recordingSink{}
		h := receiptProvider(t).ReceiptHandler(sink, fixedNow, nil)
		rec := post(h, receiptSecret, receiptNow, `{"id":"m1","providerId":"gw-1","status":"`+state+`","at":"2025-03-01T07:59:58+07:00","error":""}`)
		if rec.Code != http.StatusNoContent {
			t.Errorf("%s: code %d %s", state, rec.Code, rec.Body)
			continue
		}
		got := sink.got()
		if len(got) != 1 {
			t.Fatalf("%s: %d receipts", state, len(got))
		}
		r := got[0]
		wantAt := time.Date(2025, 3, 1, 0, 59, 58, 0, time.UTC)
		if r.Status != want || r.MessageID != "m1" || r.ProviderID != "gw-1" || !r.At.Equal(wantAt) {
			t.Errorf("%s: receipt %+v, want status %s", state, r, want)
		}
	}
}

func TestReceiptArrayAndDefaults(t *testing.T) {
	sink := &recordingSink{}
	h := receiptProvider(t).ReceiptHandler(sink, fixedNow, nil)
	body := ` [
	  {"id":"a","status":"DELIVRD","at":"2025-03-01T08:00:00Z"},
	  {"id":"b","providerId":"gw-b","status":"UNDELIV","error":"subscriber 0912345678 absent"}
	]`
	if rec := post(h, receiptSecret, receiptNow, body); rec.Code != http.StatusNoContent {
		t.Fatalf("code %d %s", rec.Code, rec.Body)
	}
	got := sink.got()
	if len(got) != 2 || got[0].MessageID != "a" || got[0].Status != Delivered ||
		got[1].MessageID != "b" || got[1].Status != Undelivered {
		t.Fatalf("receipts %+v", got)
	}
	if !got[1].At.Equal(receiptNow) {
		t.Errorf("missing at: %v, want now", got[1].At)
	}
	if got[1].Detail != "subscriber *** absent" {
		t.Errorf("detail %q", got[1].Detail)
	}
}

// TestReceiptRefusals is long because it is a table: one row per case, so
// that the cases read side by side and a missing one shows.
func TestReceiptRefusals(t *testing.T) {
	good := `{"id":"m1","status":"DELIVRD"}`
	tests := []struct {
		name string
		do   func(h http.Handler) *httptest.ResponseRecorder
		code int
	}{
		{"bad signature", func(h http.Handler) *httptest.ResponseRecorder {
			return post(h, []byte("another-secret-of-32-bytes-......"), receiptNow, good)
		}, 401},
		{"body changed after signing", func(h http.Handler) *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"id":"m2","status":"DELIVRD"}`))
			ts, sig := SignReceipt(receiptSecret, receiptNow, []byte(good))
			req.Header.Set(TimestampHeader, ts)
			req.Header.Set(SignatureHeader, sig)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec
		}, 401},
		{"missing headers", func(h http.Handler) *httptest.ResponseRecorder {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(good)))
			return rec
		}, 401},
		{"signature without prefix", func(h http.Handler) *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(good))
			ts, sig := SignReceipt(receiptSecret, receiptNow, []byte(good))
			req.Header.Set(TimestampHeader, ts)
			req.Header.Set(SignatureHeader, strings.TrimPrefix(sig, "sha256="))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec
		}, 401},
		{"old timestamp", func(h http.Handler) *httptest.ResponseRecorder {
			return post(h, receiptSecret, receiptNow.Add(-5*time.Minute-time.Second), good)
		}, 401},
		{"future timestamp", func(h http.Handler) *httptest.ResponseRecorder {
			return post(h, receiptSecret, receiptNow.Add(5*time.Minute+time.Second), good)
		}, 401},
		{"edge of the window", func(h http.Handler) *httptest.ResponseRecorder {
			return post(h, receiptSecret, receiptNow.Add(-5*time.Minute), good)
		}, 204},
		{"replay", func(h http.Handler) *httptest.ResponseRecorder {
			if rec := post(h, receiptSecret, receiptNow, good); rec.Code != 204 {
				return rec
			}
			return post(h, receiptSecret, receiptNow, good)
		}, 401},
		{"unknown state", func(h http.Handler) *httptest.ResponseRecorder {
			return post(h, receiptSecret, receiptNow, `{"id":"m1","status":"UNKNOWN"}`)
		}, 400},
		{"unknown state in array", func(h http.Handler) *httptest.ResponseRecorder {
			return post(h, receiptSecret, receiptNow, `[{"id":"m1","status":"DELIVRD"},{"id":"m2","status":"LOST"}]`)
		}, 400},
		{"no id", func(h http.Handler) *httptest.ResponseRecorder {
			return post(h, receiptSecret, receiptNow, `{"status":"DELIVRD"}`)
		}, 400},
		{"bad time", func(h http.Handler) *httptest.ResponseRecorder {
			return post(h, receiptSecret, receiptNow, `{"id":"m1","status":"DELIVRD","at":"01/03/2025"}`)
		}, 400},
		{"malformed JSON", func(h http.Handler) *httptest.ResponseRecorder {
			return post(h, receiptSecret, receiptNow, `{"id":`)
		}, 400},
		{"oversize", func(h http.Handler) *httptest.ResponseRecorder {
			return post(h, receiptSecret, receiptNow, `{"id":"m1","status":"DELIVRD","error":"`+strings.Repeat("x", 64<<10)+`"}`)
		}, 413},
		{"GET", func(h http.Handler) *httptest.ResponseRecorder {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			return rec
		}, 405},
	}
	for _, tt := range tests {
		sink := &recordingSink{}
		h := receiptProvider(t).ReceiptHandler(sink, fixedNow, NewMemoryReplayGuard(100, fixedNow))
		rec := tt.do(h)
		if rec.Code != tt.code {
			t.Errorf("%s: code %d, want %d (%s)", tt.name, rec.Code, tt.code, strings.TrimSpace(rec.Body.String()))
		}
		wantReceipts := 0
		if tt.code == 204 || tt.name == "replay" {
			wantReceipts = 1
		}
		if n := len(sink.got()); n != wantReceipts {
			t.Errorf("%s: sink got %d receipts, want %d", tt.name, n, wantReceipts)
		}
	}
}

func TestReceiptWithoutSecretIsRefused(t *testing.T) {
	p, err := NewHTTP(HTTPConfig{URL: "https://sms.example.vn/send"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sink := &recordingSink{}
	// Signed with an empty key: must not pass because the key is empty too.
	rec := post(p.ReceiptHandler(sink, fixedNow, nil), nil, receiptNow, `{"id":"m1","status":"DELIVRD"}`)
	if rec.Code != 401 || len(sink.got()) != 0 {
		t.Errorf("code %d, %d receipts", rec.Code, len(sink.got()))
	}
}

func TestReceiptSinkErrorIs500(t *testing.T) {
	sink := &recordingSink{fail: errors.New("database down")}
	h := receiptProvider(t).ReceiptHandler(sink, fixedNow, nil)
	rec := post(h, receiptSecret, receiptNow, `{"id":"m1","status":"DELIVRD"}`)
	if rec.Code != 500 {
		t.Errorf("code %d, want 500", rec.Code)
	}
	if strings.Contains(rec.Body.String(), "database") {
		t.Errorf("internal error leaked: %s", rec.Body)
	}
	// Signed again a second later, the retry goes through the guard.
	sink.fail = nil
	if rec := post(h, receiptSecret, receiptNow.Add(time.Second), `{"id":"m1","status":"DELIVRD"}`); rec.Code != 204 {
		t.Errorf("re-signed retry: code %d", rec.Code)
	}
}

func TestMemoryReplayGuard(t *testing.T) {
	now := receiptNow
	clock := func() time.Time { return now }
	g := NewMemoryReplayGuard(2, clock)
	until := now.Add(time.Minute)

	if g.Seen("a", until) {
		t.Fatal("a seen before")
	}
	if !g.Seen("a", until) {
		t.Fatal("a not remembered")
	}
	g.Seen("b", until)
	g.Seen("c", until) // full: forgets a, the oldest
	if len(g.until) > 2 {
		t.Errorf("guard holds %d signatures, limit 2", len(g.until))
	}
	if !g.Seen("c", until) || !g.Seen("b", until) {
		t.Error("recent signatures forgotten")
	}
	if g.Seen("a", until) {
		t.Error("evicted signature still remembered")
	}

	now = until // everything expires
	if g.Seen("b", now.Add(time.Minute)) {
		t.Error("expired signature still counts")
	}
	if len(g.order) > 2 || len(g.until) > 2 {
		t.Errorf("guard grows: %d order, %d map", len(g.order), len(g.until))
	}
}
