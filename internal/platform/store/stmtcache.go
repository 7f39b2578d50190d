package store

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"
	"strings"
)

// statementCacheSize is how many prepared statements a PostgreSQL connection
// keeps (least recently used first out). Ent writes a few hundred distinct
// statements; an IN list of another length is another statement.
const statementCacheSize = 512

// cacheStatements wraps a PostgreSQL driver so that every connection keeps
// the statements it ran prepared, by their text.
//
// lib/pq runs a query with parameters as two round trips: Parse/Describe,
// then Bind/Execute, and PostgreSQL parses and plans it each time. A
// prepared statement is one round trip (Bind/Execute), parsed once, and
// after five runs PostgreSQL may keep a generic plan. For a lookup by
// primary key that is most of the database's work (S2 in
// docs/PERFORMANCE.md). Queries without parameters keep lib/pq's simple
// protocol (one round trip already); explicit Prepare calls (COPY) are
// passed through uncached, since their caller closes them.
//
// Prepared statements live in the PostgreSQL session, so a pooler in front
// of the database must give each connection its own session (PgBouncer's
// session mode; docs/OPERATIONS.md).
func cacheStatements(d driver.Driver) driver.Driver { return stmtCacheDriver{d} }

type stmtCacheDriver struct{ driver.Driver }

func (d stmtCacheDriver) Open(name string) (driver.Conn, error) {
	c, err := d.Driver.Open(name)
	if err != nil {
		return nil, err
	}
	prep, ok := c.(driver.ConnPrepareContext)
	if !ok {
		return c, nil
	}
	return &stmtCacheConn{Conn: c, prep: prep, byText: map[string]*list.Element{}, lru: list.New()}, nil
}

// stmtCacheConn is one connection and its statements. database/sql uses a
// connection from one goroutine at a time, so it needs no lock.
type stmtCacheConn struct {
	driver.Conn
	prep   driver.ConnPrepareContext
	byText map[string]*list.Element // of *cachedStmt
	lru    *list.List               // most recently used first
}

type cachedStmt struct {
	text string
	stmt driver.Stmt
}

var (
	_ driver.QueryerContext     = (*stmtCacheConn)(nil)
	_ driver.ExecerContext      = (*stmtCacheConn)(nil)
	_ driver.ConnPrepareContext = (*stmtCacheConn)(nil)
	_ driver.ConnBeginTx        = (*stmtCacheConn)(nil)
	_ driver.NamedValueChecker  = (*stmtCacheConn)(nil)
	_ driver.Pinger             = (*stmtCacheConn)(nil)
	_ driver.SessionResetter    = (*stmtCacheConn)(nil)
	_ driver.Validator          = (*stmtCacheConn)(nil)
)

// prepared returns the connection's statement for text, preparing it the
// first time and closing the least recently used one past the cache's size.
func (c *stmtCacheConn) prepared(ctx context.Context, text string) (driver.Stmt, error) {
	if e, ok := c.byText[text]; ok {
		c.lru.MoveToFront(e)
		return e.Value.(*cachedStmt).stmt, nil
	}
	s, err := c.prep.PrepareContext(ctx, text)
	if err != nil {
		return nil, err
	}
	c.byText[text] = c.lru.PushFront(&cachedStmt{text: text, stmt: s})
	if c.lru.Len() > statementCacheSize {
		c.forget(c.lru.Back())
	}
	return s, nil
}

func (c *stmtCacheConn) forget(e *list.Element) {
	cs := c.lru.Remove(e).(*cachedStmt)
	delete(c.byText, cs.text)
	_ = cs.stmt.Close() // a failure leaves the connection broken, and database/sql drops it
}

// stale drops text's statement when PostgreSQL says it no longer fits
// (a migration changed a table it reads: SQLSTATE 0A000 "cached plan must
// not change result type", or 26000 "prepared statement does not exist"):
// the next run prepares it again.
func (c *stmtCacheConn) stale(text string, err error) {
	var coded interface{ SQLState() string }
	if !errors.As(err, &coded) {
		return
	}
	if code := coded.SQLState(); code == "0A000" || strings.HasPrefix(code, "26") {
		if e, ok := c.byText[text]; ok {
			c.forget(e)
		}
	}
}

func (c *stmtCacheConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) == 0 {
		if q, ok := c.Conn.(driver.QueryerContext); ok {
			return q.QueryContext(ctx, query, args)
		}
	}
	s, err := c.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	q, ok := s.(driver.StmtQueryContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	rows, err := q.QueryContext(ctx, args)
	if err != nil {
		c.stale(query, err)
	}
	return rows, err
}

func (c *stmtCacheConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if len(args) == 0 {
		if e, ok := c.Conn.(driver.ExecerContext); ok {
			return e.ExecContext(ctx, query, args)
		}
	}
	s, err := c.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	e, ok := s.(driver.StmtExecContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	res, err := e.ExecContext(ctx, args)
	if err != nil {
		c.stale(query, err)
	}
	return res, err
}

func (c *stmtCacheConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.prep.PrepareContext(ctx, query)
}

func (c *stmtCacheConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return c.Conn.Begin() //nolint:staticcheck // the driver has nothing else
}

func (c *stmtCacheConn) CheckNamedValue(nv *driver.NamedValue) error {
	if n, ok := c.Conn.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return driver.ErrSkip // database/sql's default conversion
}

func (c *stmtCacheConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *stmtCacheConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *stmtCacheConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}
