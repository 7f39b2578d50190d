package sms

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
)

// FuzzReceipts throws arbitrary receipt callbacks at the HTTP provider's
// receipt endpoint: body, timestamp header and signature header as sent,
// or the body signed properly. Whatever comes, the handler answers (no
// panic); nothing reaches the queue unless the signature is good for the
// exact body; what reaches it is a receipt with an id and a status a
// provider may report, and no number of six or more digits in its detail.
// Seeds: f.Add below and testdata/fuzz/FuzzReceipts.
func FuzzReceipts(f *testing.F) {
	ts, sig := SignReceipt(receiptSecret, receiptNow, []byte(`{"id":"m1","status":"DELIVRD"}`))
	for _, s := range []struct {
		body, ts, sig string
		sign          bool
	}{
		{`{"id":"m1","status":"DELIVRD"}`, ts, sig, false},
		{`{"id":"m1","status":"DELIVRD"}`, "", "", true},
		{`[{"id":"a","status":"UNDELIV","error":"subscriber 0912345678 absent"},{"id":"b","status":"ACCEPTD"}]`, "", "", true},
		{`{"id":"m1","status":"UNKNOWN"}`, "", "", true},
		{`{"id":"","status":"DELIVRD"}`, "", "", true},
		{`{"id":"m1","status":"DELIVRD","at":"yesterday"}`, "", "", true},
		{`[`, "", "", true},
		{`{"id":"m1","status":"DELIVRD"}`, "1740816000", "sha256=zz", false},
		{`{"id":"m1","status":"DELIVRD"}`, "-99999999999999999999", "sha256=", false},
	} {
		f.Add([]byte(s.body), s.ts, s.sig, s.sign)
	}
	sixDigits := regexp.MustCompile(`\d{6,}`)
	p, err := NewHTTP(HTTPConfig{URL: "https://sms.example.vn/send", ReceiptSecret: receiptSecret}, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, tsHeader, sigHeader string, sign bool) {
		if sign {
			tsHeader, sigHeader = SignReceipt(receiptSecret, receiptNow, body)
		}
		_, good := SignReceipt(receiptSecret, receiptNow, body)
		sink := &recordingSink{}
		h := p.ReceiptHandler(sink, fixedNow, nil)
		req := httptest.NewRequest(http.MethodPost, "/sms/receipts/http", bytes.NewReader(body))
		req.Header.Set(TimestampHeader, tsHeader)
		req.Header.Set(SignatureHeader, sigHeader)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		got := sink.got()
		switch rec.Code {
		case http.StatusNoContent, http.StatusBadRequest, http.StatusUnauthorized, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("answer %d", rec.Code)
		}
		if len(got) > 0 && (rec.Code != http.StatusNoContent || sigHeader != good || tsHeader != "1740816030") {
			t.Fatalf("%d receipts reached the queue with answer %d and signature %q", len(got), rec.Code, sigHeader)
		}
		for _, r := range got {
			switch r.Status {
			case Sent, Delivered, Undelivered, Failed:
			default:
				t.Fatalf("status %q reached the queue", r.Status)
			}
			if r.MessageID == "" || sixDigits.MatchString(r.Detail) {
				t.Fatalf("receipt %+v", r)
			}
		}
	})
}
