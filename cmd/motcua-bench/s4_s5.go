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
	"time"

	"github.com/lib/pq"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/motcua/motcua/password"
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

// scanFile is the sample ID scan of the product's tests (a small .docx).
func (b *bench) scanFile() ([]byte, error) {
	return os.ReadFile(filepath.Join(b.cfg.repo, "scans", "testdata", "sample.docx"))
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

// waitCodes polls the inbox until every phone has a code of kind, newest
// first, and returns phone → code.
func waitCodes(ctx context.Context, srv *server, kind string, phones []string, timeout time.Duration) (map[string]string, error) {
	want := map[string]bool{}
	for _, p := range phones {
		want[p] = true
	}
	deadline := time.Now().Add(timeout)
	for {
		entries, err := inbox(ctx, srv)
		if err != nil {
			return nil, err
		}
		codes := map[string]string{}
		for _, e := range entries { // newest first
			if e.Kind != kind || !want[e.Phone] || codes[e.Phone] != "" {
				continue
			}
			if m := otpCode.FindStringSubmatch(e.Body); m != nil {
				codes[e.Phone] = m[1]
			}
		}
		if len(codes) == len(want) {
			return codes, nil
		}
		if time.Now().After(deadline) {
			return codes, fmt.Errorf("only %d of %d %s codes arrived within %s", len(codes), len(want), kind, timeout)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// s4Result: officers creating accounts, next to the argon2id ceiling.
type s4Result struct {
	Officers, Creations, Created int
	Start, Send, Complete        loadStats
	WaitOTP, Total               time.Duration
	PerSec, CompletePerSec       float64
	Ceiling                      ceiling
	Share, CompleteShare         float64
	// ServerCPU is the server's CPU share over the whole flow; PerCoreShare
	// compares creations per server CPU-second with hashes per CPU-second.
	ServerCPU, PerCoreShare float64
}

// deskWorkers is the number of concurrent officers' requests in S4 and S7.
const deskWorkers = 16

func (b *bench) s4(ctx context.Context) error {
	r := &s4Result{Creations: b.cfg.creations}
	b.results.S4 = r
	srv, err := b.pgServer(ctx, "s4-motcua")
	if err != nil {
		return err
	}
	admin, err := b.pg.admin(b.pgData.db)
	if err != nil {
		return err
	}
	defer admin.Close()
	if r.Ceiling, err = b.ceiling(ctx); err != nil {
		return err
	}
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
	byEmail := map[string]int{}
	var starts []vegeta.Target
	for i := range n {
		people[i] = b.nextCitizen()
		byEmail[people[i].Email] = i
		o := offs[i%len(offs)]
		starts = append(starts, startTarget(srv.url, o.token, o.unitID, people[i], scan))
	}
	regID := make([]string, n)
	collect := func(res *vegeta.Result) error {
		if err := graphQLOK(res); err != nil {
			return err
		}
		var out struct {
			Data struct{ StartRegistration struct{ ID, Email string } }
		}
		if err := json.Unmarshal(res.Body, &out); err != nil {
			return err
		}
		i, ok := byEmail[out.Data.StartRegistration.Email]
		if !ok {
			return fmt.Errorf("unknown registration in answer")
		}
		regID[i] = out.Data.StartRegistration.ID
		return nil
	}
	began := time.Now()
	whole := b.meter(srv)
	whole.begin()
	r.Start = attack{targeter: once(starts), workers: deskWorkers, check: collect, meter: b.meter(srv)}.run()
	logf("S4 start      %s", r.Start)

	var sends []vegeta.Target
	var phones []string
	for i := range n {
		if regID[i] == "" {
			continue
		}
		body, _ := json.Marshal(map[string]any{"query": `mutation($id:ID!){ sendRegistrationOTP(registrationID:$id){ state } }`,
			"variables": map[string]any{"id": regID[i]}})
		sends = append(sends, graphQLTarget(srv.url+"/graphql", offs[i%len(offs)].token, body, nil))
		phones = append(phones, people[i].Phone)
	}
	r.Send = attack{targeter: once(sends), workers: deskWorkers, meter: b.meter(srv)}.run()
	logf("S4 send OTP   %s", r.Send)
	waitStart := time.Now()
	codes, err := waitCodes(ctx, srv, "REGISTRATION_OTP", phones, 5*time.Minute)
	r.WaitOTP = time.Since(waitStart)
	if err != nil {
		logf("S4: %v", err)
	}
	var completes []vegeta.Target
	for i := range n {
		code := codes[people[i].Phone]
		if regID[i] == "" || code == "" {
			continue
		}
		body, _ := json.Marshal(map[string]any{
			"query":     `mutation($id:ID!,$c:String!){ completeRegistration(registrationID:$id, code:$c){ state } }`,
			"variables": map[string]any{"id": regID[i], "c": code}})
		completes = append(completes, graphQLTarget(srv.url+"/graphql", offs[i%len(offs)].token, body, nil))
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
	window := time.Duration(float64(len(completes))/max(r.Ceiling.PerSec, 1)*float64(time.Second)) * 8 / 10
	r.Complete = attack{targeter: once(completes), workers: deskWorkers, check: created, meter: b.meter(srv),
		during: func(time.Duration) {
			b.startProfile("S4", srv.pid(), "the server (S4 completeRegistration phase)", min(max(window, 3*time.Second), 20*time.Second))
		}}.run()
	logf("S4 complete   %s", r.Complete)
	r.Total = time.Since(began)
	r.ServerCPU = whole.end()["server"]
	r.Created = r.Complete.OK
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
	logf("S4: %d accounts in %s: %.1f creations/s = %.0f%% of the ceiling", r.Created, r.Total.Round(time.Millisecond), r.PerSec, 100*r.Share)
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
}

// activeCitizens picks n ACTIVE generated citizens without a password (the
// generator gives none), skipping the first offset.
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

func (b *bench) s5(ctx context.Context) error {
	r := &s5Result{}
	b.results.S5 = r
	srv, err := b.pgServer(ctx, "s5-motcua")
	if err != nil {
		return err
	}
	admin, err := b.pg.admin(b.pgData.db)
	if err != nil {
		return err
	}
	defer admin.Close()
	if r.Ceiling, err = b.ceiling(ctx); err != nil {
		return err
	}
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
	r.Requests = attack{targeter: once(requests), rate: 50, workers: 16, meter: b.meter(srv)}.run()
	logf("S5 reset requests %s", r.Requests)
	codes, err := waitCodes(ctx, srv, "RESET_OTP", vphones, 5*time.Minute)
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
	r.Verifications = attack{targeter: once(resets), workers: deskWorkers, meter: b.meter(srv)}.run()
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
