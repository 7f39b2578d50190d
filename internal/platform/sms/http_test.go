package sms

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeGateway records the requests it gets and answers with code and body.
type fakeGateway struct {
	mu       sync.Mutex
	requests []*http.Request
	bodies   [][]byte
	code     int
	answer   string
}

func (g *fakeGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	g.requests = append(g.requests, r)
	g.bodies = append(g.bodies, body)
	code, answer := g.code, g.answer
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, answer)
}

func newGateway(t *testing.T, code int, answer string) (*fakeGateway, *httptest.Server) {
	t.Helper()
	g := &fakeGateway{code: code, answer: answer}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return g, srv
}

var otpMessage = Message{ID: "msg-42", Kind: RegistrationOTP, Phone: "+84912345678", Body: "Ma OTP: 482913"}

func TestHTTPSendSuccess(t *testing.T) {
	g, srv := newGateway(t, http.StatusAccepted, `{"id":"gw-9001","status":"ACCEPTD"}`)
	p, err := NewHTTP(HTTPConfig{
		URL: srv.URL + "/v1/sms", AuthHeader: "X-Api-Key", AuthValue: "k3y", Sender: "DVCQG",
		CallbackURL: "https://motcua.example/sms/receipts/http",
	}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	id, err := p.Send(t.Context(), otpMessage)
	if err != nil || id != "gw-9001" {
		t.Fatalf("Send = %q, %v", id, err)
	}
	if len(g.requests) != 1 {
		t.Fatalf("%d requests", len(g.requests))
	}
	r := g.requests[0]
	checks := map[string][2]string{
		"method":          {r.Method, http.MethodPost},
		"path":            {r.URL.Path, "/v1/sms"},
		"Content-Type":    {r.Header.Get("Content-Type"), "application/json"},
		"Idempotency-Key": {r.Header.Get("Idempotency-Key"), "msg-42"},
		"X-Api-Key":       {r.Header.Get("X-Api-Key"), "k3y"},
		"Authorization":   {r.Header.Get("Authorization"), ""},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	var body map[string]any
	if err := json.Unmarshal(g.bodies[0], &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"id": "msg-42", "to": "+84912345678", "text": "Ma OTP: 482913", "sender": "DVCQG",
		"callback": "https://motcua.example/sms/receipts/http",
	}
	if len(body) != len(want) {
		t.Errorf("body has %d fields: %s", len(body), g.bodies[0])
	}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("body[%s] = %v, want %v", k, body[k], v)
		}
	}
}

func TestHTTPSendDefaults(t *testing.T) {
	g, srv := newGateway(t, http.StatusOK, `{"id":"gw-1"}`)
	p, err := NewHTTP(HTTPConfig{URL: srv.URL, AuthValue: "Bearer t"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Send(t.Context(), otpMessage); err != nil {
		t.Fatal(err)
	}
	if got := g.requests[0].Header.Get("Authorization"); got != "Bearer t" {
		t.Errorf("Authorization = %q", got)
	}
	if !strings.Contains(string(g.bodies[0]), `"callback":""`) {
		t.Errorf("no empty callback field: %s", g.bodies[0])
	}
	if p.Name() != "http" {
		t.Errorf("Name = %q", p.Name())
	}
}

func TestHTTPSendErrors(t *testing.T) {
	// The gateway echoes the number and the text: neither may reach the error.
	echo := `{"error":"cannot deliver 'Ma OTP: 482913' to +84912345678 (0912345678)"}`
	tests := []struct {
		code      int
		answer    string
		permanent bool
		contains  string
	}{
		{500, echo, false, "500"},
		{502, `not json`, false, "Bad Gateway"},
		{503, `{"message":"maintenance"}`, false, "maintenance"},
		{504, ``, false, "504"},
		{408, ``, false, "408"},
		{429, `{"error":"rate limited"}`, false, "rate limited"},
		{400, echo, true, "cannot deliver"},
		{401, `{"error":"bad key"}`, true, "bad key"},
		{403, ``, true, "Forbidden"},
		{404, ``, true, "404"},
		{422, `{"error":"invalid number"}`, true, "invalid number"},
		{200, `{}`, false, "without a provider id"},
		{200, `<html>ok</html>`, false, "without a provider id"},
	}
	for _, tt := range tests {
		_, srv := newGateway(t, tt.code, tt.answer)
		p, err := NewHTTP(HTTPConfig{URL: srv.URL}, srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Send(t.Context(), otpMessage)
		if err == nil {
			t.Errorf("%d: no error", tt.code)
			continue
		}
		if errors.Is(err, ErrPermanent) != tt.permanent {
			t.Errorf("%d: permanent = %v, want %v (%v)", tt.code, errors.Is(err, ErrPermanent), tt.permanent, err)
		}
		msg := err.Error()
		if !strings.Contains(msg, tt.contains) {
			t.Errorf("%d: error %q lacks %q", tt.code, msg, tt.contains)
		}
		for _, secret := range []string{"482913", "912345678", srv.URL} {
			if strings.Contains(msg, secret) {
				t.Errorf("%d: error %q contains %q", tt.code, msg, secret)
			}
		}
	}
}

func TestHTTPSendTimeoutIsTemporary(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	p, err := NewHTTP(HTTPConfig{URL: srv.URL, Timeout: 20 * time.Millisecond}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Send(t.Context(), otpMessage)
	if err == nil || errors.Is(err, ErrPermanent) {
		t.Fatalf("timeout: err = %v, want a temporary error", err)
	}
}

func TestHTTPSendConnectionRefusedIsTemporary(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	p, err := NewHTTP(HTTPConfig{URL: "http://" + addr + "/send?apikey=SECRET123"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Send(t.Context(), otpMessage)
	if err == nil || errors.Is(err, ErrPermanent) {
		t.Fatalf("connection refused: err = %v, want a temporary error", err)
	}
	if strings.Contains(err.Error(), "SECRET123") {
		t.Errorf("error leaks the URL's credential: %v", err)
	}
}

func TestHTTPSendWithoutIDIsPermanent(t *testing.T) {
	g, srv := newGateway(t, 200, `{"id":"x"}`)
	p, _ := NewHTTP(HTTPConfig{URL: srv.URL}, srv.Client())
	if _, err := p.Send(t.Context(), Message{Phone: "+84912345678", Body: "x"}); !errors.Is(err, ErrPermanent) {
		t.Errorf("err = %v, want ErrPermanent", err)
	}
	if len(g.requests) != 0 {
		t.Error("a message without id reached the gateway")
	}
}

func TestNewHTTPValidates(t *testing.T) {
	tests := []struct {
		name string
		cfg  HTTPConfig
		ok   bool
	}{
		{"https", HTTPConfig{URL: "https://sms.example.vn/send"}, true},
		{"http with secret", HTTPConfig{URL: "http://127.0.0.1:9000/send", ReceiptSecret: []byte("0123456789abcdef")}, true},
		{"empty", HTTPConfig{}, false},
		{"relative", HTTPConfig{URL: "/send"}, false},
		{"ftp", HTTPConfig{URL: "ftp://sms.example.vn"}, false},
		{"short secret", HTTPConfig{URL: "https://sms.example.vn", ReceiptSecret: []byte("short")}, false},
	}
	for _, tt := range tests {
		_, err := NewHTTP(tt.cfg, nil)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err = %v", tt.name, err)
		}
	}
}
