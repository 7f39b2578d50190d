package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// recordingSink collects receipts; fail makes Receive return an error.
type recordingSink struct {
	mu       sync.Mutex
	receipts []Receipt
	fail     error
}

func (s *recordingSink) Receive(_ context.Context, r Receipt) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.receipts = append(s.receipts, r)
	return s.fail
}

func (s *recordingSink) got() []Receipt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Receipt(nil), s.receipts...)
}

const (
	phoneOK      = "+84912345678"
	phoneUndeliv = "+84987654321"
	phoneFailing = "+84901234567"
	phoneReject  = "+84971112223"
)

func newTestConsole(sink ReceiptSink, logger *slog.Logger) *Console {
	return NewConsole(ConsoleConfig{
		ReceiptDelay:  2 * time.Second,
		Undeliverable: []string{"0987 654 321"}, // any spelling
		Failing:       []string{phoneFailing},
		Rejected:      []string{"0971.112.223"},
	}, sink, logger, time.Now)
}

func msg(id, phone, body string) Message {
	return Message{ID: id, Kind: RegistrationOTP, Phone: phone, Body: body}
}

func TestConsoleReceiptAfterDelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sink := &recordingSink{}
		c := newTestConsole(sink, nil)
		c.Run(t.Context())
		defer c.Close()

		start := time.Now()
		id, err := c.Send(t.Context(), msg("m1", phoneOK, "Ma OTP 123456"))
		if err != nil || id != "console-m1" {
			t.Fatalf("Send = %q, %v", id, err)
		}
		if _, err := c.Send(t.Context(), msg("m2", phoneUndeliv, "Ma OTP 654321")); err != nil {
			t.Fatal(err)
		}
		if st := c.Inbox(phoneOK)[0].Status; st != Sent {
			t.Fatalf("inbox status before the receipt = %s, want SENT", st)
		}

		time.Sleep(2*time.Second - time.Millisecond)
		synctest.Wait()
		if got := sink.got(); len(got) != 0 {
			t.Fatalf("receipts before the delay: %+v", got)
		}

		time.Sleep(time.Millisecond)
		synctest.Wait()
		got := sink.got()
		if len(got) != 2 {
			t.Fatalf("got %d receipts, want 2", len(got))
		}
		want := map[string]Status{"m1": Delivered, "m2": Undelivered}
		for _, r := range got {
			if r.Status != want[r.MessageID] || r.ProviderID != "console-"+r.MessageID || !r.At.Equal(start.Add(2*time.Second)) {
				t.Errorf("receipt %+v", r)
			}
		}
		if st := c.Inbox(phoneOK)[0].Status; st != Delivered {
			t.Errorf("inbox status = %s, want DELIVERED", st)
		}
		if st := c.Inbox(phoneUndeliv)[0].Status; st != Undelivered {
			t.Errorf("inbox status = %s, want UNDELIVERED", st)
		}
	})
}

func TestConsoleFailingAndRejected(t *testing.T) {
	sink := &recordingSink{}
	c := newTestConsole(sink, nil)

	_, err := c.Send(t.Context(), msg("f", phoneFailing, "x"))
	if err == nil || errors.Is(err, ErrPermanent) {
		t.Errorf("failing number: err = %v, want a temporary error", err)
	}
	_, err = c.Send(t.Context(), msg("r", phoneReject, "x"))
	if !errors.Is(err, ErrPermanent) {
		t.Errorf("rejected number: err = %v, want ErrPermanent", err)
	}
	_, err = c.Send(t.Context(), msg("bad", "+1 202 555 0100", "x"))
	if !errors.Is(err, ErrPermanent) {
		t.Errorf("invalid number: err = %v, want ErrPermanent", err)
	}
	_, err = c.Send(t.Context(), msg("", phoneOK, "x"))
	if !errors.Is(err, ErrPermanent) {
		t.Errorf("no id: err = %v, want ErrPermanent", err)
	}
	if n := len(c.Inbox("")); n != 0 {
		t.Errorf("refused messages reached the inbox: %d", n)
	}
}

func TestConsoleInboxOrderAndBound(t *testing.T) {
	clock := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	c := NewConsole(ConsoleConfig{InboxSize: 3}, nil, nil, func() time.Time { return clock })
	sends := []struct{ id, phone string }{
		{"a", phoneOK}, {"b", phoneUndeliv}, {"c", phoneOK}, {"d", phoneOK}, {"e", phoneUndeliv},
	}
	for _, s := range sends {
		if _, err := c.Send(t.Context(), msg(s.id, s.phone, "body "+s.id)); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(time.Second)
	}
	// Same id again: deduplicated like a gateway's idempotency key.
	if id, err := c.Send(t.Context(), msg("e", phoneUndeliv, "body e")); err != nil || id != "console-e" {
		t.Fatalf("duplicate Send = %q, %v", id, err)
	}

	bodies := func(es []InboxEntry) string {
		var b []string
		for _, e := range es {
			b = append(b, e.Body)
		}
		return strings.Join(b, ",")
	}
	if got := bodies(c.Inbox("")); got != "body e,body d,body c" {
		t.Errorf("Inbox(all) = %s", got)
	}
	if got := bodies(c.Inbox("0912345678")); got != "body d,body c" {
		t.Errorf("Inbox(local spelling) = %s", got)
	}
	if got := c.Inbox("not a phone"); got == nil || len(got) != 0 {
		t.Errorf("Inbox(bad) = %#v, want empty", got)
	}
}

func TestConsoleInboxHandler(t *testing.T) {
	clock := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	c := NewConsole(ConsoleConfig{}, nil, nil, func() time.Time { return clock })
	if _, err := c.Send(t.Context(), Message{ID: "1", Kind: InitialPassword, Phone: phoneOK, Body: "Mat khau: Ab3$xyz"}); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(time.Minute)
	if _, err := c.Send(t.Context(), Message{ID: "2", Kind: ResetOTP, Phone: phoneUndeliv, Body: "OTP 111222"}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		url    string
		method string
		code   int
		want   string
	}{
		{"/dev/sms?phone=0912%20345%20678", http.MethodGet, 200,
			`[{"phone":"+84912345678","kind":"INITIAL_PASSWORD","body":"Mat khau: Ab3$xyz","status":"SENT","createdAt":"2025-03-01T08:00:00Z"}]`},
		{"/dev/sms", http.MethodGet, 200,
			`[{"phone":"+84987654321","kind":"RESET_OTP","body":"OTP 111222","status":"SENT","createdAt":"2025-03-01T08:01:00Z"},` +
				`{"phone":"+84912345678","kind":"INITIAL_PASSWORD","body":"Mat khau: Ab3$xyz","status":"SENT","createdAt":"2025-03-01T08:00:00Z"}]`},
		{"/dev/sms?phone=0971112223", http.MethodGet, 200, `[]`},
		{"/dev/sms?phone=12", http.MethodGet, 400, ""},
		{"/dev/sms", http.MethodPost, 405, ""},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		c.InboxHandler().ServeHTTP(rec, httptest.NewRequest(tt.method, tt.url, nil))
		if rec.Code != tt.code {
			t.Errorf("%s %s: code %d, want %d", tt.method, tt.url, rec.Code, tt.code)
			continue
		}
		if tt.code != 200 {
			continue
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q", tt.url, ct)
		}
		var got, want any
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		_ = json.Unmarshal([]byte(tt.want), &want)
		gotJSON, _ := json.Marshal(got)
		wantJSON, _ := json.Marshal(want)
		if !bytes.Equal(gotJSON, wantJSON) {
			t.Errorf("%s:\n got %s\nwant %s", tt.url, gotJSON, wantJSON)
		}
	}
}

func TestConsoleLogHasNoBodyNorPhone(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	c := newTestConsole(nil, logger)
	body := "Mat khau dang nhap: Xy7#kq92"
	for _, m := range []Message{
		{ID: "m-1", Kind: InitialPassword, Phone: phoneOK, Body: body},
		{ID: "m-2", Kind: InitialPassword, Phone: phoneFailing, Body: body},
		{ID: "m-3", Kind: InitialPassword, Phone: phoneReject, Body: body},
	} {
		_, _ = c.Send(t.Context(), m)
	}
	out := buf.String()
	if n := strings.Count(out, "\n"); n != 3 {
		t.Errorf("%d log lines, want one per message:\n%s", n, out)
	}
	for _, want := range []string{`"phone":"+84 91* *** 678"`, `"kind":"INITIAL_PASSWORD"`, `"message":"m-1"`, `"message":"m-2"`, `"message":"m-3"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	for _, secret := range []string{"Xy7#kq92", "dang nhap", "912345678", "901234567", "971112223"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
}

// synctest.Test fails if any goroutine started in the bubble is still
// alive when the test function returns, so a Run goroutine that Close does
// not end makes this test fail.
func TestConsoleCloseStopsGoroutine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sink := &recordingSink{}
		c := newTestConsole(sink, nil)
		c.Run(context.Background())
		c.Run(context.Background()) // a second Run starts nothing
		if _, err := c.Send(t.Context(), msg("m1", phoneOK, "x")); err != nil {
			t.Fatal(err)
		}
		c.Close()
		time.Sleep(time.Hour)
		synctest.Wait()
		if got := sink.got(); len(got) != 0 {
			t.Errorf("receipt after Close: %+v", got)
		}
		c.Run(context.Background()) // after Close: nothing
		c.Close()                   // twice: fine
	})
}

func TestConsoleStopsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		c := newTestConsole(&recordingSink{}, nil)
		c.Run(ctx)
		cancel()
		synctest.Wait()
		select {
		case <-c.done:
		default:
			t.Error("receipt goroutine still running after its context ended")
		}
	})
}

func TestConsoleSinkErrorIsLogged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var buf bytes.Buffer
		sink := &recordingSink{fail: errors.New("database down")}
		c := newTestConsole(sink, slog.New(slog.NewTextHandler(&buf, nil)))
		c.Run(t.Context())
		defer c.Close()
		if _, err := c.Send(t.Context(), msg("m1", phoneOK, "x")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(3 * time.Second)
		synctest.Wait()
		if len(sink.got()) != 1 || !strings.Contains(buf.String(), "database down") {
			t.Errorf("sink error not logged:\n%s", buf.String())
		}
	})
}
