package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/app"

	"github.com/motcua/motcua/internal/domain/accounts"
	"github.com/motcua/motcua/internal/domain/auth"
	"github.com/motcua/motcua/internal/domain/officers"
	"github.com/motcua/motcua/internal/domain/seed"
	"github.com/motcua/motcua/internal/domain/units"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/otp"
	"github.com/motcua/motcua/internal/rules/password"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

// openDB opens and migrates the database named by --database.
func openDB(ctx context.Context, url string) (*store.DB, error) {
	db, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := app.MigrateAll(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate", stderr)
	database := fs.String("database", store.DefaultURL, "database URL")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := openDB(ctx, *database)
	if err != nil {
		return err
	}
	defer db.Close()
	v, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database is up to date (schema version %d)\n", v)
	return nil
}

func seedDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("seed demo", stderr)
	database := fs.String("database", store.DefaultURL, "database URL")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := openDB(ctx, *database)
	if err != nil {
		return err
	}
	defer db.Close()
	demo, err := seed.DemoData(ctx, db, units.New(db, time.Now), password.NewHasher(0).Hash, time.Now)
	if err != nil {
		return err
	}
	printDemo(stdout, demo)
	return nil
}

func seedGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("seed generate", stderr)
	database := fs.String("database", store.DefaultURL, "database URL")
	n := fs.Int("accounts", 10000, "accounts to generate")
	m := fs.Int("officers", 100, "officers to generate")
	seedValue := fs.Int64("seed", 1, "random seed (the same seed gives the same data)")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := openDB(ctx, *database)
	if err != nil {
		return err
	}
	defer db.Close()
	stats, err := seed.Generate(ctx, db, seed.GenerateOptions{Accounts: *n, Officers: *m, Seed: *seedValue},
		func(done int) { fmt.Fprintf(stderr, "\r%d accounts", done) })
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generated %d accounts, %d officers, %d units in %s (%.0f accounts/s)\n",
		stats.Accounts, stats.Officers, stats.Units, stats.Duration.Round(time.Millisecond),
		float64(stats.Accounts)/stats.Duration.Seconds())
	return nil
}

func createSuper(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("admin create-super", stderr)
	database := fs.String("database", store.DefaultURL, "database URL")
	idNumber := fs.String("id-number", "", "12-digit personal identification number")
	name := fs.String("name", "", "full name")
	phone := fs.String("phone", "", "mobile phone")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *idNumber == "" || *name == "" || *phone == "" {
		return errors.New("--id-number, --name and --phone are required; the password is read from standard input")
	}
	pw, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	pw = strings.TrimRight(pw, "\r\n")
	db, err := openDB(ctx, *database)
	if err != nil {
		return err
	}
	defer db.Close()
	authz, err := policy.New(ctx, officers.Assignments(db.Client))
	if err != nil {
		return err
	}
	svc := auth.New(auth.Config{DB: db, Hasher: password.NewHasher(0), Authz: authz, Now: time.Now, OTPPolicy: otp.DefaultPolicy()})
	acc, err := svc.CreateSuperAdmin(viewer.System(ctx), *idNumber, *name, *phone, pw)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "super admin created: account %s\n", acc.ID)
	return nil
}

// importFlags parses FILE.csv [--dry-run] in either order.
func importFlags(name string, args []string, stderr io.Writer) (database, file string, dryRun bool, err error) {
	fs := newFlags(name, stderr)
	db := fs.String("database", store.DefaultURL, "database URL")
	dry := fs.Bool("dry-run", false, "check every row and write nothing")
	var files []string
	for len(args) > 0 {
		if err := parse(fs, args); err != nil {
			return "", "", false, err
		}
		args = fs.Args()
		if len(args) > 0 {
			files = append(files, args[0])
			args = args[1:]
		}
	}
	if err := parse(fs, nil); err != nil {
		return "", "", false, err
	}
	if len(files) != 1 {
		return "", "", false, fmt.Errorf("motcua %s FILE.csv [--dry-run]: name one file", name)
	}
	return *db, files[0], *dry, nil
}

// importResult is what an import reports, whatever it imports.
type importResult struct {
	rows, created int
	problems      []string // "LINE: COLUMN: message"
}

// importCSV runs one CSV import command: FILE.csv [--dry-run], every bad row
// listed with its line, nothing written unless every row is good.
func importCSV(ctx context.Context, name, what string, args []string, stdout, stderr io.Writer,
	do func(ctx context.Context, db *store.DB, r io.Reader, dryRun bool) (importResult, error)) error {
	database, file, dryRun, err := importFlags(name, args, stderr)
	if err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := openDB(ctx, database)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := do(viewer.System(ctx), db, f, dryRun)
	for _, p := range res.problems {
		fmt.Fprintf(stderr, "%s:%s\n", file, p)
	}
	if len(res.problems) > 0 {
		return fmt.Errorf("%d problems in %d rows; nothing was written", len(res.problems), res.rows)
	}
	if err != nil {
		return err
	}
	if dryRun {
		fmt.Fprintf(stdout, "dry run: %d rows are valid; nothing was written\n", res.rows)
	} else {
		fmt.Fprintf(stdout, "imported %d %s\n", res.created, what)
	}
	return nil
}

func unitsImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return importCSV(ctx, "units import", "units", args, stdout, stderr,
		func(ctx context.Context, db *store.DB, r io.Reader, dryRun bool) (importResult, error) {
			rep, err := units.New(db, time.Now).Import(ctx, r, dryRun)
			res := importResult{rows: rep.Rows, created: rep.Created}
			for _, e := range rep.Errors {
				res.problems = append(res.problems, fmt.Sprintf("%d: %s: %s", e.Line, e.Column, e.Message))
			}
			return res, err
		})
}

func accountsImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return importCSV(ctx, "accounts import", "accounts", args, stdout, stderr,
		func(ctx context.Context, db *store.DB, r io.Reader, dryRun bool) (importResult, error) {
			rep, err := accounts.Import(ctx, db, r, dryRun, time.Now)
			res := importResult{rows: rep.Rows, created: rep.Created}
			for _, p := range rep.Problems {
				res.problems = append(res.problems, fmt.Sprintf("%d: %s: %s", p.Line, p.Column, p.VI))
			}
			return res, err
		})
}

func auditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("audit verify", stderr)
	database := fs.String("database", store.DefaultURL, "database URL")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := openDB(ctx, *database)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := audit.Verify(ctx, db.Client)
	if err != nil {
		return err
	}
	if b := rep.Broken; b != nil {
		return fmt.Errorf("audit chain broken at event %d (%s): %s (%d events checked, %d events not yet sealed)",
			b.Seq, b.ID, b.Reason, rep.Checked, rep.Unsealed)
	}
	fmt.Fprintf(stdout, "audit chain intact: %d events\n", rep.Checked)
	if rep.Unsealed > 0 {
		fmt.Fprintf(stdout, "%d events not yet sealed (a running server seals them within a second; or run motcua audit seal)\n", rep.Unsealed)
	}
	return nil
}

func auditSeal(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("audit seal", stderr)
	database := fs.String("database", store.DefaultURL, "database URL")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := openDB(ctx, *database)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := audit.SealAll(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sealed %d events\n", n)
	return nil
}
