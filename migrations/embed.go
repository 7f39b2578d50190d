// Package migrations holds the database schema as versioned migrations, one
// directory per dialect (postgres/, sqlite/), each a sequence of
// NNNNNN_name.up.sql files in golang-migrate's naming with Atlas's atlas.sum
// beside them. Generate writes the next files from ent/schema (`make
// migration NAME=…`); internal/platform/store applies them. See "Changing the
// schema" in docs/OPERATIONS.md.
package migrations

import "embed"

// FS holds the migration directories postgres/ and sqlite/.
//
//go:embed postgres sqlite
var FS embed.FS
