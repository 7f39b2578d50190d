package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// loadStats is the outcome of one load window.
type loadStats struct {
	Requests, OK, Failed int
	Workers, Rate        int           // closed loop of Workers, or open loop at Rate/s
	Duration             time.Duration // first request to last answer
	RPS                  float64       // successful requests per second
	P50, P95, P99, Max   time.Duration // of successful requests
	Errors               map[string]int
	CPU                  map[string]float64 // CPU share (1 = one core) per process
	lat                  []time.Duration    // of successful requests, for merging
}

// mergeStats sums windows of the same kind of request run one after the
// other (rounds): rates over their summed durations, percentiles over all.
func mergeStats(parts []loadStats) loadStats {
	out := loadStats{Errors: map[string]int{}}
	var lat []time.Duration
	for _, p := range parts {
		out.Requests += p.Requests
		out.OK += p.OK
		out.Failed += p.Failed
		out.Duration += p.Duration
		out.Workers = p.Workers
		for e, n := range p.Errors {
			out.Errors[e] += n
		}
		lat = append(lat, p.lat...)
	}
	if out.Duration > 0 {
		out.RPS = float64(out.OK) / out.Duration.Seconds()
	}
	out.P50, out.P95, out.P99, out.Max = percentiles(lat)
	out.lat = lat
	return out
}

// perCore is successful requests per CPU-second of the named processes
// (0 when they barely ran): a rate that other programs on the machine,
// which take CPU time from the server, do not lower.
func (s loadStats) perCore(names ...string) float64 {
	cpu := 0.0
	for _, n := range names {
		cpu += s.CPU[n]
	}
	if cpu < 0.02 {
		return 0
	}
	return s.RPS / cpu
}

// String is a one-line summary for the console.
func (s loadStats) String() string {
	mode := fmt.Sprintf("%d workers", s.Workers)
	if s.Rate > 0 {
		mode = fmt.Sprintf("%d/s", s.Rate)
	}
	out := fmt.Sprintf("%s: %d ok, %d failed in %s: %.1f/s, p50 %s p95 %s p99 %s", mode, s.OK, s.Failed,
		s.Duration.Round(10*time.Millisecond), s.RPS, ms(s.P50), ms(s.P95), ms(s.P99))
	if len(s.CPU) > 0 {
		var parts []string
		for _, k := range sortedKeys(s.CPU) {
			parts = append(parts, fmt.Sprintf("%s %.0f%%", k, 100*s.CPU[k]))
		}
		out += " [cpu " + strings.Join(parts, ", ") + "]"
	}
	for e, n := range s.Errors {
		out += fmt.Sprintf("\n    %d× %s", n, e)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "–"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	case d < 10*time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// attack is one load window driven by vegeta.
type attack struct {
	targeter vegeta.Targeter
	rate     int // arrivals per second (open loop); 0 = closed loop of workers
	workers  int
	duration time.Duration // 0 = until the targeter runs out
	// check says whether an answer is a success; nil: HTTP 200 and a
	// GraphQL answer without errors.
	check func(*vegeta.Result) error
	meter *cpuMeter
	// during runs while the load runs (a profiler); it gets the window length.
	during func(time.Duration)
}

// graphQLOK is the default check.
func graphQLOK(r *vegeta.Result) error {
	if r.Error != "" {
		return errors.New(r.Error)
	}
	if r.Code != http.StatusOK {
		return fmt.Errorf("HTTP %d: %s", r.Code, firstLine(string(r.Body)))
	}
	if bytes.Contains(r.Body, []byte(`"errors"`)) {
		return fmt.Errorf("GraphQL error: %s", errorCode(r.Body))
	}
	return nil
}

// errorCode picks the first error's code (or message) out of a body.
func errorCode(body []byte) string {
	for _, key := range []string{`"code":"`, `"message":"`} {
		if i := bytes.Index(body, []byte(key)); i >= 0 {
			rest := body[i+len(key):]
			if j := bytes.IndexByte(rest, '"'); j >= 0 {
				return string(rest[:min(j, 120)])
			}
		}
	}
	return firstLine(string(body))
}

// run runs the attack and summarises it.
func (a attack) run() loadStats {
	check := a.check
	workers := max(a.workers, 1)
	opts := []func(*vegeta.Attacker){
		vegeta.KeepAlive(true), vegeta.Timeout(2 * time.Minute), vegeta.HTTP2(false),
		vegeta.Connections(max(workers, 64)), vegeta.Workers(uint64(workers)),
	}
	pacer := vegeta.Rate{Freq: a.rate, Per: time.Second}
	if a.rate <= 0 {
		opts = append(opts, vegeta.MaxWorkers(uint64(workers)))
		pacer = vegeta.Rate{Freq: 0}
	}
	atk := vegeta.NewAttacker(opts...)
	if a.meter != nil {
		a.meter.begin()
	}
	if a.during != nil {
		a.during(a.duration) // starts its work in the background
	}
	t := newTally(check)
	for r := range atk.Attack(a.targeter, pacer, a.duration, "") {
		if r.Error == vegeta.ErrNoTargets.Error() {
			continue
		}
		_ = t.add(r)
	}
	st := t.stats()
	st.Workers, st.Rate = workers, max(a.rate, 0)
	if a.meter != nil {
		st.CPU = a.meter.end()
	}
	return st
}

// tally sums up answers as they come (from any goroutine).
type tally struct {
	check       func(*vegeta.Result) error
	mu          sync.Mutex
	st          loadStats
	lat         []time.Duration
	first, last time.Time
}

func newTally(check func(*vegeta.Result) error) *tally {
	if check == nil {
		check = graphQLOK
	}
	return &tally{check: check, st: loadStats{Errors: map[string]int{}}}
}

// add counts one answer and returns its check's verdict.
func (t *tally) add(r *vegeta.Result) error {
	err := t.check(r)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.st.Requests++
	if t.first.IsZero() || r.Timestamp.Before(t.first) {
		t.first = r.Timestamp
	}
	if end := r.End(); end.After(t.last) {
		t.last = end
	}
	if err != nil {
		t.st.Failed++
		msg := err.Error()
		if len(msg) > 160 {
			msg = msg[:160]
		}
		t.st.Errors[msg]++
		return err
	}
	t.st.OK++
	t.lat = append(t.lat, r.Latency)
	return nil
}

// stats summarises what was added: rate over the first request to the last
// answer, percentiles of the successful ones.
func (t *tally) stats() loadStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.st
	st.Duration = t.last.Sub(t.first)
	if st.Duration > 0 {
		st.RPS = float64(st.OK) / st.Duration.Seconds()
	}
	st.P50, st.P95, st.P99, st.Max = percentiles(t.lat)
	st.lat = slices.Clone(t.lat)
	return st
}

// send sends one target outside any attack (a scenario's own flow) and
// returns the answer in vegeta's shape.
func send(ctx context.Context, t vegeta.Target) *vegeta.Result {
	r := &vegeta.Result{Timestamp: time.Now()}
	req, err := t.Request()
	if err == nil {
		var resp *http.Response
		if resp, err = httpClient.Do(req.WithContext(ctx)); err == nil {
			r.Code = uint16(resp.StatusCode)
			r.Body, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
	}
	r.Latency = time.Since(r.Timestamp)
	if err != nil {
		r.Error = err.Error()
	}
	return r
}

// percentiles are exact (nearest rank) percentiles of ds.
func percentiles(ds []time.Duration) (p50, p95, p99, maxd time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	at := func(q float64) time.Duration {
		i := int(q*float64(len(ds))+0.5) - 1
		return ds[min(max(i, 0), len(ds)-1)]
	}
	return at(0.50), at(0.95), at(0.99), ds[len(ds)-1]
}

// graphQLTarget is a POST /graphql with a JSON body.
func graphQLTarget(url, token string, body []byte, extra http.Header) vegeta.Target {
	h := http.Header{"Content-Type": []string{"application/json"}}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	for k, v := range extra {
		h[k] = v
	}
	return vegeta.Target{Method: http.MethodPost, URL: url, Body: body, Header: h}
}

// cycle is a targeter over targets, round robin, forever.
func cycle(targets []vegeta.Target) vegeta.Targeter {
	var i atomic.Uint64
	return func(t *vegeta.Target) error {
		if len(targets) == 0 {
			return vegeta.ErrNoTargets
		}
		*t = targets[(i.Add(1)-1)%uint64(len(targets))]
		return nil
	}
}

// once is a targeter over targets, each once, then done.
func once(targets []vegeta.Target) vegeta.Targeter {
	var i atomic.Uint64
	return func(t *vegeta.Target) error {
		n := i.Add(1) - 1
		if n >= uint64(len(targets)) {
			return vegeta.ErrNoTargets
		}
		*t = targets[n]
		return nil
	}
}

// limited repeats targets round robin, n requests in all.
func limited(targets []vegeta.Target, n int) vegeta.Targeter {
	var i atomic.Uint64
	return func(t *vegeta.Target) error {
		k := i.Add(1) - 1
		if k >= uint64(n) || len(targets) == 0 {
			return vegeta.ErrNoTargets
		}
		*t = targets[k%uint64(len(targets))]
		return nil
	}
}

// clientIP is a distinct private address for simulated client i (sent as
// X-Forwarded-For; the servers run with --trust-proxy-headers).
func clientIP(i int) http.Header {
	return http.Header{"X-Forwarded-For": []string{fmt.Sprintf("10.%d.%d.%d", (i>>16)&255, (i>>8)&255, i&255)}}
}
