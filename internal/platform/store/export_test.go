package store

import (
	"context"
	"io/fs"
)

// MigrateFS migrates with the migration directories of fsys instead of
// this build's (tests add versions or leave some out).
func (db *DB) MigrateFS(ctx context.Context, fsys fs.FS) error { return db.migrate(ctx, fsys) }

// CheckSchemaFS is CheckSchema against the migration directories of fsys.
func (db *DB) CheckSchemaFS(ctx context.Context, fsys fs.FS) error { return db.checkSchema(ctx, fsys) }
