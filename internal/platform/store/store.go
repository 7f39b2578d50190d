// Package store opens the database (SQLite by default, PostgreSQL in
// production), migrates it and runs transactions.
//
// A transaction exposes both the Ent client bound to it and the underlying
// *sql.Tx, so that a job queue can enqueue in the same transaction as the
// business change, and it runs OnCommit hooks (event publishing) only after
// the commit succeeded.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/lib/pq"  // PostgreSQL driver "postgres"
	_ "modernc.org/sqlite" // SQLite driver "sqlite", pure Go

	"github.com/motcua/motcua/ent"
	_ "github.com/motcua/motcua/ent/runtime" // privacy policies and defaults
)

// DefaultURL is the embedded database of `make run`.
const DefaultURL = "sqlite://./data/motcua.db"

// DB is an open database.
type DB struct {
	Client  *ent.Client
	SQL     *sql.DB
	Dialect string // dialect.SQLite or dialect.Postgres
	// DSN is the driver's connection string (for LISTEN/NOTIFY and the job queue).
	DSN string
	// path is the SQLite file ("" on PostgreSQL).
	path string

	signalsMu sync.RWMutex
	signals   map[string][]func()
}

// Option changes how Open opens the database.
type Option func(*options)

type options struct {
	wrap func(driver.Driver) driver.Driver
}

// WithDriver wraps the SQL driver (a test counting the statements an
// operation sends, for example); nil leaves it as it is.
func WithDriver(wrap func(driver.Driver) driver.Driver) Option {
	return func(o *options) { o.wrap = wrap }
}

// OnSignal calls fn after every committed transaction that raised the
// signal name (Tx.Signal): how a background worker of this process, such as
// the audit sealer, learns there is new work without polling for it. fn
// must return quickly.
func (db *DB) OnSignal(name string, fn func()) {
	db.signalsMu.Lock()
	defer db.signalsMu.Unlock()
	if db.signals == nil {
		db.signals = map[string][]func(){}
	}
	db.signals[name] = append(db.signals[name], fn)
}

func (db *DB) raise(names map[string]bool) {
	db.signalsMu.RLock()
	defer db.signalsMu.RUnlock()
	for name := range names {
		for _, fn := range db.signals[name] {
			fn()
		}
	}
}

// Open opens the database named by rawURL: sqlite://PATH or postgres://….
func Open(ctx context.Context, rawURL string, opts ...Option) (*DB, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	driverName, dialectName, dsn, path, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	drv, wrapped := db.Driver(), false
	if dialectName == dialect.Postgres {
		drv, wrapped = cacheStatements(drv), true
	}
	if o.wrap != nil {
		drv, wrapped = o.wrap(drv), true // outside the cache: a counting wrapper sees every statement run
	}
	if wrapped {
		_ = db.Close() // never connected: sql.Open only names the driver
		db = sql.OpenDB(dsnConnector{dsn: dsn, drv: drv})
	}
	if dialectName == dialect.Postgres {
		// As many idle connections as open ones: with fewer, a burst of
		// requests closes what it opened and the next burst opens them
		// again — a PostgreSQL backend's start (fork, catalog caches, first
		// plans) cost more than the statements they ran (S2 in
		// docs/PERFORMANCE.md: 149 new connections in 15 s at 32 concurrent
		// requests). Idle ones are closed after five minutes.
		db.SetMaxOpenConns(maxPostgresConns)
		db.SetMaxIdleConns(maxPostgresConns)
		db.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		// One writer at a time is SQLite's nature; immediate transactions
		// (see parseURL) queue writers on the busy timeout instead of failing
		// on lock upgrades. Readers in WAL mode do not block.
		db.SetMaxOpenConns(8)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	entDrv := entsql.OpenDB(dialectName, db)
	return &DB{Client: ent.NewClient(ent.Driver(entDrv)), SQL: db, Dialect: dialectName, DSN: dsn, path: path}, nil
}

// maxPostgresConns bounds a replica's PostgreSQL connections.
const maxPostgresConns = 40

// dsnConnector opens connections of drv to dsn.
type dsnConnector struct {
	dsn string
	drv driver.Driver
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.drv }

// parseURL maps our database URL onto a driver and its DSN (and, for
// SQLite, the file's path).
func parseURL(rawURL string) (driverName, dialectName, dsn, path string, err error) {
	switch {
	case strings.HasPrefix(rawURL, "sqlite://"):
		path := strings.TrimPrefix(rawURL, "sqlite://")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if path == "" {
			return "", "", "", "", fmt.Errorf("store: %q names no file", rawURL)
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return "", "", "", "", fmt.Errorf("store: create %s: %w", dir, err)
			}
		}
		return "sqlite", dialect.SQLite, sqliteDSN(path, true), path, nil
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return "postgres", dialect.Postgres, rawURL, "", nil
	default:
		return "", "", "", "", fmt.Errorf("store: unsupported database URL (want sqlite://PATH or postgres://…)")
	}
}

// sqliteDSN is the DSN of the SQLite file at path. Migrations turn foreign
// keys off (see migrateSQLite); everything else has them on.
func sqliteDSN(path string, foreignKeys bool) string {
	q := url.Values{}
	if foreignKeys {
		q.Add("_pragma", "foreign_keys(1)")
	} else {
		q.Add("_pragma", "foreign_keys(0)")
	}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Close closes the database.
func (db *DB) Close() error { return db.Client.Close() }

// Ping reports whether the database answers (readiness).
func (db *DB) Ping(ctx context.Context) error { return db.SQL.PingContext(ctx) }

// Tx is a transaction in progress.
type Tx struct {
	// Client is the Ent client bound to the transaction.
	Client *ent.Client
	// SQL is the underlying transaction (for the job queue's InsertTx).
	SQL      *sql.Tx
	Dialect  string
	onCommit []func()
	signals  map[string]bool
}

// OnCommit runs fn after the transaction committed (never on rollback).
func (tx *Tx) OnCommit(fn func()) { tx.onCommit = append(tx.onCommit, fn) }

// Signal raises the signal name once the transaction commits (see
// DB.OnSignal); raising it several times in one transaction counts once.
func (tx *Tx) Signal(name string) {
	if tx.signals == nil {
		tx.signals = map[string]bool{}
	}
	tx.signals[name] = true
}

// InTx runs fn in a transaction: committed when fn returns nil, rolled back
// otherwise (and on panic). OnCommit hooks run after a successful commit.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) (err error) {
	sqlTx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	drv := inTxDriver{entsql.NewDriver(db.Dialect, entsql.Conn{ExecQuerier: sqlTx})}
	tx := &Tx{Client: ent.NewClient(ent.Driver(drv)), SQL: sqlTx, Dialect: db.Dialect}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := fn(ctx, tx); err != nil {
		if rbErr := sqlTx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("store: rollback: %w", rbErr))
		}
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	for _, hook := range tx.onCommit {
		hook()
	}
	if len(tx.signals) > 0 {
		db.raise(tx.signals)
	}
	return nil
}

// inTxDriver is an Ent driver bound to a transaction in progress. Operations
// that would open a transaction of their own (UpdateOne with hooks, for
// example) join this one instead.
type inTxDriver struct{ *entsql.Driver }

// Tx returns a transaction that is the surrounding one: commit and rollback
// are left to InTx.
func (d inTxDriver) Tx(context.Context) (dialect.Tx, error) { return dialect.NopTx(d.Driver), nil }

// IsPostgres reports whether the database is PostgreSQL.
func (db *DB) IsPostgres() bool { return db.Dialect == dialect.Postgres }
