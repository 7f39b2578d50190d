package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// closedWorkers is the number of concurrent connections of the throughput
// windows: enough to keep one server CPU busy while requests wait on the
// database, few enough not to measure queueing alone.
const closedWorkers = 32

// s1Result: a trivial authenticated query against raw net/http JSON.
type s1Result struct {
	Raw, Motcua     loadStats // closed loop: the most each sustains
	RawAt, MotcuaAt loadStats // open loop at Rate: latency at the same arrival rate
	Rate            int
	Ratio           float64
	Statements      float64 // SQL statements per motcua request
	Top             []stmtCount
	NewConnections  float64 // PostgreSQL connections opened during the closed loop
	Waits           []waitShare
}

// pgServer starts the server under test on the PostgreSQL database.
func (b *bench) pgServer(ctx context.Context, name string) (*server, error) {
	return b.startServer(ctx, serverOptions{name: name, database: b.pgData.url})
}

// meter measures the server, PostgreSQL and the load generator (this process).
func (b *bench) meter(server *server) *cpuMeter {
	m := newCPUMeter()
	if server != nil {
		m.add("server", server.pid(), false)
	}
	if b.pg != nil {
		m.add("postgres", b.pg.PostmasterPID(), true)
	}
	return m.add("load", os.Getpid(), false)
}

// warm sends requests for a moment so that connections, caches and the
// runtime settle before a measured window.
func warm(tr vegeta.Targeter, d time.Duration) {
	attack{targeter: tr, workers: 8, duration: d, check: func(*vegeta.Result) error { return nil }}.run()
}

// openLoopMax is the highest open-loop rate S1 asks for.
const openLoopMax = 2500

// warmEach sends every target once, then warms for d: S2's two servers
// each start with every sampled row in PostgreSQL's buffers (the first
// server measured would otherwise pay for reading them, the second not).
func warmEach(targets []vegeta.Target, d time.Duration) {
	attack{targeter: once(targets), workers: 8, check: func(*vegeta.Result) error { return nil }}.run()
	warm(cycle(targets), d)
}

func (b *bench) s1(ctx context.Context) error {
	srv, err := b.pgServer(ctx, "s1-motcua")
	if err != nil {
		return err
	}
	off, err := srv.signIn(ctx, registrarLogin, registrarPass)
	if err != nil {
		return err
	}
	raw, err := b.startRawJSON(ctx)
	if err != nil {
		return err
	}
	body := []byte(`{"query":"{ viewer { account { id } } }"}`)
	mt := cycle([]vegeta.Target{graphQLTarget(srv.url+"/graphql", off.Token, body, nil)})
	rt := cycle([]vegeta.Target{graphQLTarget(raw.url+"/graphql", off.Token, body, nil)})
	warm(mt, 2*time.Second)
	warm(rt, 2*time.Second)
	r := &s1Result{}
	b.results.S1 = r
	admin, err := b.pg.admin(b.pgData.db)
	if err != nil {
		return err
	}
	defer admin.Close()
	r.Raw = attack{targeter: rt, workers: closedWorkers, duration: b.cfg.duration, meter: b.meter(raw)}.run()
	logf("S1 raw JSON   %s", r.Raw)
	base, err := backgroundRate(ctx, admin, "motcua", 5*time.Second)
	if err != nil {
		return err
	}
	resetStatements(ctx, admin)
	conns := sessions(ctx, admin)
	ws := sampleWaits(ctx, admin)
	r.Motcua = attack{targeter: mt, workers: closedWorkers, duration: b.cfg.duration, meter: b.meter(srv),
		during: func(d time.Duration) { b.startProfile("S1", srv.pid(), "the server (S1 closed loop)", d-time.Second) }}.run()
	r.Waits = ws.end()
	r.NewConnections = sessions(ctx, admin) - conns
	logf("S1 motcua     %s", r.Motcua)
	r.Statements, r.Top = statementsPerRequest(ctx, admin, "motcua", r.Motcua.Requests, base*r.Motcua.Duration.Seconds())
	logf("S1 motcua: %.1f SQL statements and %.3f new PostgreSQL connections per request", r.Statements, r.NewConnections/float64(max(r.Motcua.Requests, 1)))
	if r.Raw.RPS > 0 {
		r.Ratio = r.Motcua.RPS / r.Raw.RPS
	}
	// Half the closed-loop rate, but no more than the load generator keeps
	// up with on its one core: past about 3,000/s vegeta's open loop falls
	// behind on its own (the raw handler's tail grew to seconds too) and the
	// figure measures the generator, not the server.
	r.Rate = max(min(int(r.Motcua.RPS/2), openLoopMax), 1)
	r.MotcuaAt = attack{targeter: mt, rate: r.Rate, workers: 16, duration: b.cfg.duration, meter: b.meter(srv)}.run()
	logf("S1 motcua at  %s", r.MotcuaAt)
	r.RawAt = attack{targeter: rt, rate: r.Rate, workers: 16, duration: b.cfg.duration, meter: b.meter(raw)}.run()
	logf("S1 raw at     %s", r.RawAt)
	return nil
}

// s2Result: an account by id with a nested edge, against PostGraphile.
type s2Result struct {
	Accounts         int
	IDs              int
	Motcua, Peer     loadStats // closed loop
	MotcuaAt, PeerAt loadStats // open loop at Rate
	Rate             int
	Ratio            float64
	MotcuaStatements float64 // SQL statements per request
	PeerStatements   float64
	MotcuaTop        []stmtCount // the statements of one motcua request
	NewConnections   float64     // PostgreSQL connections motcua opened during its closed loop
	Waits            []waitShare
	PeerTop          []stmtCount
	PeerField        string
	PeerSkipped      string
	Query            string // the motcua query used
	NodeError        string // why node(id:) was not used
}

// stmtCount is a statement and how often it ran per request.
type stmtCount struct {
	PerRequest float64
	MeanMS     float64
	Query      string
}

// s2Node is the lookup by global id; s2Where the same through the accounts
// connection, used when node(id:) fails (it was a stub when this was written).
const (
	s2Node  = `query($id: ID!){ node(id: $id) { ... on Account { id fullName status createdAtUnit { id name } } } }`
	s2Where = `query($id: ID!){ accounts(where: {id: $id}, first: 1) { edges { node { id fullName status createdAtUnit { id name } } } } }`
)

// s2 measures lookups of accounts by id on the large PostgreSQL data set.
// Long because a scenario reads as its steps: prepare, load, measure, check,
// in the order they run.
func (b *bench) s2(ctx context.Context) error {
	r := &s2Result{Accounts: b.pgData.stats.Accounts}
	b.results.S2 = r
	admin, err := b.pg.admin(b.pgData.db)
	if err != nil {
		return err
	}
	defer admin.Close()
	ids, err := sampleAccountIDs(ctx, admin, r.Accounts+b.cfg.officers, 4000)
	if err != nil {
		return err
	}
	r.IDs = len(ids)
	srv, err := b.pgServer(ctx, "s2-motcua")
	if err != nil {
		return err
	}
	sa, err := srv.signIn(ctx, superAdminLogin, superAdminPass)
	if err != nil {
		return err
	}
	r.Query = s2Node
	if err := do(ctx, sa, s2Node, map[string]any{"id": ids[0]}, nil); err != nil {
		r.NodeError = err.Error()
		r.Query = s2Where
		logf("S2: node(id:) fails (%v); using accounts(where: {id:})", err)
	}
	var mts []vegeta.Target
	for _, id := range ids {
		body, _ := json.Marshal(map[string]any{"query": r.Query, "variables": map[string]any{"id": id}})
		mts = append(mts, graphQLTarget(srv.url+"/graphql", sa.Token, body, nil))
	}
	// The answer must hold the account and its unit, not null.
	mcheck := func(res *vegeta.Result) error {
		if err := graphQLOK(res); err != nil {
			return err
		}
		if !strings.Contains(string(res.Body), `"createdAtUnit":{"id"`) {
			return fmt.Errorf("no nested unit: %s", firstLine(string(res.Body)))
		}
		return nil
	}
	warmEach(mts, 3*time.Second)
	base, err := backgroundRate(ctx, admin, "motcua", 5*time.Second)
	if err != nil {
		return err
	}
	resetStatements(ctx, admin)
	conns := sessions(ctx, admin)
	ws := sampleWaits(ctx, admin)
	r.Motcua = attack{targeter: cycle(mts), workers: closedWorkers, duration: b.cfg.duration, check: mcheck, meter: b.meter(srv),
		during: func(d time.Duration) { b.startProfile("S2", srv.pid(), "the server (S2 closed loop)", d-time.Second) }}.run()
	r.Waits = ws.end()
	r.NewConnections = sessions(ctx, admin) - conns
	logf("S2 motcua        %s", r.Motcua)
	r.MotcuaStatements, r.MotcuaTop = statementsPerRequest(ctx, admin, "motcua", r.Motcua.Requests, base*r.Motcua.Duration.Seconds())
	logf("S2 motcua: %.1f SQL statements per request", r.MotcuaStatements)

	if b.cfg.postgraphile == "" {
		r.PeerSkipped = "PostGraphile not installed (run through scripts/bench.sh)"
	} else if err := b.s2Peer(ctx, r, ids, admin); err != nil {
		r.PeerSkipped = err.Error()
		logf("S2 PostGraphile: %v", err)
	}
	if r.Peer.RPS > 0 {
		r.Ratio = r.Motcua.RPS / r.Peer.RPS
		r.Rate = max(int(min(r.Motcua.RPS, r.Peer.RPS)/2), 1)
	} else {
		r.Rate = max(int(r.Motcua.RPS/2), 1)
	}
	r.MotcuaAt = attack{targeter: cycle(mts), rate: r.Rate, workers: 16, duration: b.cfg.duration, check: mcheck, meter: b.meter(srv)}.run()
	logf("S2 motcua at     %s", r.MotcuaAt)
	return nil
}

// s2Peer runs PostGraphile on the same database, pinned like the server,
// and loads it with the same lookups.
// Long because it is the peer's whole run (start, warm up, load, stop), in
// the order it happens.
func (b *bench) s2Peer(ctx context.Context, r *s2Result, ids []string, admin *sql.DB) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	argv := pinned(b.cfg.serverCPUs, "node", b.cfg.postgraphile,
		"-c", b.pg.URL("postgraphile", b.pgData.db), "--schema", "public",
		"--host", "127.0.0.1", "--port", fmt.Sprint(port), "--disable-query-log")
	p, err := startProcess("postgraphile", b.cfg.work, filepath.Join(b.cfg.work, "postgraphile.log"), nil, argv)
	if err != nil {
		return err
	}
	peer := &server{process: p, url: fmt.Sprintf("http://127.0.0.1:%d", port)}
	b.cleanup = append(b.cleanup, func() { peer.stop(5 * time.Second) })
	if err := waitGraphQL(ctx, peer, 2*time.Minute); err != nil {
		return err
	}
	// The relation field of accounts.created_at_unit_id, named by PostGraphile's inflector.
	var intro struct {
		Type struct{ Fields []struct{ Name string } } `json:"__type"`
	}
	if err := do(ctx, peer.client(), `{ __type(name: "Account") { fields { name } } }`, nil, &intro); err != nil {
		return err
	}
	for _, f := range intro.Type.Fields {
		if strings.HasPrefix(f.Name, "unitByCreatedAtUnit") {
			r.PeerField = f.Name
		}
	}
	if r.PeerField == "" {
		return fmt.Errorf("PostGraphile exposes no relation for accounts.created_at_unit_id")
	}
	q := fmt.Sprintf(`query($id: String!){ accountById(id: $id) { id fullName status %s { id name } } }`, r.PeerField)
	var pts []vegeta.Target
	for _, id := range ids {
		body, _ := json.Marshal(map[string]any{"query": q, "variables": map[string]any{"id": id}})
		pts = append(pts, graphQLTarget(peer.url+"/graphql", "", body, nil))
	}
	field := `"` + r.PeerField + `":{"id"`
	pcheck := func(res *vegeta.Result) error {
		if err := graphQLOK(res); err != nil {
			return err
		}
		if !strings.Contains(string(res.Body), field) {
			return fmt.Errorf("no nested unit: %s", firstLine(string(res.Body)))
		}
		return nil
	}
	warmEach(pts, 3*time.Second)
	base, err := backgroundRate(ctx, admin, "postgraphile", 3*time.Second)
	if err != nil {
		return err
	}
	resetStatements(ctx, admin)
	r.Peer = attack{targeter: cycle(pts), workers: closedWorkers, duration: b.cfg.duration, check: pcheck, meter: b.meter(peer)}.run()
	logf("S2 PostGraphile  %s", r.Peer)
	r.PeerStatements, r.PeerTop = statementsPerRequest(ctx, admin, "postgraphile", r.Peer.Requests, base*r.Peer.Duration.Seconds())
	rate := max(int(min(r.Motcua.RPS, r.Peer.RPS)/2), 1)
	r.PeerAt = attack{targeter: cycle(pts), rate: rate, workers: 16, duration: b.cfg.duration, check: pcheck, meter: b.meter(peer)}.run()
	logf("S2 PostGraphile at %s", r.PeerAt)
	return nil
}

// waitQueueIdle waits until the SMS job queue is empty (a new server sends
// what the previous scenario's server left queued) and the console
// provider's receipts are in, so that a scenario's SMS are its own.
func waitQueueIdle(ctx context.Context, db *sql.DB, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var n int
		err := db.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE state IN ('available', 'running', 'retryable', 'scheduled', 'pending')`).Scan(&n)
		if err != nil {
			return fmt.Errorf("SMS queue: %w", err)
		}
		if n == 0 {
			time.Sleep(time.Second) // the last receipts (500 ms delay)
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("SMS queue: %d jobs still queued after %s", n, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// waitGraphQL waits until a GraphQL server answers { __typename }.
func waitGraphQL(ctx context.Context, s *server, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if !s.alive() {
			return fmt.Errorf("%s exited: %v\n%s", s.name, s.err, s.tail())
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
		req.Header.Set("Content-Type", "application/json")
		if resp, err := httpClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not answer within %s\n%s", s.name, timeout, s.tail())
}

// sampleAccountIDs draws about want accounts that have a creating unit (the
// nested edge), spread over the whole table (TABLESAMPLE, not the first rows).
func sampleAccountIDs(ctx context.Context, db *sql.DB, total, want int) ([]string, error) {
	pct := min(100.0, max(0.01, 100*float64(want)*8/float64(max(total, 1))))
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT id FROM accounts TABLESAMPLE SYSTEM (%g)
		WHERE created_at_unit_id IS NOT NULL LIMIT %d`, pct, want))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("no account with a creating unit")
	}
	return ids, rows.Err()
}

// sessions is how many connections the database has accepted so far
// (pg_stat_database.sessions): the difference over a window shows a
// connection pool that opens and closes connections under load.
func sessions(ctx context.Context, db *sql.DB) float64 {
	var n sql.NullFloat64
	_ = db.QueryRowContext(ctx, `SELECT sessions FROM pg_stat_database WHERE datname = current_database()`).Scan(&n)
	return n.Float64
}

// resetStatements empties pg_stat_statements.
func resetStatements(ctx context.Context, db *sql.DB) {
	_, _ = db.ExecContext(ctx, "SELECT pg_stat_statements_reset()")
}

// roleCalls is the number of statements role ran since the last reset.
func roleCalls(ctx context.Context, db *sql.DB, role string) (float64, error) {
	var n sql.NullFloat64
	err := db.QueryRowContext(ctx, `SELECT sum(s.calls) FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
		WHERE r.rolname = $1`, role).Scan(&n)
	return n.Float64, err
}

// backgroundRate is how many statements per second role runs while idle
// (the job queue's polling, the policy reload): subtracted from the counts.
func backgroundRate(ctx context.Context, db *sql.DB, role string, d time.Duration) (float64, error) {
	resetStatements(ctx, db)
	time.Sleep(d)
	n, err := roleCalls(ctx, db, role)
	return n / d.Seconds(), err
}

// statementsPerRequest divides the statements role ran since the reset,
// less the idle background, by the requests; top lists the most frequent.
func statementsPerRequest(ctx context.Context, db *sql.DB, role string, requests int, background float64) (float64, []stmtCount) {
	if requests == 0 {
		return 0, nil
	}
	n, err := roleCalls(ctx, db, role)
	if err != nil {
		return 0, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT s.calls, s.mean_exec_time, s.query FROM pg_stat_statements s
		JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = $1 ORDER BY s.calls DESC LIMIT 12`, role)
	var top []stmtCount
	if err == nil {
		defer rows.Close()
		for rows.Next() {
			var calls, mean float64
			var q string
			if rows.Scan(&calls, &mean, &q) == nil && calls/float64(requests) >= 0.05 {
				top = append(top, stmtCount{PerRequest: calls / float64(requests), MeanMS: mean, Query: oneLine(q, 160)})
			}
		}
	}
	return max(n-background, 0) / float64(requests), top
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n-1] + "…"
	}
	return s
}

// stmtCost is a statement with its share of the database's execution time
// over a window: where a write-heavy scenario spends PostgreSQL's core.
type stmtCost struct {
	PerUnit float64 // calls per unit of work (a creation, a reset)
	MeanMS  float64
	TotalMS float64
	Share   float64 // of all of role's execution time in the window
	Query   string
}

// costliest lists role's statements since the last reset by total
// execution time, the n costliest, with calls per unit of work.
func costliest(ctx context.Context, db *sql.DB, role string, units, n int) []stmtCost {
	rows, err := db.QueryContext(ctx, `SELECT s.calls, s.mean_exec_time, s.total_exec_time,
		s.total_exec_time / NULLIF(sum(s.total_exec_time) OVER (), 0), s.query
		FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
		WHERE r.rolname = $1 ORDER BY s.total_exec_time DESC LIMIT $2`, role, n)
	if err != nil {
		logf("costliest statements: %v", err)
		return nil
	}
	defer rows.Close()
	var top []stmtCost
	for rows.Next() {
		var c stmtCost
		var calls float64
		var share sql.NullFloat64
		if rows.Scan(&calls, &c.MeanMS, &c.TotalMS, &share, &c.Query) != nil {
			continue
		}
		c.PerUnit, c.Share, c.Query = calls/float64(max(units, 1)), share.Float64, oneLine(c.Query, 160)
		top = append(top, c)
	}
	return top
}
