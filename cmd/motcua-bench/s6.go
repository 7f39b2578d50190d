package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/motcua/motcua/internal/testkit/gqlclient"
)

// s6Result: WebSocket subscribers of the SMS monitor.
type s6Result struct {
	Subscribers, Connected, ConnectFailed int
	ConnectTime                           time.Duration
	Idle, Subscribed, Disconnected        serverMetrics
	PerSubscriberRSS, PerSubscriberHeap   float64 // bytes
	PerSubscriberStack                    float64 // bytes of goroutine stacks
	Messages                              int     // SMS messages sent during the stream
	Rate                                  float64 // of SMS messages, per second
	Events                                int     // distinct (message, status) pairs seen
	Deliveries, Expected                  int
	P50, P95, P99, Max                    time.Duration
	Stream                                loadStats
	Drain                                 time.Duration // from the last SMS request until deliveries stopped
	FirstError                            string
}

const smsActivityQuery = `subscription { smsActivity { id status updatedAt } }`

// subscriber is one WebSocket subscription of the SMS monitor.
type subscriber struct {
	sub  *gqlclient.Subscription
	seen map[string]bool
	lat  []time.Duration
}

// s6 measures the SMS monitor: many WebSocket subscribers while SMS change
// status. Long because a scenario reads as its steps: prepare, load,
// measure, check, in the order they run.
func (b *bench) s6(ctx context.Context) error {
	r := &s6Result{Subscribers: b.cfg.subscribers}
	b.results.S6 = r
	srv, err := b.pgServer(ctx, "s6-motcua")
	if err != nil {
		return err
	}
	sa, err := srv.signIn(ctx, superAdminLogin, superAdminPass)
	if err != nil {
		return err
	}
	admin, err := b.pg.admin(b.pgData.db)
	if err != nil {
		return err
	}
	defer admin.Close()
	if err := waitQueueIdle(ctx, admin, 3*time.Minute); err != nil {
		return err
	}
	// The stream: password-reset codes to generated citizens (each SMS goes
	// QUEUED → SENT → DELIVERED with the console provider's 500 ms receipt
	// delay), requested at a fixed rate.
	// Ten SMS, one a second (about 30 status events).
	const streamFor = 10 * time.Second
	const perSecond = 1
	_, logins, _, err := activeCitizens(ctx, admin, int(streamFor.Seconds())*perSecond+5, b.cfg.verifications+1000)
	if err != nil {
		return err
	}
	var requests []vegeta.Target
	for i, login := range logins {
		body, _ := json.Marshal(map[string]any{"query": `mutation($l:String!){ requestPasswordReset(login:$l) }`,
			"variables": map[string]any{"l": login}})
		requests = append(requests, graphQLTarget(srv.url+"/graphql", "", body, clientIP(300_000+i)))
	}
	// Settle: one request of each kind, then the idle figures.
	_ = do(ctx, sa, `{ viewer { account { id } } }`, nil, nil)
	time.Sleep(3 * time.Second)
	if r.Idle, err = srv.metrics(ctx); err != nil {
		return err
	}
	r.Idle.RSS = float64(rssBytes(srv.pid()))

	subs := make([]*subscriber, b.cfg.subscribers)
	var failed atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(subs) || ctx.Err() != nil {
					return
				}
				c := &gqlclient.Client{BaseURL: srv.url, Token: sa.Token}
				s, err := c.Subscribe(ctx, smsActivityQuery, nil)
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				subs[i] = &subscriber{sub: s, seen: map[string]bool{}}
			}
		}()
	}
	wg.Wait()
	r.ConnectTime = time.Since(start)
	r.ConnectFailed = int(failed.Load())
	if e, ok := firstErr.Load().(string); ok {
		r.FirstError = e
	}
	var live []*subscriber
	for _, s := range subs {
		if s != nil {
			live = append(live, s)
		}
	}
	r.Connected = len(live)
	logf("S6: %d subscribers connected in %s (%d failed)", r.Connected, r.ConnectTime.Round(time.Millisecond), r.ConnectFailed)
	time.Sleep(3 * time.Second)
	if r.Subscribed, err = srv.metrics(ctx); err != nil {
		return err
	}
	r.Subscribed.RSS = float64(rssBytes(srv.pid()))
	if r.Connected > 0 {
		r.PerSubscriberRSS = (r.Subscribed.RSS - r.Idle.RSS) / float64(r.Connected)
		r.PerSubscriberHeap = (r.Subscribed.HeapInuse - r.Idle.HeapInuse) / float64(r.Connected)
		r.PerSubscriberStack = (r.Subscribed.StackInuse - r.Idle.StackInuse) / float64(r.Connected)
	}
	logf("S6: %.1f KB RSS, %.1f KB heap, %.1f KB stacks per subscriber; goroutines %v → %v",
		r.PerSubscriberRSS/1024, r.PerSubscriberHeap/1024, r.PerSubscriberStack/1024, r.Idle.Goroutines, r.Subscribed.Goroutines)

	var delivered atomic.Int64
	var readers sync.WaitGroup
	for _, s := range live {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				typ, resp, err := s.sub.Next(30 * time.Minute)
				if err != nil || typ != "next" {
					return
				}
				at := time.Now()
				var out struct {
					SmsActivity struct {
						ID, Status string
						UpdatedAt  time.Time
					}
				}
				if resp.Decode(&out) != nil {
					continue
				}
				key := out.SmsActivity.ID + " " + out.SmsActivity.Status
				if s.seen[key] {
					continue // the same status again (a re-read after a later event)
				}
				s.seen[key] = true
				s.lat = append(s.lat, at.Sub(out.SmsActivity.UpdatedAt))
				delivered.Add(1)
			}
		}()
	}
	p := b.startProfile("S6", srv.pid(), fmt.Sprintf("the server (S6, %d subscribers, SMS stream)", r.Connected), streamFor)
	r.Stream = attack{targeter: once(requests[:int(streamFor.Seconds())*perSecond]), rate: perSecond, workers: 4,
		duration: streamFor, meter: b.meter(srv)}.run()
	r.Messages = r.Stream.OK
	r.Rate = r.Stream.RPS
	logf("S6 stream %s", r.Stream)
	streamEnd := time.Now()
	// Wait until deliveries stop for 5 s (or 3 min).
	last, lastChange := delivered.Load(), time.Now()
	for time.Since(lastChange) < 5*time.Second && time.Since(streamEnd) < 3*time.Minute {
		time.Sleep(500 * time.Millisecond)
		if n := delivered.Load(); n != last {
			last, lastChange = n, time.Now()
		}
	}
	r.Drain = lastChange.Sub(streamEnd)
	p.wait()
	for _, s := range live {
		s.sub.Close()
	}
	readers.Wait()
	keys := map[string]bool{}
	var lat []time.Duration
	for _, s := range live {
		for k := range s.seen {
			keys[k] = true
		}
		lat = append(lat, s.lat...)
		r.Deliveries += len(s.seen)
	}
	r.Events = len(keys)
	r.Expected = r.Events * len(live)
	r.P50, r.P95, r.P99, r.Max = percentiles(lat)
	logf("S6: %d events, %d of %d deliveries, p50 %s p95 %s p99 %s max %s (drained %s after the stream)",
		r.Events, r.Deliveries, r.Expected, ms(r.P50), ms(r.P95), ms(r.P99), ms(r.Max), r.Drain.Round(time.Millisecond))
	// Goroutines after every client went away.
	deadline := time.Now().Add(60 * time.Second)
	for {
		time.Sleep(2 * time.Second)
		m, err := srv.metrics(ctx)
		if err == nil {
			r.Disconnected = m
			r.Disconnected.RSS = float64(rssBytes(srv.pid()))
		}
		if err == nil && (m.Goroutines <= r.Idle.Goroutines+20 || time.Now().After(deadline)) {
			break
		}
		if time.Now().After(deadline) {
			break
		}
	}
	logf("S6: goroutines idle %v, subscribed %v, after disconnect %v", r.Idle.Goroutines, r.Subscribed.Goroutines, r.Disconnected.Goroutines)
	return nil
}
