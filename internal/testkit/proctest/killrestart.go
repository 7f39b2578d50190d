package proctest

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"

	"github.com/motcua/motcua/internal/testkit/gqlclient"
)

// ReceiptSecret is the receipt secret the runs give servers and gateways.
const ReceiptSecret = "proctest-receipt-secret"

// KillRestartConfig configures RunKillRestart.
type KillRestartConfig struct {
	Bin, Dir  string
	Database  string // postgres://…, an empty database
	SecretKey string
	Scan      []byte // the ID scan uploaded with each registration (.docx)
	// Citizens are taken to OTP_SENT first, then completed in a stream
	// during which the server is killed.
	Citizens int
	// Newcomers are started and sent their OTP during that stream.
	Newcomers int
	Desks     int // officer requests at once
	// Workers is --sms-workers. The gateway holds its answers during the
	// stream, and the kill waits until it holds one send per worker: then
	// no worker is between taking a job and calling the gateway, where a
	// kill would leave a job that only River's rescuer (minutes later)
	// retries.
	Workers int
	// KillAfter is how many completions succeed before the kill.
	KillAfter int
	// Anytime kills right after KillAfter completions, with the gateway
	// answering normally (after Delay), instead of holding its answers
	// and waiting for one held send per worker: the kill may then land
	// between a worker taking a job and calling the gateway, and that
	// message waits for River's rescuer (JobTimeout + 1 min, 2 min by
	// default) — FinalWithin must allow for it.
	Anytime bool
	// Delay is the gateway's delay before each answer (default 50 ms).
	Delay time.Duration
	// FinalWithin is how long after the restart every SMS has to be final.
	FinalWithin time.Duration
	Series      int // keeps the citizens of runs on one database apart
	Log         io.Writer
}

type deskCase struct {
	Citizen
	regID, code string
	created     bool
	newcomer    bool
	interrupted string // the operation the kill cut off
	refused     string // an error that was not the kill's
	notTried    bool
}

// RunKillRestart is "nothing is lost": one server on PostgreSQL with the
// http provider and a gateway that answers a little late and sends
// receipts later (retrying each until it is taken). A stream of
// completions and new registrations runs while SMS are in flight and
// queued; the server is killed with SIGKILL and restarted on the same
// database; the desk finishes the cut-off cases. Then every SMS must reach
// a final status, the gateway must have got each message id (repeats only
// under the same id), no account may exist without its CREATED
// registration, and every final body must be wiped.
// Long because the scenario reads as its steps: load, kill, restart, finish,
// checks, in the order they happen.
func RunKillRestart(ctx context.Context, cfg KillRestartConfig) (*Report, error) {
	rep := &Report{Name: "kill -9 of the server during a stream of completions"}
	if cfg.Anytime {
		rep.Name += ", at any moment"
	}
	if cfg.Delay <= 0 {
		cfg.Delay = 50 * time.Millisecond
	}
	var target atomic.Pointer[string]
	gw := NewGateway(GatewayConfig{
		ReceiptSecret: []byte(ReceiptSecret), Delay: cfg.Delay, ReceiptDelay: 200 * time.Millisecond,
		ReceiptTo: func() string { return *target.Load() },
	})
	defer gw.Close()
	srv, err := StartServer(ctx, ServerConfig{
		Bin: cfg.Bin, Dir: cfg.Dir, Database: cfg.Database, Dev: true, SecretKey: cfg.SecretKey, Workers: cfg.Workers,
		Gateway: &GatewayRef{URL: gw.URL, ReceiptSecret: ReceiptSecret, Timeout: 30 * time.Second}, Log: cfg.Log,
	})
	if err != nil {
		return nil, err
	}
	defer srv.Kill() //nolint:errcheck
	target.Store(&srv.URL)
	db, err := sql.Open("postgres", cfg.Database)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	off, err := SignIn(ctx, srv.URL, Registrar, RegistrarPass)
	if err != nil {
		return nil, err
	}
	unitID, err := OfficerUnit(ctx, off)
	if err != nil {
		return nil, err
	}

	cases := make([]*deskCase, cfg.Citizens+cfg.Newcomers)
	for i := range cases {
		cases[i] = &deskCase{Citizen: NewCitizen(cfg.Series, i), newcomer: i >= cfg.Citizens}
	}
	ids := make([]string, len(cases))
	for i, c := range cases {
		ids[i] = c.IDNumber
	}

	// Phase 1: registrations to OTP_SENT, their codes read at the gateway.
	err = parallel(cfg.Desks, cases[:cfg.Citizens], func(c *deskCase) error {
		return startAndSend(ctx, off, c, unitID, cfg.Scan)
	})
	if err != nil {
		return nil, err
	}
	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	st, err := gw.Wait(waitCtx, func(s GatewayState) bool {
		for _, c := range cases[:cfg.Citizens] {
			if _, ok := s.LatestTo(c.Phone); !ok {
				return false
			}
		}
		return true
	})
	cancel()
	if err != nil {
		return nil, fmt.Errorf("OTPs at the gateway: %w", err)
	}
	for _, c := range cases[:cfg.Citizens] {
		m, _ := st.LatestTo(c.Phone)
		var ok bool
		if c.code, ok = OTPIn(m.Text); !ok {
			return nil, fmt.Errorf("no code in the OTP to citizen %s", c.IDNumber)
		}
	}
	rep.Triedf("%d registrations taken to OTP_SENT (scan upload, OTP by the http gateway)", cfg.Citizens)

	// Phase 2: the gateway holds its answers; completions and newcomers
	// stream in from the desks until the kill.
	gw.SetHold(!cfg.Anytime)
	var killed atomic.Bool
	var completed atomic.Int64
	progress := make(chan struct{}, 1)
	jobs := interleave(cases[:cfg.Citizens], cases[cfg.Citizens:])
	streamDone := make(chan struct{})
	go func() {
		defer close(streamDone)
		_ = parallel(cfg.Desks, jobs, func(c *deskCase) error {
			if killed.Load() {
				c.notTried = true
				return nil
			}
			var err error
			if c.newcomer {
				err = startAndSend(ctx, off, c, unitID, cfg.Scan)
			} else if _, err = Complete(ctx, off, c.regID, c.code); err == nil {
				c.created = true
				completed.Add(1)
				select {
				case progress <- struct{}{}:
				default:
				}
			}
			if err != nil && CodeOf(err) == "" && killed.Load() {
				c.interrupted = err.Error()
				return nil
			}
			if err != nil {
				c.refused = err.Error()
			}
			return nil
		})
	}()
	for completed.Load() < int64(cfg.KillAfter) {
		select {
		case <-progress:
		case <-streamDone:
			return nil, fmt.Errorf("the stream ended after %d completions, before the kill", completed.Load())
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	held := gw.State()
	if !cfg.Anytime {
		waitCtx, cancel = context.WithTimeout(ctx, 20*time.Second)
		held, err = gw.Wait(waitCtx, func(s GatewayState) bool { return s.InFlight >= cfg.Workers })
		cancel()
		if err != nil {
			return nil, fmt.Errorf("the gateway never held %d sends (held %d): %w", cfg.Workers, held.InFlight, err)
		}
	}
	killed.Store(true)
	if err := srv.Kill(); err != nil {
		return nil, err
	}
	killedAt := time.Now()
	<-streamDone
	gw.SetHold(false)
	atKill, err := Messages(ctx, db)
	if err != nil {
		return nil, err
	}
	cut, notTried, refused := 0, 0, 0
	for _, c := range jobs {
		if c.refused != "" {
			refused++
		}
		if c.interrupted != "" {
			cut++
		}
		if c.notTried {
			notTried++
		}
	}
	if cfg.Anytime {
		rep.Triedf("a stream of %d completions and %d new registrations from %d desks; the gateway answered after %v", cfg.Citizens, cfg.Newcomers, cfg.Desks, cfg.Delay)
		rep.Triedf("kill -9 right after %d completions, %d sends in progress at the gateway: %d requests cut off, %d not yet made, %d refused; SMS at the kill: %s",
			completed.Load(), held.InFlight, cut, notTried, refused, CountStatuses(atKill))
	} else {
		rep.Triedf("a stream of %d completions and %d new registrations from %d desks; the gateway held every answer", cfg.Citizens, cfg.Newcomers, cfg.Desks)
		rep.Triedf("kill -9 after %d completions with %d sends held at the gateway: %d requests cut off, %d not yet made, %d refused; SMS at the kill: %s",
			completed.Load(), held.InFlight, cut, notTried, refused, CountStatuses(atKill))
	}

	// Restart on the same database; the desk finishes what was cut off.
	if err := srv.Start(ctx); err != nil {
		return nil, fmt.Errorf("restart: %w", err)
	}
	restarted := time.Now()
	rep.Triedf("restarted on the same database: serving %v after the kill", restarted.Sub(killedAt).Round(time.Millisecond))
	finished, cutCommitted, cutLost := 0, 0, 0
	for _, c := range cases {
		switch {
		case !c.newcomer && !c.created:
			if c.interrupted != "" {
				if r, err := GetRegistration(ctx, off, c.regID); err == nil && r.State == "CREATED" {
					c.created = true // the cut-off completion had committed
					cutCommitted++
					continue
				}
				cutLost++
			}
			if _, err := Complete(ctx, off, c.regID, c.code); err == nil {
				c.created = true
				finished++
			}
		case c.newcomer && c.regID == "":
			if err := startAndSend(ctx, off, c, unitID, cfg.Scan); err == nil {
				finished++
			}
		case c.newcomer && c.interrupted != "":
			// Started, but the OTP was cut off: send it now if it never went.
			if r, err := GetRegistration(ctx, off, c.regID); err == nil && r.State == "DRAFT" && SendOTP(ctx, off, c.regID) == nil {
				finished++
			}
		}
	}
	rep.Triedf("of the cut-off completions %d had committed and %d had not (rolled back whole)", cutCommitted, cutLost)
	rep.Triedf("after the restart the desk finished %d cut-off or untried cases the same way", finished)

	msgs, err := WaitMessages(ctx, db, restarted.Add(cfg.FinalWithin), AllFinal)
	if err == nil {
		slow, latest := SlowerThan(msgs, restarted, 30*time.Second)
		line := fmt.Sprintf("every SMS was final %v after the restart; %d took longer than 30 s", latest.Sub(restarted).Round(time.Millisecond), slow)
		if slow > 0 {
			line += " (at the kill: " + slowAtKill(msgs, atKill, restarted) + ")"
		}
		rep.Triedf("%s", line)
	} else {
		rep.Triedf("not every SMS was final %v after the restart", cfg.FinalWithin)
	}
	gwState := gw.State()
	rep.Add(SMSChecks(msgs, gwState)...)
	half, err := HalfCreated(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	rep.Add(half)
	var openCases int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM registrations WHERE id_number = ANY($1) AND state <> 'CREATED'`,
		pq.Array(ids[:cfg.Citizens])).Scan(&openCases); err != nil {
		return nil, err
	}
	rep.Expect(openCases == 0, "every case taken to OTP_SENT before the kill could be completed after it", "%d left open", openCases)
	chain, err := AuditChainAfter(ctx, cfg.Bin, cfg.Database, db, time.Now().Add(30*time.Second))
	if err != nil {
		return nil, err
	}
	rep.Add(chain)
	return rep, nil
}

// AuditChainAfter waits (until deadline) for the running server to seal
// every audit event, then runs `motcua audit verify`: the chain must hold
// across the kill (a sealer killed mid-pass leaves nothing half-sealed,
// and events appended but not sealed at the kill are sealed after it).
func AuditChainAfter(ctx context.Context, bin, database string, db *sql.DB, deadline time.Time) (Check, error) {
	what := "the audit chain holds across the kill and every event is sealed"
	var unsealed, total int
	for {
		if err := db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE seq IS NULL), count(*) FROM audit_events`).Scan(&unsealed, &total); err != nil {
			return Check{}, fmt.Errorf("proctest: audit events: %w", err)
		}
		if unsealed == 0 || time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return Check{}, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	out, err := exec.CommandContext(ctx, bin, "audit", "verify", "--database", database).CombinedOutput()
	verdict := strings.TrimSpace(string(out))
	return Check{What: what, OK: err == nil && unsealed == 0 && strings.Contains(verdict, "audit chain intact"),
		Detail: fmt.Sprintf("%d events, %d unsealed; motcua audit verify: %s", total, unsealed, verdict)}, nil
}

// slowAtKill says what the messages final only after 30 s were at the kill.
func slowAtKill(msgs, atKill []DBMessage, restarted time.Time) string {
	before := map[string]DBMessage{}
	for _, m := range atKill {
		before[m.ID] = m
	}
	var parts []string
	for _, m := range msgs {
		if m.FinalAt != nil && m.FinalAt.Sub(restarted) <= 30*time.Second {
			continue
		}
		b, ok := before[m.ID]
		if !ok {
			parts = append(parts, m.Kind+" enqueued after the kill")
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %s after %d attempts", b.Kind, b.Status, b.Attempts))
	}
	return strings.Join(parts, "; ")
}

func startAndSend(ctx context.Context, off *gqlclient.Client, c *deskCase, unitID string, scan []byte) error {
	id, err := StartRegistration(ctx, off, c.Citizen, unitID, "cccd.docx", scan)
	if err != nil {
		return err
	}
	c.regID = id
	return SendOTP(ctx, off, id)
}

// interleave puts one of b after every two of a.
func interleave(a, b []*deskCase) []*deskCase {
	out := make([]*deskCase, 0, len(a)+len(b))
	for len(a) > 0 || len(b) > 0 {
		for range 2 {
			if len(a) > 0 {
				out, a = append(out, a[0]), a[1:]
			}
		}
		if len(b) > 0 {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}

// parallel runs fn over items with n goroutines and returns the first error.
func parallel[T any](n int, items []T, fn func(T) error) error {
	ch := make(chan T)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range max(n, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range ch {
				if err := fn(it); err != nil {
					once.Do(func() { first = err })
				}
			}
		}()
	}
	for _, it := range items {
		ch <- it
	}
	close(ch)
	wg.Wait()
	return first
}
