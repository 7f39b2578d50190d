package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/motcua/motcua/internal/testkit/gqlclient"
)

// s7Result: two replicas on one PostgreSQL.
type s7Result struct {
	Watched, Received            int
	P50, P95, P99, Max           time.Duration
	Cancels                      loadStats
	With, Without                []loadStats // runs in the order with, without, without, with
	WithRPS, WithoutRPS          float64     // means
	Ratio                        float64     // throughput with publishing / without
	CoreRatio                    float64     // the same per CPU-second of both replicas and PostgreSQL
	CancelRate                   int
	LatencyError, ThroughputNote string
	Waits                        []waitShare // PostgreSQL during the first run with publishing
}

// notifyShadow replaces pg_notify for the motcua role (search_path puts
// public before pg_catalog): it forwards every notification except, when
// suppress is true, those of motcua's event channel. Both variants go
// through the same PL/pgSQL function, so the only difference between the
// two write runs is whether the events are published.
func notifyShadow(suppress bool) []string {
	cond := "true"
	if suppress {
		cond = "channel <> 'motcua_events'"
	}
	return []string{
		`CREATE OR REPLACE FUNCTION public.pg_notify(channel text, payload text) RETURNS void
		 LANGUAGE plpgsql AS $$ BEGIN IF ` + cond + ` THEN PERFORM pg_catalog.pg_notify(channel, payload); END IF; END $$`,
		`ALTER ROLE motcua SET search_path = public, pg_catalog`,
	}
}

var notifyRestore = []string{
	`ALTER ROLE motcua RESET search_path`,
	`DROP FUNCTION IF EXISTS public.pg_notify(text, text)`,
}

// replicas starts two servers on the PostgreSQL database, one after the
// other (the first seeds the demo data).
func (b *bench) replicas(ctx context.Context, tag string) (*server, *server, error) {
	a, err := b.pgServer(ctx, "s7-replica-a"+tag)
	if err != nil {
		return nil, nil, err
	}
	c, err := b.pgServer(ctx, "s7-replica-b"+tag)
	if err != nil {
		return nil, nil, err
	}
	return a, c, nil
}

// s7 runs two replicas on one PostgreSQL database and measures the events
// between them: their latency (s7Latency), and the throughput of writes
// with and without publishing. Long because a scenario reads as its steps: prepare,
// load, measure, check, in the order they run.
func (b *bench) s7(ctx context.Context) error {
	r := &s7Result{CancelRate: 20}
	b.results.S7 = r
	a, c, err := b.replicas(ctx, "")
	if err != nil {
		return err
	}
	admin, err := b.pg.admin(b.pgData.db)
	if err != nil {
		return err
	}
	defer admin.Close()
	offs, err := b.deskOfficers(ctx, a, admin, 8)
	if err != nil {
		return err
	}
	scan, err := b.scanFile()
	if err != nil {
		return err
	}
	if err := b.s7Latency(ctx, r, a, c, offs, scan); err != nil {
		r.LatencyError = err.Error()
		logf("S7 latency: %v", err)
	}
	b.stopServers()

	// Write throughput: startRegistration (one event per write) on both
	// replicas, with and without publishing.
	// With, without, without, with: drift over the runs (other programs, the
	// database growing) falls evenly on both.
	for _, suppress := range []bool{false, true, true, false} {
		if err := b.pg.exec(ctx, b.pgData.db, notifyShadow(suppress)...); err != nil {
			return err
		}
		tag := "-publish"
		if suppress {
			tag = "-nopublish"
		}
		a, c, err := b.replicas(ctx, tag)
		if err != nil {
			return err
		}
		// Each write is a new registration; the bodies are built as the load asks.
		var mu sync.Mutex
		seq := 0
		writes := func(t *vegeta.Target) error {
			mu.Lock()
			i := seq
			seq++
			p := b.nextCitizen()
			mu.Unlock()
			o := offs[i%len(offs)]
			srv := a
			if i%2 == 1 {
				srv = c
			}
			*t = startTarget(srv.url, o.token, o.unitID, p, scan)
			return nil
		}
		warm(writes, 2*time.Second)
		m := b.meter(a).add("replica-b", c.pid(), false)
		at := attack{targeter: writes, workers: deskWorkers, duration: b.cfg.duration, meter: m}
		if !suppress && len(r.With) == 0 {
			at.during = func(d time.Duration) {
				b.startProfile("S7", a.pid(), "replica A (S7 writes with publishing)", d-time.Second)
			}
		}
		var ws *waitSampler
		if !suppress && len(r.With) == 0 {
			ws = sampleWaits(ctx, admin)
		}
		st := at.run()
		if ws != nil {
			r.Waits = ws.end()
		}
		if suppress {
			r.Without = append(r.Without, st)
			logf("S7 writes without publishing %s", st)
		} else {
			r.With = append(r.With, st)
			logf("S7 writes with publishing    %s", st)
		}
		b.stopServers()
	}
	if err := b.pg.exec(ctx, b.pgData.db, notifyRestore...); err != nil {
		return err
	}
	mean := func(xs []loadStats, f func(loadStats) float64) float64 {
		t := 0.0
		for _, x := range xs {
			t += f(x)
		}
		return t / float64(max(len(xs), 1))
	}
	rps := func(x loadStats) float64 { return x.RPS }
	perCore := func(x loadStats) float64 { return x.perCore("server", "replica-b", "postgres") }
	r.WithRPS, r.WithoutRPS = mean(r.With, rps), mean(r.Without, rps)
	if r.WithoutRPS > 0 {
		r.Ratio = r.WithRPS / r.WithoutRPS
	}
	if w := mean(r.Without, perCore); w > 0 {
		r.CoreRatio = mean(r.With, perCore) / w
	}
	return nil
}

// s7Latency: registrations started on replica A are watched on replica B
// (registrationEvents); A cancels them at a fixed rate; the latency of each
// event is its arrival at the client of B less its commit time on A (the
// event's `at`, same machine clock).
// Long because a scenario reads as its steps: watch, cancel, collect, in the
// order they run.
func (b *bench) s7Latency(ctx context.Context, r *s7Result, a, c *server, offs []officer, scan []byte) error {
	n := 200
	if b.cfg.quick {
		n = 100
	}
	people := make([]citizen, n)
	byEmail := map[string]int{}
	var starts []vegeta.Target
	for i := range n {
		people[i] = b.nextCitizen()
		byEmail[people[i].Email] = i
		o := offs[i%len(offs)]
		starts = append(starts, startTarget(a.url, o.token, o.unitID, people[i], scan))
	}
	regID := make([]string, n)
	st := attack{targeter: once(starts), workers: deskWorkers, check: func(res *vegeta.Result) error {
		if err := graphQLOK(res); err != nil {
			return err
		}
		var out struct {
			Data struct{ StartRegistration struct{ ID, Email string } }
		}
		if err := json.Unmarshal(res.Body, &out); err != nil {
			return err
		}
		if i, ok := byEmail[out.Data.StartRegistration.Email]; ok {
			regID[i] = out.Data.StartRegistration.ID
		}
		return nil
	}}.run()
	if st.OK == 0 {
		return fmt.Errorf("no registration started: %v", st.Errors)
	}
	type watch struct {
		sub *gqlclient.Subscription
		lat time.Duration
		ok  bool
	}
	watches := make([]*watch, n)
	var cancels []vegeta.Target
	for i := range n {
		if regID[i] == "" {
			continue
		}
		o := offs[i%len(offs)]
		cl := &gqlclient.Client{BaseURL: c.url, Token: o.token}
		sub, err := cl.Subscribe(ctx, `subscription($id: ID!){ registrationEvents(registrationID: $id){ kind at registration { state } } }`,
			map[string]any{"id": regID[i]})
		if err != nil {
			return err
		}
		if typ, _, err := sub.Next(10 * time.Second); err != nil || typ != "next" {
			sub.Close()
			return fmt.Errorf("no SNAPSHOT on replica B: %s %v", typ, err)
		}
		watches[i] = &watch{sub: sub}
		body, _ := json.Marshal(map[string]any{"query": `mutation($id:ID!){ cancelRegistration(registrationID:$id){ state } }`,
			"variables": map[string]any{"id": regID[i]}})
		cancels = append(cancels, graphQLTarget(a.url+"/graphql", o.token, body, nil))
	}
	r.Watched = len(cancels)
	var wg sync.WaitGroup
	for _, w := range watches {
		if w == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer w.sub.Close()
			for {
				typ, resp, err := w.sub.Next(60 * time.Second)
				if err != nil || typ != "next" {
					return
				}
				got := time.Now()
				var out struct {
					RegistrationEvents struct {
						Kind         string
						At           time.Time
						Registration struct{ State string }
					}
				}
				if resp.Decode(&out) != nil {
					continue
				}
				e := out.RegistrationEvents
				if e.Kind == "STATE_CHANGED" && e.Registration.State == "CANCELLED" {
					w.lat, w.ok = got.Sub(e.At), true
					return
				}
			}
		}()
	}
	r.Cancels = attack{targeter: once(cancels), rate: r.CancelRate, workers: 8, meter: b.meter(a).add("replica-b", c.pid(), false),
		during: func(time.Duration) {
			window := time.Duration(len(cancels)/r.CancelRate) * time.Second
			b.startProfile("S7-b", c.pid(), "replica B (S7 receiving cross-replica events)", max(window-time.Second, 2*time.Second))
		}}.run()
	logf("S7 cancels on A %s", r.Cancels)
	wg.Wait()
	var lat []time.Duration
	for _, w := range watches {
		if w != nil && w.ok {
			lat = append(lat, w.lat)
		}
	}
	r.Received = len(lat)
	r.P50, r.P95, r.P99, r.Max = percentiles(lat)
	logf("S7 cross-replica: %d of %d events, p50 %s p95 %s p99 %s max %s", r.Received, r.Watched, ms(r.P50), ms(r.P95), ms(r.P99), ms(r.Max))
	return nil
}
