package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/motcua/motcua/internal/rules/password"
)

// benchPassword is the password the bench gives the officers and citizens
// it signs in as (set directly in the database, hashed by the product's
// Hasher); resetPassword is the new password of S5's resets.
const (
	benchPassword = "Benchmark@2026-motcua"
	newPassword   = "song hong chay qua ha noi"
)

var otpCode = regexp.MustCompile(`\b(\d{6})\b`)

// citizen is the i-th person registered at a desk in this run: an ID number
// no generated or demo account has (last six digits 950000 and up), a
// mobile number in 0896… (never generated), and an email that identifies
// the case in answers.
type citizen struct {
	IDNumber, Phone, Email string
}

func (b *bench) nextCitizen() citizen {
	i := b.citizenSeq
	b.citizenSeq++
	provs := provinceCodes()
	return citizen{
		IDNumber: fmt.Sprintf("%s090%06d", provs[(i/50_000)%len(provs)], 950_000+i%50_000),
		Phone:    fmt.Sprintf("+84896%06d", i),
		Email:    fmt.Sprintf("bench%d@example.vn", i),
	}
}

const startQuery = `mutation($in: StartRegistrationInput!){ startRegistration(input: $in){ id email } }`

// sampleScan is the sample ID scan of the product's tests (a small .docx),
// relative to the repository.
var sampleScan = filepath.Join("internal", "testkit", "fixtures", "files", "sample.docx")

// scanFile reads the sample ID scan.
func (b *bench) scanFile() ([]byte, error) {
	return os.ReadFile(filepath.Join(b.cfg.repo, sampleScan))
}

// startTarget is a startRegistration with its scan (GraphQL multipart
// request, with the CSRF preflight header the server requires).
func startTarget(url, token, unitID string, c citizen, scan []byte) vegeta.Target {
	ops, _ := json.Marshal(map[string]any{"query": startQuery, "variables": map[string]any{"in": map[string]any{
		"idNumber": c.IDNumber, "fullName": "Nguyễn Văn Bình", "dateOfBirth": "1990-05-05",
		"phone": c.Phone, "email": c.Email, "unitID": unitID, "scan": nil,
	}}})
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("operations", string(ops))
	_ = w.WriteField("map", `{"0":["variables.in.scan"]}`)
	part, _ := w.CreateFormFile("0", "cccd.docx")
	_, _ = part.Write(scan)
	w.Close()
	h := http.Header{}
	h.Set("Content-Type", w.FormDataContentType())
	h.Set("GraphQL-Require-Preflight", "1")
	h.Set("Authorization", "Bearer "+token)
	return vegeta.Target{Method: http.MethodPost, URL: url + "/graphql", Body: buf.Bytes(), Header: h}
}

// officer is a desk officer signed in for the bench.
type officer struct {
	token, unitID string
}

// deskOfficers gives n generated officers who may create citizen accounts
// a known password and signs them in.
func (b *bench) deskOfficers(ctx context.Context, srv *server, admin *sql.DB, n int) ([]officer, error) {
	rows, err := admin.QueryContext(ctx, `SELECT a.id, a.id_number FROM officers o
		JOIN accounts a ON a.id = o.account_id JOIN units u ON u.id = o.unit_id
		WHERE o.can_create_citizen_accounts AND u.is_service_desk AND a.status = 'ACTIVE' AND a.origin <> 'VNPOST'
		ORDER BY a.id LIMIT $1`, n)
	if err != nil {
		return nil, err
	}
	var ids, logins []string
	for rows.Next() {
		var id, login string
		if err := rows.Scan(&id, &login); err != nil {
			rows.Close()
			return nil, err
		}
		ids, logins = append(ids, id), append(logins, login)
	}
	rows.Close()
	if len(ids) == 0 {
		return nil, fmt.Errorf("no generated officer may create citizen accounts")
	}
	if err := setPasswords(ctx, admin, ids); err != nil {
		return nil, err
	}
	var out []officer
	for _, login := range logins {
		c, err := srv.signIn(ctx, login, benchPassword)
		if err != nil {
			return nil, err
		}
		var v struct {
			Viewer struct {
				Officer struct{ Unit struct{ ID string } }
			}
		}
		if err := do(ctx, c, `{ viewer { officer { unit { id } } } }`, nil, &v); err != nil {
			return nil, err
		}
		out = append(out, officer{token: c.Token, unitID: v.Viewer.Officer.Unit.ID})
	}
	return out, nil
}

// setPasswords gives accounts benchPassword (one argon2id hash made by the
// product's Hasher, the same PHC string for all: verifying costs the same).
func setPasswords(ctx context.Context, admin *sql.DB, ids []string) error {
	h, err := password.NewHasher(1).Hash(ctx, benchPassword)
	if err != nil {
		return err
	}
	_, err = admin.ExecContext(ctx, `UPDATE accounts SET password_hash = $1, must_change_password = false,
		initial_password_expires_at = NULL WHERE id = ANY($2)`, h, pq.Array(ids))
	return err
}

// inboxEntry is a message of the console provider's dev inbox.
type inboxEntry struct {
	Phone, Kind, Body string
}

// inbox reads the whole dev inbox.
func inbox(ctx context.Context, srv *server) ([]inboxEntry, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.url+"/dev/sms", nil)
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out []inboxEntry
	return out, json.NewDecoder(resp.Body).Decode(&out)
}

// codeCollector reads the dev inbox every 100 ms while codes are being
// sent and keeps every code of kind for the phones wanted: the inbox holds
// only the latest 200 messages, so reading it once at the end would lose
// all but those.
type codeCollector struct {
	mu    sync.Mutex
	codes map[string]string
	want  map[string]bool
	err   error
	stop  chan struct{}
	done  chan struct{}
}

func collectCodes(ctx context.Context, srv *server, kind string, phones []string) *codeCollector {
	c := &codeCollector{codes: map[string]string{}, want: map[string]bool{}, stop: make(chan struct{}), done: make(chan struct{})}
	for _, p := range phones {
		c.want[p] = true
	}
	go func() {
		defer close(c.done)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			entries, err := inbox(ctx, srv)
			c.mu.Lock()
			if err != nil {
				c.err = err
			}
			for _, e := range entries { // newest first: the first code seen per phone is its latest
				if e.Kind != kind || !c.want[e.Phone] || c.codes[e.Phone] != "" {
					continue
				}
				if m := otpCode.FindStringSubmatch(e.Body); m != nil {
					c.codes[e.Phone] = m[1]
				}
			}
			c.mu.Unlock()
			select {
			case <-c.stop:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return c
}

// waitFor waits until each of phones has a code (or timeout) and returns
// their codes; collecting goes on.
func (c *codeCollector) waitFor(phones []string, timeout time.Duration) (map[string]string, error) {
	deadline := time.Now().Add(timeout)
	for {
		c.mu.Lock()
		out := map[string]string{}
		for _, p := range phones {
			if code := c.codes[p]; code != "" {
				out[p] = code
			}
		}
		err := c.err
		c.mu.Unlock()
		if len(out) == len(phones) {
			return out, nil
		}
		if time.Now().After(deadline) {
			return out, fmt.Errorf("only %d of %d codes arrived within %s (last inbox error: %v)", len(out), len(phones), timeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stopNow stops collecting.
func (c *codeCollector) stopNow() {
	select {
	case <-c.stop:
	default:
		close(c.stop)
	}
	<-c.done
}

// wait waits until every wanted phone has a code or timeout passes, stops
// collecting and returns phone → code.
func (c *codeCollector) wait(timeout time.Duration) (map[string]string, error) {
	deadline := time.Now().Add(timeout)
	for {
		c.mu.Lock()
		n := len(c.codes)
		c.mu.Unlock()
		if n == len(c.want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.stopNow()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.codes) < len(c.want) {
		return c.codes, fmt.Errorf("only %d of %d codes arrived within %s (last inbox error: %v)", len(c.codes), len(c.want), timeout, c.err)
	}
	return c.codes, nil
}

// s4Result: officers creating accounts, next to the argon2id ceiling.
type s4Result struct {
	Officers, Creations, Created int
	Start, Send, Complete        loadStats
	WaitOTP, Total               time.Duration
	// OTPQueue is how long registration OTP SMS waited from being queued
	// (the row written in sendRegistrationOTP's transaction) to the
	// provider taking them (sent_at), from the database after the flow.
	OTPQueue               latencies
	PerSec, CompletePerSec float64
	Ceiling                ceiling
	Share, CompleteShare   float64
	// ServerCPU is the server's CPU share over the whole flow; PerCoreShare
	// compares creations per server CPU-second with hashes per CPU-second.
	ServerCPU, PerCoreShare float64
	CPU                     map[string]float64 // over the whole flow
	Waits                   []waitShare
	Costliest               []stmtCost // per creation
}

// deskWorkers is the number of concurrent officers' requests in S5 and S7.
const deskWorkers = 16

// s4Desks is the number of desks at work at once in S4: enough that a
// completion (the password hash) is always waiting while the others start
// registrations and wait for codes.
const s4Desks = 32

// startedID is the registration a startRegistration answer made.
func startedID(res *vegeta.Result) (string, error) {
	var out struct {
		Data struct{ StartRegistration struct{ ID string } }
	}
	if err := json.Unmarshal(res.Body, &out); err != nil {
		return "", err
	}
	return out.Data.StartRegistration.ID, nil
}

// s4 measures the desk's whole flow (start, send the code, complete) under
// deskWorkers concurrent officers on PostgreSQL. Long because a scenario
// reads as its steps: prepare, load, measure, check, in the order they run.
func (b *bench) s4(ctx context.Context) error {
	r := &s4Result{Creations: b.cfg.creations}
	b.results.S4 = r
	srv, admin, c, err := b.passwordServer(ctx, "s4-motcua")
	if err != nil {
		return err
	}
	defer admin.Close()
	r.Ceiling = c
	logf("S4 argon2id ceiling on CPU %s: %.1f hashes/s", b.cfg.serverCPUs, r.Ceiling.PerSec)
	offs, err := b.deskOfficers(ctx, srv, admin, 8)
	if err != nil {
		return err
	}
	r.Officers = len(offs)
	scan, err := b.scanFile()
	if err != nil {
		return err
	}
	n := b.cfg.creations
	people := make([]citizen, n)
	phones := make([]string, n)
	for i := range n {
		people[i] = b.nextCitizen()
		phones[i] = people[i].Phone
	}
	created := func(res *vegeta.Result) error {
		if err := graphQLOK(res); err != nil {
			return err
		}
		if !strings.Contains(string(res.Body), `"CREATED"`) {
			return fmt.Errorf("not created: %s", firstLine(string(res.Body)))
		}
		return nil
	}
	mutation := func(o officer, q string, vars map[string]any) vegeta.Target {
		body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
		return graphQLTarget(srv.url+"/graphql", o.token, body, nil)
	}

	// The desks: each works through citizens one at a time — start the
	// registration, send the code, wait until it is in the dev inbox (the
	// citizen reads it out), complete — s4Desks of them at once, with no pause between citizens.
	collector := collectCodes(ctx, srv, "REGISTRATION_OTP", phones)
	starts, sends, completes := newTally(nil), newTally(nil), newTally(created)
	var next, waited atomic.Int64
	var profile sync.Once
	whole := b.meter(srv)
	whole.begin()
	ws := sampleWaits(ctx, admin)
	resetStatements(ctx, admin)
	began := time.Now()
	var wg sync.WaitGroup
	for d := range s4Desks {
		o := offs[d%len(offs)]
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n && ctx.Err() == nil; i = int(next.Add(1)) - 1 {
				res := send(ctx, startTarget(srv.url, o.token, o.unitID, people[i], scan))
				if starts.add(res) != nil {
					continue
				}
				id, err := startedID(res)
				if err != nil || id == "" {
					logf("S4 start: no registration in the answer (%v)", err)
					continue
				}
				vars := map[string]any{"id": id}
				if sends.add(send(ctx, mutation(o, `mutation($id:ID!){ sendRegistrationOTP(registrationID:$id){ state } }`, vars))) != nil {
					continue
				}
				t := time.Now()
				codes, err := collector.waitFor(phones[i:i+1], 3*time.Minute)
				waited.Add(int64(time.Since(t)))
				if err != nil {
					logf("S4: %v", err)
					continue
				}
				vars["c"] = codes[phones[i]]
				_ = completes.add(send(ctx, mutation(o, `mutation($id:ID!,$c:String!){ completeRegistration(registrationID:$id, code:$c){ state } }`, vars)))
				profile.Do(func() {
					b.startProfile("S4", srv.pid(), "the server (S4, the desks at work)", 15*time.Second)
				})
			}
		})
	}
	wg.Wait()
	r.Total = time.Since(began)
	r.Waits = ws.end()
	collector.stopNow()
	r.CPU = whole.end()
	r.ServerCPU = r.CPU["server"]
	r.Start, r.Send, r.Complete = starts.stats(), sends.stats(), completes.stats()
	r.Start.Workers, r.Send.Workers, r.Complete.Workers = s4Desks, s4Desks, s4Desks
	r.WaitOTP = time.Duration(waited.Load() / int64(max(r.Send.OK, 1)))
	if r.OTPQueue, err = queueLatencies(ctx, admin, "REGISTRATION_OTP", began); err != nil {
		return err
	}
	logf("S4 OTP queued → provider: %s", r.OTPQueue)
	logf("S4 start      %s", r.Start)
	logf("S4 send OTP   %s", r.Send)
	logf("S4 complete   %s", r.Complete)
	r.Created = r.Complete.OK
	r.Costliest = costliest(ctx, admin, "motcua", r.Created, 12)
	if r.Total > 0 {
		r.PerSec = float64(r.Created) / r.Total.Seconds()
	}
	r.CompletePerSec = r.Complete.RPS
	if r.Ceiling.PerSec > 0 {
		r.Share = r.PerSec / r.Ceiling.PerSec
		r.CompleteShare = r.CompletePerSec / r.Ceiling.PerSec
	}
	if r.Ceiling.PerCPUSec > 0 && r.ServerCPU > 0.02 {
		r.PerCoreShare = r.PerSec / r.ServerCPU / r.Ceiling.PerCPUSec
	}
	logf("S4: %d accounts in %s: %.1f creations/s = %.0f%% of the ceiling (server CPU %.0f%%)", r.Created,
		r.Total.Round(time.Millisecond), r.PerSec, 100*r.Share, 100*r.ServerCPU)
	return nil
}

// ceiling measures argon2id hashes/s on the server's CPUs once per run.
func (b *bench) ceiling(ctx context.Context) (ceiling, error) {
	if b.results.Ceiling.PerSec > 0 {
		return b.results.Ceiling, nil
	}
	d := 10 * time.Second
	if b.cfg.quick {
		d = 5 * time.Second
	}
	c, err := b.measureCeiling(ctx, b.cfg.serverCPUs, d)
	if err != nil {
		return c, err
	}
	b.results.Ceiling = c
	if all, err := b.measureCeiling(ctx, b.cfg.allCPUs, d/2); err == nil {
		b.results.CeilingAll = all
	}
	return c, nil
}

// s5Result: password sign-ins and OTP verifications (password resets).
type s5Result struct {
	Accounts                          int
	SignIns                           loadStats
	Requests, Verifications           loadStats
	Ceiling                           ceiling
	SignInShare, VerificationShare    float64
	SignInCoreShare, VerifyCoreShare  float64 // per server CPU-second vs hashes per CPU-second
	VerificationAccounts, CodesWanted int
	Costliest                         []stmtCost // per verification
	Waits                             []waitShare
}

// activeCitizens picks n ACTIVE generated citizens without a password (the
// generator gives none), skipping the first offset.
// passwordServer starts the server of a scenario that hashes passwords
// (S4, S5) on the PostgreSQL data set, opens an admin connection to its
// database (the caller closes it), waits until the SMS queue is idle, and
// measures the argon2id ceiling of the server's CPUs.
func (b *bench) passwordServer(ctx context.Context, name string) (*server, *sql.DB, ceiling, error) {
	srv, err := b.pgServer(ctx, name)
	if err != nil {
		return nil, nil, ceiling{}, err
	}
	admin, err := b.pg.admin(b.pgData.db)
	if err != nil {
		return nil, nil, ceiling{}, err
	}
	if err := waitQueueIdle(ctx, admin, 3*time.Minute); err != nil {
		admin.Close()
		return nil, nil, ceiling{}, err
	}
	c, err := b.ceiling(ctx)
	if err != nil {
		admin.Close()
		return nil, nil, ceiling{}, err
	}
	return srv, admin, c, nil
}

func activeCitizens(ctx context.Context, admin *sql.DB, n, offset int) (ids, logins, phones []string, err error) {
	rows, err := admin.QueryContext(ctx, `SELECT a.id, a.id_number, a.phone FROM accounts a
		WHERE a.status = 'ACTIVE' AND a.password_hash IS NULL AND NOT a.must_change_password
		AND NOT EXISTS (SELECT 1 FROM officers o WHERE o.account_id = a.id)
		LIMIT $1 OFFSET $2`, n, offset)
	if err != nil {
		return nil, nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, login, phone string
		if err := rows.Scan(&id, &login, &phone); err != nil {
			return nil, nil, nil, err
		}
		ids, logins, phones = append(ids, id), append(logins, login), append(phones, phone)
	}
	return ids, logins, phones, rows.Err()
}

// s5 measures sign-ins and password resets (request, verify) on PostgreSQL.
// Long because a scenario reads as its steps: prepare, load, measure, check,
// in the order they run.
func (b *bench) s5(ctx context.Context) error {
	r := &s5Result{}
	b.results.S5 = r
	srv, admin, c, err := b.passwordServer(ctx, "s5-motcua")
	if err != nil {
		return err
	}
	defer admin.Close()
	r.Ceiling = c
	ids, logins, _, err := activeCitizens(ctx, admin, 200, 0)
	if err != nil {
		return err
	}
	if err := setPasswords(ctx, admin, ids); err != nil {
		return err
	}
	r.Accounts = len(ids)
	var signIns []vegeta.Target
	for i, login := range logins {
		body, _ := json.Marshal(map[string]any{
			"query":     `mutation($l:String!,$p:String!){ signIn(input:{login:$l,password:$p}){ token } }`,
			"variables": map[string]any{"l": login, "p": benchPassword}})
		signIns = append(signIns, graphQLTarget(srv.url+"/graphql", "", body, clientIP(i)))
	}
	r.SignIns = attack{targeter: cycle(signIns), workers: deskWorkers, duration: b.cfg.duration, meter: b.meter(srv),
		during: func(d time.Duration) { b.startProfile("S5", srv.pid(), "the server (S5 sign-ins)", d-time.Second) }}.run()
	logf("S5 sign-ins   %s", r.SignIns)

	// OTP verifications: each account asks for a reset code (at a modest
	// fixed rate, not measured against the ceiling: no hashing), then the
	// codes are submitted with a new password as fast as the server takes them.
	_, vlogins, vphones, err := activeCitizens(ctx, admin, b.cfg.verifications, 0)
	if err != nil {
		return err
	}
	r.VerificationAccounts = len(vlogins)
	var requests []vegeta.Target
	for i, login := range vlogins {
		body, _ := json.Marshal(map[string]any{"query": `mutation($l:String!){ requestPasswordReset(login:$l) }`,
			"variables": map[string]any{"l": login}})
		requests = append(requests, graphQLTarget(srv.url+"/graphql", "", body, clientIP(100_000+i)))
	}
	collector := collectCodes(ctx, srv, "RESET_OTP", vphones)
	r.Requests = attack{targeter: once(requests), rate: 50, workers: 16, meter: b.meter(srv)}.run()
	logf("S5 reset requests %s", r.Requests)
	codes, err := collector.wait(3 * time.Minute)
	if err != nil {
		logf("S5: %v", err)
	}
	var resets []vegeta.Target
	for i, login := range vlogins {
		code := codes[vphones[i]]
		if code == "" {
			continue
		}
		body, _ := json.Marshal(map[string]any{
			"query":     `mutation($l:String!,$c:String!,$p:String!){ resetPassword(input:{login:$l, code:$c, newPassword:$p}) }`,
			"variables": map[string]any{"l": login, "c": code, "p": newPassword}})
		resets = append(resets, graphQLTarget(srv.url+"/graphql", "", body, clientIP(200_000+i)))
	}
	r.CodesWanted = len(resets)
	resetStatements(ctx, admin)
	ws := sampleWaits(ctx, admin)
	r.Verifications = attack{targeter: once(resets), workers: deskWorkers, meter: b.meter(srv)}.run()
	r.Waits = ws.end()
	r.Costliest = costliest(ctx, admin, "motcua", r.Verifications.OK, 12)
	logf("S5 verifications %s", r.Verifications)
	if r.Ceiling.PerSec > 0 {
		r.SignInShare = r.SignIns.RPS / r.Ceiling.PerSec
		r.VerificationShare = r.Verifications.RPS / r.Ceiling.PerSec
	}
	if r.Ceiling.PerCPUSec > 0 {
		r.SignInCoreShare = r.SignIns.perCore("server") / r.Ceiling.PerCPUSec
		r.VerifyCoreShare = r.Verifications.perCore("server") / r.Ceiling.PerCPUSec
	}
	return nil
}

// latencies are quantiles of a set of durations.
type latencies struct {
	N                  int
	P50, P95, P99, Max time.Duration
}

func (l latencies) String() string {
	return fmt.Sprintf("n=%d p50 %s p95 %s p99 %s max %s", l.N, ms(l.P50), ms(l.P95), ms(l.P99), ms(l.Max))
}

// queueLatencies reads how long the SMS of kind created since since waited
// from being queued to being handed to the provider.
func queueLatencies(ctx context.Context, db *sql.DB, kind string, since time.Time) (latencies, error) {
	var l latencies
	var p50, p95, p99, mx sql.NullFloat64
	err := db.QueryRowContext(ctx, `SELECT count(*),
		percentile_disc(0.5) WITHIN GROUP (ORDER BY d), percentile_disc(0.95) WITHIN GROUP (ORDER BY d),
		percentile_disc(0.99) WITHIN GROUP (ORDER BY d), max(d)
		FROM (SELECT extract(epoch FROM sent_at - created_at) AS d FROM sms_messages
		      WHERE kind = $1 AND created_at >= $2 AND sent_at IS NOT NULL) q`, kind, since).Scan(&l.N, &p50, &p95, &p99, &mx)
	if err != nil {
		return l, fmt.Errorf("%s queue latency: %w", kind, err)
	}
	sec := func(f sql.NullFloat64) time.Duration { return time.Duration(f.Float64 * float64(time.Second)) }
	l.P50, l.P95, l.P99, l.Max = sec(p50), sec(p95), sec(p99), sec(mx)
	return l, nil
}
