// Command motcua is the one-stop-desk back office: `motcua serve` runs the
// server; the other subcommands migrate, seed, import and administer.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

const usage = `motcua — one-stop desk back office

Usage:
  motcua serve     [flags]                 run the server (see motcua serve -h)
  motcua migrate   [--database URL]        create or update the database schema
  motcua seed demo [--database URL]        demo units and accounts (idempotent)
  motcua seed generate --accounts N --officers M [--database URL]
  motcua admin create-super --id-number N --name NAME --phone P   (password on stdin)
  motcua units import FILE.csv [--dry-run]
  motcua accounts import FILE.csv [--dry-run]
  motcua audit verify                      check the audit trail's hash chain
  motcua audit seal                        chain the events not yet sealed (a running server does it every second)
  motcua oidc-clients add --name NAME --unit UNIT_CODE --redirect-uri URI [...]   (JSON on stdout)
  motcua oidc-clients list | disable CLIENT_ID | rotate-secret CLIENT_ID
  motcua oidc-keys rotate                  add a new signing key (the previous stays in the JWKS)

Every flag is also an environment variable MOTCUA_<FLAG>, e.g. MOTCUA_DATABASE.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "motcua:", err)
		os.Exit(1)
	}
}

// run runs one command line. Asking a command for its flags (`motcua serve
// --help`) is not a failure: the flag set prints them and run returns nil.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	err := dispatch(ctx, args, stdin, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func dispatch(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command")
	}
	cmd, rest := args[0], args[1:]
	sub := func() (string, []string) {
		if len(rest) == 0 {
			return "", nil
		}
		return rest[0], rest[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout, stderr)
	case "migrate":
		return migrate(ctx, rest, stdout, stderr)
	case "seed":
		switch s, r := sub(); s {
		case "demo":
			return seedDemo(ctx, r, stdout, stderr)
		case "generate":
			return seedGenerate(ctx, r, stdout, stderr)
		}
	case "admin":
		if s, r := sub(); s == "create-super" {
			return createSuper(ctx, r, stdin, stdout, stderr)
		}
	case "units":
		if s, r := sub(); s == "import" {
			return unitsImport(ctx, r, stdout, stderr)
		}
	case "accounts":
		if s, r := sub(); s == "import" {
			return accountsImport(ctx, r, stdout, stderr)
		}
	case "audit":
		switch s, r := sub(); s {
		case "verify":
			return auditVerify(ctx, r, stdout, stderr)
		case "seal":
			return auditSeal(ctx, r, stdout, stderr)
		}
	case "oidc-clients":
		if s, r := sub(); s == "add" || s == "list" || s == "disable" || s == "rotate-secret" {
			return oidcClients(ctx, s, r, stdout, stderr)
		}
	case "oidc-keys":
		if s, r := sub(); s == "rotate" {
			return oidcKeys(ctx, r, stdout, stderr)
		}
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", strings.Join(args[:min(2, len(args))], " "))
}

// newFlags returns a flag set whose flags default to MOTCUA_<NAME> when set
// (call applyEnv after defining the flags, before Parse).
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("motcua "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse applies MOTCUA_* environment variables, then the command line.
func parse(fs *flag.FlagSet, args []string) error {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		key := "MOTCUA_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(key); ok {
			if err := f.Value.Set(v); err != nil && envErr == nil {
				envErr = fmt.Errorf("%s: %w", key, err)
			}
		}
	})
	if envErr != nil {
		return envErr
	}
	return fs.Parse(args)
}
