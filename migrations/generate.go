package migrations

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"ariga.io/atlas/sql/migrate"
	atlas "ariga.io/atlas/sql/schema"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"

	entmigrate "github.com/motcua/motcua/ent/migrate"
)

// fileName is a migration file's name: its version, then a name (golang-migrate's form).
var fileName = regexp.MustCompile(`^([0-9]+)_([a-z0-9_]+)\.up\.sql$`)

// Version returns the version a migration file's name carries (0 for a file
// that is not a migration, such as atlas.sum).
func Version(name string) uint {
	m := fileName.FindStringSubmatch(path.Base(name))
	if m == nil {
		return 0
	}
	v, err := strconv.ParseUint(m[1], 10, 32)
	if err != nil {
		return 0
	}
	return uint(v)
}

// Generate writes to dir the migration files that take a database migrated
// by dir's files to what ent/schema declares, and updates dir's atlas.sum.
// drv is a dev database on which every file of dir has been applied (and
// nothing else); it is only read. The new files are numbered after dir's
// last; their names are returned (none when the schema and dir agree).
//
// Nothing is dropped: Ent's diff leaves out dropped indexes and columns, so
// indexes written by hand (trigram, prefix) survive and a column leaves the
// schema only by a hand-written contract migration. On PostgreSQL, an index
// added to an existing table is built CONCURRENTLY, each in a file of its
// own (a multi-statement file runs in one implicit transaction, where
// CONCURRENTLY is refused).
func Generate(ctx context.Context, drv dialect.Driver, dir migrate.Dir, name string) ([]string, error) {
	if !regexp.MustCompile(`^[a-z0-9_]+$`).MatchString(name) {
		return nil, fmt.Errorf("migrations: name %q: use lower-case letters, digits and _", name)
	}
	before, err := dir.Files()
	if err != nil {
		return nil, fmt.Errorf("migrations: read dir: %w", err)
	}
	last := uint(0)
	for _, f := range before {
		last = max(last, Version(f.Name()))
	}
	m, err := schema.NewMigrate(drv,
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeInspect),
		schema.WithFormatter(formatter{next: last + 1, dialect: drv.Dialect()}),
		schema.WithDropIndex(false),
		schema.WithDropColumn(false),
	)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	if err := m.NamedDiff(ctx, name, entmigrate.Tables...); err != nil {
		return nil, fmt.Errorf("migrations: diff: %w", err)
	}
	after, err := dir.Files()
	if err != nil {
		return nil, fmt.Errorf("migrations: read dir: %w", err)
	}
	known := map[string]bool{}
	for _, f := range before {
		known[f.Name()] = true
	}
	var added []string
	for _, f := range after {
		if !known[f.Name()] {
			added = append(added, f.Name())
		}
	}
	return added, nil
}

// formatter turns Ent's plan into numbered golang-migrate files (no down
// files: a release never migrates down, see docs/OPERATIONS.md).
type formatter struct {
	next    uint
	dialect string
}

// Format implements migrate.Formatter.
func (f formatter) Format(plan *migrate.Plan) ([]migrate.File, error) {
	var main, concurrent []*migrate.Change
	for _, c := range plan.Changes {
		if f.dialect == dialect.Postgres && indexOnExistingTable(c) {
			concurrent = append(concurrent, c)
			continue
		}
		main = append(main, c)
	}
	var files []migrate.File
	version := f.next
	add := func(name string, changes []*migrate.Change) {
		var b strings.Builder
		for _, c := range changes {
			if c.Comment != "" {
				fmt.Fprintf(&b, "-- %s\n", c.Comment)
			}
			fmt.Fprintf(&b, "%s;\n", c.Cmd)
		}
		files = append(files, migrate.NewLocalFile(fmt.Sprintf("%06d_%s.up.sql", version, name), []byte(b.String())))
		version++
	}
	if len(main) > 0 {
		add(plan.Name, main)
	}
	for i, c := range concurrent {
		c.Cmd = strings.Replace(c.Cmd, " INDEX ", " INDEX CONCURRENTLY ", 1)
		add(fmt.Sprintf("%s_index_%d", plan.Name, i+1), []*migrate.Change{c})
	}
	return files, nil
}

// indexOnExistingTable reports whether c creates an index on a table that
// exists before the plan (an index of a table created by the same plan is
// built on an empty table, in the table's file).
func indexOnExistingTable(c *migrate.Change) bool {
	if _, ok := c.Source.(*atlas.ModifyTable); !ok {
		return false
	}
	return strings.HasPrefix(c.Cmd, "CREATE INDEX ") || strings.HasPrefix(c.Cmd, "CREATE UNIQUE INDEX ")
}
