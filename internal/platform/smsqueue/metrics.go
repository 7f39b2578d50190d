package smsqueue

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/smsmessage"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/policy/viewer"
)

// metrics of the queue. Labels are kinds, providers, statuses and results:
// never an id or a number.
type metrics struct {
	messages *prometheus.CounterVec   // kind, provider, status
	delivery *prometheus.HistogramVec // kind, provider
	attempts *prometheus.CounterVec   // provider, result
	receipts *prometheus.CounterVec   // result
	rejected *prometheus.CounterVec   // provider, code
}

func newMetrics(reg prometheus.Registerer, db *store.DB) (*metrics, error) {
	m := &metrics{
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "motcua_sms_messages_total",
			Help: "SMS messages that reached a status (SENT, DELIVERED, UNDELIVERED, FAILED, EXPIRED, NO_REPORT), by kind and provider.",
		}, []string{"kind", "provider", "status"}),
		delivery: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "motcua_sms_delivery_seconds",
			Help:    "Time from queued to delivered, by kind and provider.",
			Buckets: []float64{1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800},
		}, []string{"kind", "provider"}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "motcua_sms_send_attempts_total",
			Help: "Calls to the provider by result: ok, temporary (retried), permanent (refused).",
		}, []string{"provider", "result"}),
		receipts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "motcua_sms_receipts_total",
			Help: "Delivery receipts handed to the queue: applied; late (after the receipt deadline, replacing NO_REPORT); or ignored (unknown message, out of order or duplicate).",
		}, []string{"result"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "motcua_sms_receipts_rejected_total",
			Help: "Receipt callbacks refused before reaching the queue (bad signature, replay, malformed), by HTTP status.",
		}, []string{"provider", "code"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.messages, m.delivery, m.attempts, m.receipts, m.rejected, depthCollector{db: db}} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("smsqueue: register metrics: %w", err)
		}
	}
	return m, nil
}

func providerLabel(p string) string {
	if p == "" {
		return "none"
	}
	return p
}

// statusChanged counts a committed status change of m at time at.
func (m *metrics) statusChanged(msg *ent.SMSMessage, at time.Time) {
	s := sms.Status(msg.Status)
	if s == sms.Queued || s == sms.Sending {
		return
	}
	provider := providerLabel(msg.Provider)
	m.messages.WithLabelValues(string(msg.Kind), provider, string(s)).Inc()
	if s == sms.Delivered {
		m.delivery.WithLabelValues(string(msg.Kind), provider).Observe(at.Sub(msg.CreatedAt).Seconds())
	}
}

func (m *metrics) attempt(provider, result string) {
	m.attempts.WithLabelValues(providerLabel(provider), result).Inc()
}

func (m *metrics) receipt(result string) { m.receipts.WithLabelValues(result).Inc() }

// CountRejectedReceipts wraps a provider's receipt handler (for example
// sms.HTTP.ReceiptHandler) and counts the callbacks it refuses with a 4xx
// answer in motcua_sms_receipts_rejected_total.
func (q *Queue) CountRejectedReceipts(provider string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(sw, r)
		if sw.code >= 400 && sw.code < 500 {
			q.metrics.rejected.WithLabelValues(providerLabel(provider), strconv.Itoa(sw.code)).Inc()
		}
	})
}

type statusWriter struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.code, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wroteHeader = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// depthCollector reports the messages not yet final, by status, read from
// the database at each scrape: the same number on every replica.
type depthCollector struct{ db *store.DB }

var depthDesc = prometheus.NewDesc("motcua_sms_queue_depth",
	"SMS messages not yet final: QUEUED and SENDING wait for the provider, SENT for its receipt.",
	[]string{"status"}, nil)

func (depthCollector) Describe(ch chan<- *prometheus.Desc) { ch <- depthDesc }

func (c depthCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var rows []struct {
		Status sms.Status `json:"status"`
		Count  int        `json:"count"`
	}
	err := c.db.Client.SMSMessage.Query().
		Where(smsmessage.StatusIn(sms.Queued, sms.Sending, sms.Sent)).
		GroupBy(smsmessage.FieldStatus).
		Aggregate(ent.Count()).
		Scan(viewer.System(ctx), &rows)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(depthDesc, errors.Join(errors.New("smsqueue: queue depth"), err))
		return
	}
	counts := map[sms.Status]int{sms.Queued: 0, sms.Sending: 0, sms.Sent: 0}
	for _, r := range rows {
		counts[r.Status] = r.Count
	}
	for s, n := range counts {
		ch <- prometheus.MustNewConstMetric(depthDesc, prometheus.GaugeValue, float64(n), string(s))
	}
}
