// Package dbtest gives tests a real, empty database: a fresh PostgreSQL database on a
// throwaway cluster (or on the server named by MOTCUA_TEST_POSTGRES), or a SQLite file.
//
// One throwaway cluster serves the whole test binary. It is started lazily by the first
// test that asks, stopped by Main (call it from TestMain) and, should the binary die
// without reaching Main (panic, timeout, kill, Ctrl-C), stopped and deleted by a small
// watchdog process that waits for the test binary to exit.
package dbtest

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/lib/pq" // the "postgres" database/sql driver used to create databases
	"github.com/motcua/motcua/internal/testkit/pgcluster"
)

// EnvPostgres names the environment variable that points the tests at an existing
// PostgreSQL server (a URL of a role that may CREATE DATABASE) instead of a throwaway cluster.
const EnvPostgres = "MOTCUA_TEST_POSTGRES"

// errNoBinaries says PostgreSQL is not installed; tests skip (or fail on CI) on it.
var errNoBinaries = fmt.Errorf("PostgreSQL tests SKIPPED: %w; "+
	"or set "+EnvPostgres+"=postgres://USER@HOST:PORT/postgres?sslmode=disable", pgcluster.ErrNoBinaries)

// shared is the one server of this test binary. It is package state on purpose, and only
// in this test-support package: a test binary is one process that wants one cluster,
// started by whichever test asks first; threading it through every test would buy nothing.
// The mutex makes concurrent first calls wait for a single start.
var shared struct {
	mu      sync.Mutex
	started bool
	srv     *server
	err     error
}

// PostgresURL returns a connection URL (postgres://...?...sslmode=disable) of a fresh,
// empty database for this test, with the extensions pg_trgm and unaccent created. The
// database lives on a throwaway cluster shared by the whole test binary, or on the server
// named by MOTCUA_TEST_POSTGRES when that is set; it is dropped when the test ends.
//
// Without PostgreSQL binaries the test is skipped with a loud message, except on CI
// (CI=true) where it fails: a CI run must not pass by skipping its database tests.
func PostgresURL(t testing.TB) string {
	t.Helper()
	return postgresURL(t, "", nil)
}

// PostgresURLFrom is PostgresURL for a database that starts as a copy of a
// template: a database of the test binary named by key, made once by
// prepare (given its URL; prepare must close its connections) and dropped
// with the cluster. Tests that all need the same start (a migrated schema)
// pay for it once per test binary instead of once per test.
func PostgresURLFrom(t testing.TB, key string, prepare func(ctx context.Context, url string) error) string {
	t.Helper()
	return postgresURL(t, key, prepare)
}

func postgresURL(t testing.TB, key string, prepare func(ctx context.Context, url string) error) string {
	t.Helper()
	srv, err := sharedServer()
	if errors.Is(err, errNoBinaries) {
		skipOrFail(t, os.Getenv("CI") == "true", err)
		return ""
	}
	if err != nil {
		t.Fatalf("dbtest: %v", err)
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	template := ""
	if key != "" {
		if template, err = srv.template(ctx, key, prepare); err != nil {
			t.Fatalf("dbtest: template %s: %v", key, err)
			return ""
		}
	}
	name, dbURL, err := srv.createDatabase(ctx, template)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
		return ""
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := srv.dropDatabase(ctx, name); err != nil {
			t.Logf("dbtest: %v", err)
		}
	})
	return dbURL
}

// SQLiteURL returns the URL of a SQLite database file in this test's temporary
// directory, in the form the product's database opener understands: "sqlite://PATH".
func SQLiteURL(t testing.TB) string {
	t.Helper()
	return "sqlite://" + filepath.Join(t.TempDir(), "motcua.db")
}

// SQLiteURLFrom is SQLiteURL for a file that starts as a copy of a
// template made once per test binary by prepare (given the template's URL;
// prepare must close it), like PostgresURLFrom.
func SQLiteURLFrom(t testing.TB, key string, prepare func(ctx context.Context, url string) error) string {
	t.Helper()
	tpl, err := sqliteTemplate(key, prepare)
	if err != nil {
		t.Fatalf("dbtest: SQLite template %s: %v", key, err)
		return ""
	}
	path := filepath.Join(t.TempDir(), "motcua.db")
	for _, suffix := range []string{"", "-wal"} { // the WAL is normally checkpointed away on close
		b, err := os.ReadFile(tpl + suffix)
		if errors.Is(err, os.ErrNotExist) && suffix != "" {
			continue
		}
		if err == nil {
			err = os.WriteFile(path+suffix, b, 0o600)
		}
		if err != nil {
			t.Fatalf("dbtest: copy SQLite template: %v", err)
		}
	}
	return "sqlite://" + path
}

// sqliteTemplates are the template files of this test binary, in a
// directory that Cleanup removes (package state for the reason shared is).
var sqliteTemplates struct {
	mu    sync.Mutex
	dir   string
	byKey map[string]*template
}

func sqliteTemplate(key string, prepare func(ctx context.Context, url string) error) (string, error) {
	sqliteTemplates.mu.Lock()
	if sqliteTemplates.byKey == nil {
		sqliteTemplates.byKey = map[string]*template{}
	}
	tpl := sqliteTemplates.byKey[key]
	if tpl == nil {
		tpl = &template{}
		sqliteTemplates.byKey[key] = tpl
	}
	if sqliteTemplates.dir == "" {
		dir, err := os.MkdirTemp("", "dbtest-sqlite-")
		if err != nil {
			sqliteTemplates.mu.Unlock()
			return "", err
		}
		sqliteTemplates.dir = dir
	}
	dir := sqliteTemplates.dir
	sqliteTemplates.mu.Unlock()
	tpl.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		tpl.name = filepath.Join(dir, hex.EncodeToString([]byte(key))+".db")
		tpl.err = prepare(ctx, "sqlite://"+tpl.name)
	})
	return tpl.name, tpl.err
}

// Main runs the tests, then stops the throwaway cluster (if one was started) and removes
// its directory, and exits with the tests' code. Use it as the body of TestMain:
//
//	func TestMain(m *testing.M) { dbtest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if err := Cleanup(); err != nil {
		fmt.Fprintf(os.Stderr, "dbtest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// Cleanup stops the throwaway cluster and removes its directory. Main calls it; call it
// yourself only from a TestMain that cannot use Main. Later PostgresURL calls fail.
func Cleanup() error {
	sqliteTemplates.mu.Lock()
	if sqliteTemplates.dir != "" {
		_ = os.RemoveAll(sqliteTemplates.dir)
		sqliteTemplates.dir, sqliteTemplates.byKey = "", nil
	}
	sqliteTemplates.mu.Unlock()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	srv := shared.srv
	shared.started, shared.srv, shared.err = true, nil, errors.New("the test cluster was already cleaned up")
	if srv == nil {
		return nil
	}
	return srv.close()
}

func sharedServer() (*server, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.started {
		shared.started = true
		shared.srv, shared.err = startServer(os.Getenv(EnvPostgres))
	}
	return shared.srv, shared.err
}

// skipOrFail reports missing PostgreSQL binaries: a skip locally, a failure on CI.
func skipOrFail(t testing.TB, onCI bool, err error) {
	t.Helper()
	if onCI {
		t.Fatalf("%v (CI=true: refusing to skip database tests)", err)
		return
	}
	t.Skipf("\n*****\n***** %v\n*****", err)
}

// server is a PostgreSQL server on which we may create databases.
type server struct {
	url     string             // any database on the server
	admin   *sql.DB            // connection to the maintenance database, for CREATE/DROP DATABASE
	cluster *pgcluster.Cluster // the throwaway cluster, or nil for an external server

	mu        sync.Mutex
	templates map[string]*template // by key
}

// template is a database that test databases are copied from.
type template struct {
	once sync.Once
	name string
	err  error
}

// template returns the name of the template database of key, making it on
// the first call.
func (s *server) template(ctx context.Context, key string, prepare func(ctx context.Context, url string) error) (string, error) {
	s.mu.Lock()
	if s.templates == nil {
		s.templates = map[string]*template{}
	}
	tpl := s.templates[key]
	if tpl == nil {
		tpl = &template{}
		s.templates[key] = tpl
	}
	s.mu.Unlock()
	tpl.once.Do(func() {
		name, dbURL, err := s.createDatabase(ctx, "")
		if err != nil {
			tpl.err = err
			return
		}
		tpl.name = name
		tpl.err = prepare(ctx, dbURL)
	})
	return tpl.name, tpl.err
}

// startServer connects to the external server at externalURL or, when it is empty,
// starts a throwaway cluster.
func startServer(externalURL string) (*server, error) {
	if externalURL != "" {
		return connectServer(externalURL, nil)
	}
	bin, err := pgcluster.Find()
	if errors.Is(err, pgcluster.ErrNoBinaries) {
		return nil, errNoBinaries
	}
	if err != nil {
		return nil, err
	}
	c, err := pgcluster.Start(bin, pgcluster.Options{})
	if err != nil {
		return nil, err
	}
	srv, err := connectServer(c.URL("postgres", "postgres"), c)
	if err != nil {
		return nil, errors.Join(err, c.Stop())
	}
	return srv, nil
}

func connectServer(rawURL string, c *pgcluster.Cluster) (*server, error) {
	base, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("parse server URL: %w", err) // the URL may hold a password: not echoed
	}
	admin, err := sql.Open("postgres", rawURL)
	if err != nil {
		return nil, fmt.Errorf("open server: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		_ = admin.Close()
		return nil, fmt.Errorf("connect to %s@%s: %w", base.User.Username(), base.Host, err)
	}
	return &server{url: rawURL, admin: admin, cluster: c}, nil
}

// createDatabase creates an empty database with the extensions, or a copy
// of template, and returns its name and URL.
func (s *server) createDatabase(ctx context.Context, template string) (name, dbURL string, err error) {
	if template != "" {
		return pgcluster.CopyDatabase(ctx, s.admin, s.url, "t_", template)
	}
	return pgcluster.CreateDatabase(ctx, s.admin, s.url, "t_")
}

// dropDatabase drops a test database, closing any connection a test left open.
func (s *server) dropDatabase(ctx context.Context, name string) error {
	return pgcluster.DropDatabase(ctx, s.admin, name)
}

func (s *server) close() error {
	var err error
	s.mu.Lock()
	for _, tpl := range s.templates {
		if tpl.name != "" {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			err = errors.Join(err, s.dropDatabase(ctx, tpl.name))
			cancel()
		}
	}
	s.mu.Unlock()
	err = errors.Join(err, s.admin.Close())
	if s.cluster != nil {
		err = errors.Join(err, s.cluster.Stop())
	}
	return err
}
