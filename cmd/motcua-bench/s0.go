package main

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// s0Result: a replica's start on the full PostgreSQL database whose schema is
// up to date, as every replica of a rolling restart starts: `serve` with
// --migrate (the default), from exec to /readyz answering.
type s0Result struct {
	Accounts int
	Ready    time.Duration // exec → /readyz 200
	// DDL is the number of schema statements (CREATE, ALTER, DROP, …) the
	// server ran while starting, read from pg_stat_statements; Statements
	// is every statement it ran.
	DDL, Statements int
	DDLQueries      []string // what they were, when there were any
}

// ddlPattern matches the statements that change a schema.
const ddlPattern = `^\s*(CREATE|ALTER|DROP|REINDEX|TRUNCATE|COMMENT)\M`

func (b *bench) s0(ctx context.Context) error {
	r := &s0Result{Accounts: b.cfg.pgAccounts}
	b.results.S0 = r
	admin, err := b.pg.admin(b.pgData.db)
	if err != nil {
		return err
	}
	defer admin.Close()
	resetStatements(ctx, admin)
	start := time.Now()
	// --migrate=true after startServer's --migrate=false: the later flag wins.
	srv, err := b.startServer(ctx, serverOptions{name: "s0-motcua", database: b.pgData.url, extra: []string{"--migrate=true"}})
	if err != nil {
		return err
	}
	r.Ready = time.Since(start)
	srv.stop(10 * time.Second)

	err = admin.QueryRowContext(ctx, `SELECT coalesce(sum(s.calls), 0) FROM pg_stat_statements s
		JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = 'motcua'`).Scan(&r.Statements)
	if err != nil {
		return fmt.Errorf("S0: statements: %w", err)
	}
	rows, err := admin.QueryContext(ctx, `SELECT s.calls, s.query FROM pg_stat_statements s
		JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = 'motcua' AND s.query ~* $1`, ddlPattern)
	if err != nil {
		return fmt.Errorf("S0: DDL statements: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var calls int
		var q string
		if err := rows.Scan(&calls, &q); err != nil {
			return fmt.Errorf("S0: DDL statements: %w", err)
		}
		r.DDL += calls
		r.DDLQueries = append(r.DDLQueries, oneLine(q, 160))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("S0: DDL statements: %w", err)
	}
	logf("S0 replica start at %s accounts: ready in %s, %d statements, %d DDL %s",
		count(r.Accounts), r.Ready.Round(time.Millisecond), r.Statements, r.DDL, strings.Join(r.DDLQueries, "; "))
	return nil
}
