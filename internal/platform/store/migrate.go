package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"entgo.io/ent/dialect"
	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/database"
	"github.com/golang-migrate/migrate/v4/database/postgres"
	"github.com/golang-migrate/migrate/v4/database/sqlite"
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"github.com/motcua/motcua/migrations"
)

// migrationLockKey serialises migrations of replicas starting at once.
const migrationLockKey = 7_286_001

// versionTable is golang-migrate's record of the schema's version: one row
// (version, dirty).
const versionTable = "schema_migrations"

// SchemaError says why a database's schema does not suit this build, and
// what to run.
type SchemaError struct {
	Have, Want uint // Have is 0 when no version is recorded
	Dirty      bool // the migration to Have stopped halfway
}

func (e *SchemaError) Error() string {
	switch {
	case e.Dirty:
		return fmt.Sprintf("store: schema: migration %d stopped halfway (%s is dirty): "+
			"repair it by hand, then run `motcua migrate` (docs/OPERATIONS.md, \"A migration failed\")", e.Have, versionTable)
	case e.Have == 0:
		return fmt.Sprintf("store: schema: the database has no schema version; this build needs version %d: "+
			"run `motcua migrate` (or start with --migrate)", e.Want)
	case e.Have < e.Want:
		return fmt.Sprintf("store: schema: the database is at version %d, this build needs %d: "+
			"run `motcua migrate` with this build (or start with --migrate)", e.Have, e.Want)
	default:
		return fmt.Sprintf("store: schema: the database is at version %d, newer than this build's %d: "+
			"it was migrated by a newer release; run that release", e.Have, e.Want)
	}
}

// Migrate brings the schema up to date with the migrations of this build
// (migrations.FS). A database already up to date is only read: no DDL, no
// lock. Otherwise replicas starting together take turns (an advisory lock
// on PostgreSQL, a lock file beside SQLite's), a database made by the
// auto-migration of earlier releases is adopted at version 1, and the
// missing versions are applied in order, each recorded in schema_migrations.
func (db *DB) Migrate(ctx context.Context) error {
	return db.migrate(ctx, migrations.FS)
}

// CheckSchema returns a *SchemaError unless the database is exactly at the
// version of this build's migrations. It only reads.
func (db *DB) CheckSchema(ctx context.Context) error {
	return db.checkSchema(ctx, migrations.FS)
}

func (db *DB) checkSchema(ctx context.Context, fsys fs.FS) error {
	dir, err := db.migrationDir(fsys)
	if err != nil {
		return err
	}
	want, err := latestVersion(dir)
	if err != nil {
		return err
	}
	have, dirty, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if dirty || have != want {
		return &SchemaError{Have: have, Want: want, Dirty: dirty}
	}
	return nil
}

// SchemaVersion reads the recorded version (0 when none) without changing anything.
func (db *DB) SchemaVersion(ctx context.Context) (version uint, dirty bool, err error) {
	exists, err := db.tableExists(ctx, db.SQL, versionTable)
	if err != nil || !exists {
		return 0, false, err
	}
	err = db.SQL.QueryRowContext(ctx, `SELECT version, dirty FROM `+versionTable+` LIMIT 1`).Scan(&version, &dirty)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: schema version: %w", err)
	}
	return version, dirty, nil
}

func (db *DB) migrate(ctx context.Context, fsys fs.FS) error {
	dir, err := db.migrationDir(fsys)
	if err != nil {
		return err
	}
	want, err := latestVersion(dir)
	if err != nil {
		return err
	}
	// The common start of a replica: nothing to do, and nothing written.
	have, dirty, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if !dirty && have == want {
		return nil
	}
	if have > want {
		return &SchemaError{Have: have, Want: want}
	}
	if db.Dialect == dialect.Postgres {
		return db.migratePostgres(ctx, dir, want)
	}
	return db.migrateSQLite(ctx, dir, want)
}

// migratePostgres applies the migrations on one connection holding the
// advisory lock that replicas starting together queue on. golang-migrate
// runs a file as one simple query, which PostgreSQL runs in one implicit
// transaction; a file holding a single CREATE INDEX CONCURRENTLY runs
// outside any transaction, as it must.
func (db *DB) migratePostgres(ctx context.Context, dir fs.FS, want uint) error {
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	defer conn.Close()
	if err := lockPostgres(ctx, conn); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLockKey) //nolint:errcheck
	// Another replica may have migrated while we waited for the lock.
	if have, dirty, err := db.SchemaVersion(ctx); err != nil || (!dirty && have == want) {
		return err
	}
	drv, err := postgres.WithConnection(ctx, conn, &postgres.Config{MigrationsTable: versionTable})
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	// drv is not closed: that would close conn before the unlock above.
	return db.applyMigrations(ctx, dir, drv, want, func(first []byte) error {
		return checkBaselinePostgres(ctx, conn, first)
	})
}

// lockPostgres takes the migration lock, polling for it. A replica waiting
// in pg_advisory_lock would sit in a statement whose snapshot CREATE INDEX
// CONCURRENTLY (run by the replica holding the lock) waits for: a deadlock.
// Between two tries nothing of ours is open.
func lockPostgres(ctx context.Context, conn *sql.Conn) error {
	for {
		var locked bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, migrationLockKey).Scan(&locked); err != nil {
			return fmt.Errorf("store: migrate: lock: %w", err)
		}
		if locked {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("store: migrate: wait for another replica's migration: %w", ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// migrateSQLite applies the migrations through a connection of its own with
// foreign keys off: Atlas rebuilds a SQLite table to change a column (copy,
// drop, rename), and with foreign keys on, dropping the old table would
// delete or refuse the rows that refer to it. The keys are checked at the
// end. golang-migrate wraps each file in a transaction; the lock file keeps
// two processes from applying the same version.
func (db *DB) migrateSQLite(ctx context.Context, dir fs.FS, want uint) error {
	unlock, err := lockFile(db.path + ".migrate-lock")
	if err != nil {
		return fmt.Errorf("store: migrate: lock: %w", err)
	}
	defer unlock()
	if have, dirty, err := db.SchemaVersion(ctx); err != nil || (!dirty && have == want) {
		return err
	}
	mdb, err := sql.Open("sqlite", sqliteDSN(db.path, false))
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	defer mdb.Close()
	mdb.SetMaxOpenConns(1)
	drv, err := sqlite.WithInstance(mdb, &sqlite.Config{MigrationsTable: versionTable})
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	err = db.applyMigrations(ctx, dir, drv, want, func(first []byte) error {
		return checkBaselineSQLite(ctx, mdb, first)
	})
	if err != nil {
		return err
	}
	rows, err := mdb.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("store: migrate: foreign key check: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		var table string
		var rowid sql.NullInt64
		var parent string
		var fk int
		_ = rows.Scan(&table, &rowid, &parent, &fk)
		return fmt.Errorf("store: migrate: a row of %s refers to a missing %s row after migrating", table, parent)
	}
	return rows.Err()
}

// applyMigrations adopts a database made before versioned migrations
// (tables but no version: checked against version 1 by checkBaseline, then
// recorded as version 1), then applies every version after the recorded one.
func (db *DB) applyMigrations(ctx context.Context, dir fs.FS, drv database.Driver, want uint, checkBaseline func(first []byte) error) error {
	src, err := iofs.New(dir, ".")
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	defer src.Close()
	m, err := migrate.NewWithInstance("iofs", src, db.Dialect, drv)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	have, dirty, err := m.Version()
	switch {
	case errors.Is(err, migrate.ErrNilVersion):
		adopt, err := db.hasProductTables(ctx)
		if err != nil {
			return err
		}
		if adopt {
			first, err := firstMigration(dir)
			if err != nil {
				return err
			}
			if err := checkBaseline(first); err != nil {
				return fmt.Errorf("store: migrate: the database has tables but no schema version, "+
					"and they are not those of version 1 (the schema of the release before versioned migrations): %w", err)
			}
			if err := m.Force(1); err != nil {
				return fmt.Errorf("store: migrate: record version 1: %w", err)
			}
		}
	case err != nil:
		return fmt.Errorf("store: migrate: %w", err)
	case dirty:
		return &SchemaError{Have: have, Want: want, Dirty: true}
	case have > want:
		return &SchemaError{Have: have, Want: want}
	}
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// migrationDir is this dialect's directory of fsys.
func (db *DB) migrationDir(fsys fs.FS) (fs.FS, error) {
	name := "sqlite"
	if db.Dialect == dialect.Postgres {
		name = "postgres"
	}
	dir, err := fs.Sub(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return dir, nil
}

// latestVersion is the highest version among dir's migration files.
func latestVersion(dir fs.FS) (uint, error) {
	names, err := migrationFiles(dir)
	if err != nil {
		return 0, err
	}
	return migrations.Version(names[len(names)-1]), nil
}

// firstMigration is the SQL of version 1.
func firstMigration(dir fs.FS) ([]byte, error) {
	names, err := migrationFiles(dir)
	if err != nil {
		return nil, err
	}
	if migrations.Version(names[0]) != 1 {
		return nil, fmt.Errorf("store: migrations: the first file is %s, not version 1", names[0])
	}
	b, err := fs.ReadFile(dir, names[0])
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return b, nil
}

// migrationFiles lists dir's migration files by version.
func migrationFiles(dir fs.FS) ([]string, error) {
	all, err := fs.Glob(dir, "*.up.sql")
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	var names []string
	for _, n := range all {
		if migrations.Version(n) > 0 {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil, errors.New("store: migrations: no migration files")
	}
	sort.Slice(names, func(i, j int) bool { return migrations.Version(names[i]) < migrations.Version(names[j]) })
	return names, nil
}
