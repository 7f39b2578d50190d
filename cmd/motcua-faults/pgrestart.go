package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/internal/testkit/proctest"
)

// postgresRestart restarts PostgreSQL (pg_ctl restart -m fast) while
// desks start registrations and send OTPs, with a registration watched
// live. The server must recover without a restart of its own: readiness,
// requests and SMS sending come back, and the subscription resyncs (a new
// SNAPSHOT) and carries the changes made afterwards.
// Long because a fault scenario reads as its steps: load, fault, recovery,
// checks, in the order they happen.
func postgresRestart(ctx context.Context, e *env) (*proctest.Report, error) {
	rep := &proctest.Report{Name: "PostgreSQL restarted under load"}
	dbURL, err := e.postgres(ctx)
	if err != nil {
		return nil, err
	}
	dir, err := e.dir()
	if err != nil {
		return nil, err
	}
	var target atomic.Pointer[string]
	gw := proctest.NewGateway(proctest.GatewayConfig{
		ReceiptSecret: []byte(proctest.ReceiptSecret), Delay: 20 * time.Millisecond, ReceiptDelay: 100 * time.Millisecond,
		ReceiptTo: func() string { return *target.Load() },
	})
	defer gw.Close()
	srv, err := proctest.StartServer(ctx, proctest.ServerConfig{
		Bin: e.bin, Dir: dir, Database: dbURL, Dev: true, SecretKey: e.secretKey, Workers: 4, Log: e.log("pg-restart"),
		Gateway: &proctest.GatewayRef{URL: gw.URL, ReceiptSecret: proctest.ReceiptSecret},
	})
	if err != nil {
		return nil, err
	}
	defer srv.Kill() //nolint:errcheck
	target.Store(&srv.URL)
	pid := srv.Pid()
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	off, unitID, err := proctest.SignInRegistrar(ctx, srv.URL)
	if err != nil {
		return nil, err
	}

	// The watched registration.
	c0 := proctest.NewCitizen(e.series, 0)
	reg0, err := proctest.StartRegistration(ctx, off, c0, unitID, "cccd.docx", e.scan)
	if err != nil {
		return nil, err
	}
	sub, err := proctest.Subscribe(ctx, off, reg0)
	if err != nil {
		return nil, err
	}
	defer sub.Close()
	if _, err := proctest.NextEvent(sub, 10*time.Second); err != nil {
		return nil, err
	}
	if err := proctest.SendOTP(ctx, off, reg0); err != nil {
		return nil, err
	}
	waitCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	st, err := gw.Wait(waitCtx, func(s proctest.GatewayState) bool { _, ok := s.LatestTo(c0.Phone); return ok })
	cancel()
	if err != nil {
		return nil, err
	}
	m0, _ := st.LatestTo(c0.Phone)
	code0, _ := proctest.OTPIn(m0.Text)
	events := make(chan proctest.RegEvent, 1024)
	var subErr atomic.Value
	go func() {
		defer close(events)
		for {
			ev, err := proctest.NextEvent(sub, 10*time.Minute)
			if err != nil {
				subErr.Store(err.Error())
				return
			}
			events <- ev
		}
	}()

	// The load: four desks, registrations with OTPs, back to back.
	type outcome struct {
		began, at time.Time
		err       string
	}
	var mu sync.Mutex
	var outcomes []outcome
	okCount := make(chan struct{}, 10000)
	var next atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				c := proctest.NewCitizen(e.series, int(next.Add(1)))
				began := time.Now()
				rctx, cancel := context.WithTimeout(ctx, 15*time.Second)
				id, err := proctest.StartRegistration(rctx, off, c, unitID, "cccd.docx", e.scan)
				if err == nil {
					err = proctest.SendOTP(rctx, off, id)
				}
				cancel()
				o := outcome{began: began, at: time.Now()}
				if err != nil {
					o.err = errClass(err)
				}
				mu.Lock()
				outcomes = append(outcomes, o)
				mu.Unlock()
				if err == nil {
					okCount <- struct{}{}
				} else {
					select { // do not spin while the database is away
					case <-time.After(50 * time.Millisecond):
					case <-stop:
						return
					}
				}
			}
		}()
	}
	waitOK := func(n int, within time.Duration) bool {
		deadline := time.After(within)
		for range n {
			select {
			case <-okCount:
			case <-deadline:
				return false
			case <-ctx.Done():
				return false
			}
		}
		return true
	}
	if !waitOK(20, 30*time.Second) {
		close(stop)
		wg.Wait()
		return nil, fmt.Errorf("the load never got going")
	}
	restartAt := time.Now()
	if err := e.cluster.Restart(); err != nil {
		close(stop)
		wg.Wait()
		return nil, err
	}
	restartedAt := time.Now()
	for len(okCount) > 0 { // successes before the restart
		<-okCount
	}
	recovered := waitOK(20, 60*time.Second)
	close(stop)
	wg.Wait()

	var before, during, after int
	var errsDuring, errsAfterRecovery []string
	var firstOK time.Time
	mu.Lock()
	sort.Slice(outcomes, func(i, j int) bool { return outcomes[i].at.Before(outcomes[j].at) })
	for _, o := range outcomes {
		switch {
		case o.at.Before(restartAt):
			before++
		case o.err != "" && (firstOK.IsZero() || o.began.Before(firstOK)):
			during++
			errsDuring = append(errsDuring, o.err)
		case o.err != "":
			errsAfterRecovery = append(errsAfterRecovery, o.err)
		case o.at.After(restartedAt):
			if firstOK.IsZero() {
				firstOK = o.at
			}
			after++
		}
	}
	mu.Unlock()
	rep.Triedf("4 desks starting registrations and sending OTPs back to back (%d done before the restart)", before)
	rep.Triedf("pg_ctl restart -m fast took %v; %d desk requests failed until the first success %v after it (%s)",
		restartedAt.Sub(restartAt).Round(time.Millisecond), during, firstOK.Sub(restartedAt).Round(time.Millisecond), summarize(errsDuring))
	rep.Expect(srv.Running() && srv.Pid() == pid, "the server recovered without being restarted", "same process %d", pid)
	rep.Expect(recovered, "desk requests succeed again", "%d requests after recovery", after)
	rep.Expect(len(errsAfterRecovery) == 0, "no request failed once the server had recovered", "%d failed (%s)",
		len(errsAfterRecovery), summarize(errsAfterRecovery))
	ready := readyWithin(ctx, srv.URL, 30*time.Second)
	rep.Expect(ready, "/readyz answers 200", "")

	// The subscription: a resync SNAPSHOT after the restart, then live changes.
	snap := waitEvent(events, 30*time.Second, func(ev proctest.RegEvent) bool {
		return ev.Kind == "SNAPSHOT" && ev.At.After(restartAt)
	})
	detail := "no SNAPSHOT after the restart"
	if snap != nil {
		detail = fmt.Sprintf("SNAPSHOT %v after the restart ended", snap.At.Sub(restartedAt).Round(time.Millisecond))
	}
	if s, ok := subErr.Load().(string); ok {
		detail += "; the subscription ended: " + s
	}
	rep.Expect(snap != nil, "the subscription resynced", "%s", detail)
	_, cerr := proctest.Complete(ctx, off, reg0, code0)
	created := waitEvent(events, 20*time.Second, func(ev proctest.RegEvent) bool {
		return ev.State == "CREATED" && ev.SMS != nil && ev.SMS.Kind == "INITIAL_PASSWORD" && ev.SMS.Status == "DELIVERED"
	})
	detail = "completed; CREATED and the password SMS DELIVERED seen live"
	if cerr != nil {
		detail = "completion failed: " + cerr.Error()
	} else if created == nil {
		detail = "completed, but the subscription did not show it"
	}
	rep.Expect(cerr == nil && created != nil, "the same subscription carries changes made after the restart", "%s", detail)

	msgs, err := proctest.WaitMessages(ctx, db, time.Now().Add(3*time.Minute), proctest.AllFinal)
	if err == nil {
		rep.Triedf("every SMS final %v after the restart", time.Since(restartedAt).Round(time.Second))
	}
	rep.Add(proctest.SMSChecks(msgs, gw.State())...)
	return rep, nil
}

func waitEvent(events <-chan proctest.RegEvent, within time.Duration, match func(proctest.RegEvent) bool) *proctest.RegEvent {
	deadline := time.After(within)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return nil
			}
			if match(ev) {
				return &ev
			}
		case <-deadline:
			return nil
		}
	}
}

func readyWithin(ctx context.Context, baseURL string, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/readyz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

// errClass is an error without ids, to group errors.
func errClass(err error) string {
	if c := proctest.CodeOf(err); c != "" {
		return c
	}
	s := err.Error()
	if i := strings.Index(s, ": "); i > 0 {
		s = s[i+2:]
	}
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}

// summarize counts equal strings: "3× INTERNAL, 1× EOF".
func summarize(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	n := map[string]int{}
	for _, x := range xs {
		n[x]++
	}
	keys := make([]string, 0, len(n))
	for k := range n {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return n[keys[i]] > n[keys[j]] })
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d× %s", n[k], k))
	}
	return strings.Join(parts, ", ")
}
