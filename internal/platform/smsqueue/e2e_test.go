package smsqueue

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

// gateway is a fake SMS gateway speaking the contract of docs/SMS.md. What
// it answers depends on the number.
type gateway struct {
	mu    sync.Mutex
	calls map[string][]string // message id → Idempotency-Key of each call
}

const (
	gwOK        = "+84912000001" // 200 at once
	gwFlaky     = "+84912000002" // 503, then 200
	gwRefuses   = "+84912000003" // 400 always
	gwSlow      = "+84912000004" // first call outlasts the provider's timeout, then 200
	secretBody  = "Mat khau tam thoi: Xk7#pQ2v. Doi mat khau khi dang nhap."
	secretToken = "Xk7#pQ2v"
)

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct{ ID, To, Text string }
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, `{"error":"bad json"}`, http.StatusBadRequest)
		return
	}
	g.mu.Lock()
	g.calls[req.ID] = append(g.calls[req.ID], r.Header.Get("Idempotency-Key"))
	n := len(g.calls[req.ID])
	g.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	switch {
	case req.To == gwFlaky && n == 1:
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error":"upstream busy"}`))
		return
	case req.To == gwRefuses:
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"number ` + req.To + ` is blocked"}`))
		return
	case req.To == gwSlow && n == 1:
		<-r.Context().Done() // only the provider's timeout ends this call
		return
	}
	_, _ = w.Write([]byte(`{"id":"gw-` + req.ID + `"}`))
}

func (g *gateway) keys(id pulid.ID) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.calls[string(id)]...)
}

// TestHTTPProviderThroughTheQueue is long because it is one scenario told in
// order: its steps share what the first ones set up and each checks what the
// one before left.
func TestHTTPProviderThroughTheQueue(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		gw := &gateway{calls: map[string][]string{}}
		srv := httptest.NewServer(gw)
		t.Cleanup(srv.Close)
		secret := []byte("0123456789abcdef0123456789abcdef")
		provider, err := sms.NewHTTP(sms.HTTPConfig{URL: srv.URL, Timeout: 300 * time.Millisecond, ReceiptSecret: secret}, srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		reg := prometheus.NewRegistry()
		e := newEnv(t, db, options{cfg: func(c *Config) { c.Provider = provider; c.Registerer = reg }})

		type want struct {
			status   sms.Status
			calls    int
			attempts int
		}
		cases := map[string]want{
			gwOK:      {sms.Sent, 1, 1},
			gwFlaky:   {sms.Sent, 2, 2},
			gwRefuses: {sms.Failed, 1, 1},
			gwSlow:    {sms.Sent, 2, 2},
		}
		ids := map[string]pulid.ID{}
		for number := range cases {
			out := e.otp(number)
			out.Kind, out.Body = sms.InitialPassword, secretBody
			ids[number] = e.enqueue(t, out).ID
		}
		e.start(t)

		for number, w := range cases {
			id := ids[number]
			m := e.waitStatus(t, id, w.status)
			keys := gw.keys(id)
			if len(keys) != w.calls {
				t.Errorf("%s: gateway called %d times, want %d", number, len(keys), w.calls)
			}
			for _, k := range keys {
				if k != string(id) {
					t.Errorf("%s: Idempotency-Key %q, want the message id %s", number, k, id)
				}
			}
			if m.Attempts != w.attempts {
				t.Errorf("%s: %d attempts recorded, want %d", number, m.Attempts, w.attempts)
			}
			if w.status == sms.Sent && (m.ProviderMessageID != "gw-"+string(id) || m.Provider != "http" || m.SentAt == nil) {
				t.Errorf("%s: provider %q id %q sent at %v", number, m.Provider, m.ProviderMessageID, m.SentAt)
			}
			if !e.bodyIsNull(t, id) {
				t.Errorf("%s: body kept with status %s", number, m.Status)
			}
		}
		failed := e.get(t, ids[gwRefuses])
		if !strings.Contains(failed.LastError, "400") || strings.Contains(failed.LastError, "912000003") {
			t.Errorf("last error %q: want the refusal, without the number", failed.LastError)
		}

		// Receipts through the provider's signed callback, counted by the queue.
		receipts := e.q.CountRejectedReceipts("http", provider.ReceiptHandler(e.q, time.Now, nil))
		post := func(body string, sign bool) int {
			req := httptest.NewRequest(http.MethodPost, "/sms/receipts/http", strings.NewReader(body))
			if sign {
				ts, sig := sms.SignReceipt(secret, time.Now(), []byte(body))
				req.Header.Set(sms.TimestampHeader, ts)
				req.Header.Set(sms.SignatureHeader, sig)
			}
			rec := httptest.NewRecorder()
			receipts.ServeHTTP(rec, req)
			return rec.Code
		}
		okID := ids[gwOK]
		delivered := `{"id":"` + string(okID) + `","providerId":"gw-` + string(okID) + `","status":"DELIVRD"}`
		if code := post(delivered, true); code != http.StatusNoContent {
			t.Fatalf("signed receipt answered %d", code)
		}
		if code := post(`{"id":"`+string(ids[gwFlaky])+`","status":"DELIVRD"}`, false); code != http.StatusUnauthorized {
			t.Fatalf("unsigned receipt answered %d", code)
		}
		if m := e.get(t, okID); m.Status != sms.Delivered || !e.bodyIsNull(t, okID) || m.FinalAt == nil {
			t.Errorf("after the receipt: %s, body null %v", m.Status, e.bodyIsNull(t, okID))
		}
		if m := e.get(t, ids[gwFlaky]); m.Status != sms.Sent {
			t.Errorf("an unsigned receipt moved the message to %s", m.Status)
		}

		// Metrics.
		got := gather(t, reg)
		kind := "INITIAL_PASSWORD"
		for name, want := range map[string]float64{
			"motcua_sms_messages_total{kind=" + kind + ",provider=http,status=SENT}":      3,
			"motcua_sms_messages_total{kind=" + kind + ",provider=http,status=FAILED}":    1,
			"motcua_sms_messages_total{kind=" + kind + ",provider=http,status=DELIVERED}": 1,
			"motcua_sms_send_attempts_total{provider=http,result=ok}":                     3,
			"motcua_sms_send_attempts_total{provider=http,result=temporary}":              2,
			"motcua_sms_send_attempts_total{provider=http,result=permanent}":              1,
			"motcua_sms_delivery_seconds_count{kind=" + kind + ",provider=http}":          1,
			"motcua_sms_receipts_total{result=applied}":                                   1,
			"motcua_sms_receipts_rejected_total{code=401,provider=http}":                  1,
			"motcua_sms_queue_depth{status=QUEUED}":                                       0,
			"motcua_sms_queue_depth{status=SENDING}":                                      0,
			"motcua_sms_queue_depth{status=SENT}":                                         2,
		} {
			if got[name] != want {
				t.Errorf("%s = %v, want %v", name, got[name], want)
			}
		}

		// The text (a password) and the numbers never reach a log line,
		// ours or River's, nor River's job rows.
		logs := e.logs.String()
		if !strings.Contains(logs, string(okID)) {
			t.Fatalf("the log does not even name the messages; the check below proves nothing:\n%s", logs)
		}
		for _, secret := range []string{secretToken, "912000001", "912000003", "912 000"} {
			if strings.Contains(logs, secret) {
				t.Errorf("log holds %q:\n%s", secret, logs)
			}
			if strings.Contains(allJobArgs(t, db), secret) {
				t.Errorf("River's job rows hold %q", secret)
			}
		}
	})
}

// gather flattens a registry into "name{label=value,…}" → value.
func gather(t testing.TB, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			key := "{" + strings.Join(labels, ",") + "}"
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				out[f.GetName()+key] = m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				out[f.GetName()+key] = m.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				out[f.GetName()+"_count"+key] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return out
}

// TestConsoleProviderDeliversThroughTheQueue wires the console provider the
// way the server does (SetProvider after New, the queue as its sink).
func TestConsoleProviderDeliversThroughTheQueue(t *testing.T) {
	e := newEnv(t, testenv.SQLite(t), options{cfg: func(c *Config) { c.Provider = nil }})
	console := sms.NewConsole(sms.ConsoleConfig{ReceiptDelay: time.Millisecond, Undeliverable: []string{"0987654321"}}, e.q, nil, time.Now)
	if err := e.q.SetProvider(console); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	console.Run(ctx)
	defer console.Close()
	e.start(t)
	if err := e.q.SetProvider(console); err == nil {
		t.Error("SetProvider after Start accepted")
	}
	ok := e.enqueue(t, e.otp(phone))
	bad := e.enqueue(t, e.otp("0987654321"))
	e.waitStatus(t, ok.ID, sms.Delivered)
	e.waitStatus(t, bad.ID, sms.Undelivered)
	inbox := console.Inbox(phone)
	if len(inbox) != 1 || !bytes.Contains([]byte(inbox[0].Body), []byte("482913")) {
		t.Errorf("console inbox %+v", inbox)
	}
}
