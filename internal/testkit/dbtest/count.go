package dbtest

import (
	"context"
	"database/sql/driver"
	"strings"
	"sync"
)

// Count is the statements sent to the database under one context (a
// GraphQL operation, for instance): every query, exec, prepare and begin
// counts, since each is a round trip.
type Count struct {
	mu    sync.Mutex
	stmts []string
}

// Track returns ctx whose statements are counted in a new Count.
func Track(ctx context.Context) (context.Context, *Count) {
	c := &Count{}
	return context.WithValue(ctx, countKey{}, c), c
}

// N is the number of statements counted.
func (c *Count) N() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.stmts)
}

// String lists the statements counted, one a line (for failure messages).
func (c *Count) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.stmts, "\n")
}

type countKey struct{}

func record(ctx context.Context, stmt string) {
	if c, ok := ctx.Value(countKey{}).(*Count); ok {
		c.mu.Lock()
		c.stmts = append(c.stmts, stmt)
		c.mu.Unlock()
	}
}

// CountingDriver wraps a driver so that the statements sent under a context
// from Track are counted (store.WithDriver). Connections keep every
// optional interface of the driver's, so that database/sql sends the same
// statements as without the wrapper.
func CountingDriver(d driver.Driver) driver.Driver { return countingDriver{d} }

type countingDriver struct{ driver.Driver }

func (d countingDriver) Open(name string) (driver.Conn, error) {
	c, err := d.Driver.Open(name)
	if err != nil {
		return nil, err
	}
	return &countingConn{c}, nil
}

type countingConn struct{ driver.Conn }

var (
	_ driver.QueryerContext     = (*countingConn)(nil)
	_ driver.ExecerContext      = (*countingConn)(nil)
	_ driver.ConnPrepareContext = (*countingConn)(nil)
	_ driver.ConnBeginTx        = (*countingConn)(nil)
	_ driver.NamedValueChecker  = (*countingConn)(nil)
	_ driver.Pinger             = (*countingConn)(nil)
	_ driver.SessionResetter    = (*countingConn)(nil)
	_ driver.Validator          = (*countingConn)(nil)
)

func (c *countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip // database/sql prepares instead, counted there
	}
	rows, err := q.QueryContext(ctx, query, args)
	if err != driver.ErrSkip {
		record(ctx, query)
	}
	return rows, err
}

func (c *countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	res, err := e.ExecContext(ctx, query, args)
	if err != driver.ErrSkip {
		record(ctx, query)
	}
	return res, err
}

func (c *countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	record(ctx, "PREPARE "+query)
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	return c.Conn.Prepare(query)
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	record(ctx, "BEGIN")
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return c.Conn.Begin() //nolint:staticcheck // the driver has nothing else
}

func (c *countingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if n, ok := c.Conn.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return driver.ErrSkip // database/sql's default conversion
}

func (c *countingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *countingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *countingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}
