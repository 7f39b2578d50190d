package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/internal/testkit/proctest"
)

// longDigits would be a phone number or a code in a text shown to officers.
var longDigits = regexp.MustCompile(`\d{6,}`)

// flakyGateway sends OTPs through a gateway that fails half its calls at
// random: half of the failures are 503 (motcua retries with backoff), half
// 400 (a refusal, FAILED at once). Every message must end DELIVERED or
// visibly FAILED: the officer sees the status and a last error without
// personal data, and a message the gateway took is never FAILED.
// Long because a fault scenario reads as its steps: load, fault, recovery,
// checks, in the order they happen.
func flakyGateway(ctx context.Context, e *env) (*proctest.Report, error) {
	rep := &proctest.Report{Name: "the SMS gateway fails half its calls"}
	dbURL, err := e.postgres(ctx)
	if err != nil {
		return nil, err
	}
	dir, err := e.dir()
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(uint64(e.seed), 7))
	var rngMu sync.Mutex
	var failures, temporary atomic.Int64
	var target atomic.Pointer[string]
	gw := proctest.NewGateway(proctest.GatewayConfig{
		ReceiptSecret: []byte(proctest.ReceiptSecret), Delay: 20 * time.Millisecond, ReceiptDelay: 100 * time.Millisecond,
		ReceiptTo: func() string { return *target.Load() },
		Decide: func(n int, id string) proctest.Answer {
			rngMu.Lock()
			defer rngMu.Unlock()
			if rng.IntN(2) == 0 {
				return proctest.Accept
			}
			failures.Add(1)
			if rng.IntN(2) == 0 {
				temporary.Add(1)
				return proctest.Temporary
			}
			return proctest.Permanent
		},
	})
	defer gw.Close()
	srv, err := proctest.StartServer(ctx, proctest.ServerConfig{
		Bin: e.bin, Dir: dir, Database: dbURL, Dev: true, SecretKey: e.secretKey, Workers: 4, Log: e.log("flaky-gateway"),
		Gateway: &proctest.GatewayRef{URL: gw.URL, ReceiptSecret: proctest.ReceiptSecret},
	})
	if err != nil {
		return nil, err
	}
	defer srv.Kill() //nolint:errcheck
	target.Store(&srv.URL)
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	off, unitID, err := proctest.SignInRegistrar(ctx, srv.URL)
	if err != nil {
		return nil, err
	}
	const n = 20
	regs := make([]string, n)
	for i := range regs {
		id, err := proctest.StartRegistration(ctx, off, proctest.NewCitizen(e.series, i), unitID, "cccd.docx", e.scan)
		if err != nil {
			return nil, err
		}
		if err := proctest.SendOTP(ctx, off, id); err != nil {
			return nil, err
		}
		regs[i] = id
	}
	started := time.Now()
	msgs, err := proctest.WaitMessages(ctx, db, started.Add(3*time.Minute), proctest.AllFinal)
	gws := gw.State()
	rep.Triedf("%d OTPs; the gateway (seed %d) failed %d of its %d calls: %d with 503, %d with 400",
		n, e.seed, failures.Load(), gws.Calls, temporary.Load(), failures.Load()-temporary.Load())
	if err == nil {
		rep.Triedf("every message final %v after the last send", time.Since(started).Round(100*time.Millisecond))
	}
	rep.Add(proctest.SMSChecks(msgs, gws)...)

	// Final means DELIVERED or FAILED, and FAILED only for what the gateway never took.
	var wrong []string
	retried := 0
	for _, m := range msgs {
		g, _ := gws.Message(m.ID)
		if m.Attempts > 1 {
			retried++
		}
		switch {
		case m.Status == "DELIVERED" && !g.Accepted:
			wrong = append(wrong, m.ID+" DELIVERED but never taken")
		case m.Status == "FAILED" && g.Accepted:
			wrong = append(wrong, m.ID+" FAILED although the gateway took it")
		case m.Status != "DELIVERED" && m.Status != "FAILED":
			wrong = append(wrong, m.ID+" "+m.Status)
		}
	}
	rep.Expect(len(wrong) == 0, "each message ended DELIVERED (the gateway took it) or FAILED (it never did)",
		"%s; %d needed more than one attempt%s", proctest.CountStatuses(msgs), retried, list(wrong))

	// What the officer sees.
	var hidden []string
	for _, id := range regs {
		r, err := proctest.GetRegistration(ctx, off, id)
		if err != nil {
			return nil, err
		}
		for _, s := range r.SMS {
			switch {
			case s.Status == "FAILED" && (s.LastError == nil || *s.LastError == ""):
				hidden = append(hidden, s.ID+" FAILED without a reason")
			case s.LastError != nil && longDigits.MatchString(*s.LastError):
				hidden = append(hidden, s.ID+" last error shows a number")
			}
		}
	}
	rep.Expect(len(hidden) == 0, "the officer sees every failure with its reason (and no number in it)", "%d registrations read%s", n, list(hidden))
	return rep, nil
}

func list(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return fmt.Sprintf("; %v", xs)
}
