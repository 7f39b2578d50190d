package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/domain/registrations"
	"github.com/motcua/motcua/internal/domain/seed"
	"github.com/motcua/motcua/internal/domain/sso"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/smsqueue"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/server"
)

type serveFlags struct {
	demoHistory                                                          bool
	addr, database, publicURL, origins, secretKey, scansBucket, logLevel string
	dev, trustProxy, migrate, clamdAccept                                bool
	clamd                                                                string
	scanRetention, consoleDelay, httpTimeout                             time.Duration
	deadlineOTP, deadlinePassword, deadlineNotice                        time.Duration
	smsProvider, smsHTTPURL, smsHTTPAuthHeader, smsHTTPAuthValue         string
	smsHTTPSender, smsReceiptSecret, undeliverable, failing              string
	workers, lookupsPerMinute, lookupsPerDay                             int
	maxBody                                                              int64
	oidcIDTTL, oidcAccessTTL, oidcRefreshTTL, oidcKeyRotation            time.Duration
	oidcSecretOverlap                                                    time.Duration
}

func serveFlagSet(stderr io.Writer) (*flag.FlagSet, *serveFlags) {
	f := &serveFlags{}
	fs := newFlags("serve", stderr)
	fs.StringVar(&f.addr, "addr", ":8080", "listen address (dev mode: loopback only)")
	fs.StringVar(&f.database, "database", store.DefaultURL, "sqlite://PATH or postgres://USER:PASS@HOST/DB?sslmode=…")
	fs.BoolVar(&f.dev, "dev", false, "dev mode: console SMS inbox at /dev/sms, introspection, demo data and sign-ins; loopback only")
	fs.BoolVar(&f.demoHistory, "demo-history", false, "with --dev: 60 days of desk activity for the statistics page and its signals (make run sets it)")
	fs.StringVar(&f.publicURL, "public-url", "", "the URL users open (e.g. https://motcua.example.gov.vn); sets the allowed WebSocket origin and Secure cookies")
	fs.StringVar(&f.origins, "allowed-origins", "", "extra allowed browser origins, comma-separated")
	fs.BoolVar(&f.trustProxy, "trust-proxy-headers", false, "take the client address from X-Forwarded-For (behind a load balancer only)")
	fs.StringVar(&f.secretKey, "secret-key", "", "base64 master key (≥32 bytes) for OTP hashes and SMS/scan encryption; dev mode makes one")
	fs.StringVar(&f.scansBucket, "scans-bucket", "", "where ID scans are stored: file:///var/lib/motcua/scans or s3://bucket?region=… (default: ./data/scans next to a SQLite database)")
	fs.DurationVar(&f.scanRetention, "scan-retention", 30*24*time.Hour, "how long scans of cancelled or expired registrations are kept")
	fs.StringVar(&f.clamd, "clamd", "", "antivirus: clamd address, tcp://HOST:PORT or unix:///PATH (every scan is sent to it before it is stored; default: no antivirus)")
	fs.BoolVar(&f.clamdAccept, "clamd-accept-when-down", false, "antivirus: accept scans unscanned when clamd cannot answer (default: hold them with SCAN_UNAVAILABLE)")
	fs.BoolVar(&f.migrate, "migrate", true, "migrate the database at start")
	fs.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.IntVar(&f.workers, "sms-workers", smsqueue.DefaultWorkers, "SMS sending workers per replica (a send waits on the gateway: more workers than cores)")
	fs.Int64Var(&f.maxBody, "max-body", server.DefaultMaxBodyBytes, "largest request body in bytes, uploads excepted (they have their own cap); a larger one is answered 413")
	fs.IntVar(&f.lookupsPerMinute, "lookups-per-minute", registrations.DefaultLookupsPerMinute, "citizen lookups (lookupCitizen) an officer may make per minute")
	fs.IntVar(&f.lookupsPerDay, "lookups-per-day", registrations.DefaultLookupsPerDay, "citizen lookups an officer may make per day")
	fs.StringVar(&f.smsProvider, "sms", "console", "SMS provider: console (simulated) or http (a gateway)")
	fs.DurationVar(&f.consoleDelay, "sms-console-delay", 2*time.Second, "console provider: delay before the simulated delivery receipt")
	fs.StringVar(&f.undeliverable, "sms-console-undeliverable", "", "console provider: phones whose SMS are never delivered (comma-separated; dev mode adds the demo's)")
	fs.StringVar(&f.failing, "sms-console-failing", "", "console provider: phones whose sends fail with a gateway error (comma-separated; dev mode adds the demo's)")
	fs.StringVar(&f.smsHTTPURL, "sms-http-url", "", "http provider: the gateway's send URL")
	fs.StringVar(&f.smsHTTPAuthHeader, "sms-http-auth-header", "Authorization", "http provider: auth header name")
	fs.StringVar(&f.smsHTTPAuthValue, "sms-http-auth-value", "", "http provider: auth header value")
	fs.StringVar(&f.smsHTTPSender, "sms-http-sender", "DICHVUCONG", "http provider: brand name")
	fs.DurationVar(&f.httpTimeout, "sms-http-timeout", 10*time.Second, "http provider: request timeout")
	fs.StringVar(&f.smsReceiptSecret, "sms-receipt-secret", "", "http provider: HMAC secret of delivery receipts (≥16 bytes)")
	fs.DurationVar(&f.oidcIDTTL, "oidc-id-token-ttl", 15*time.Minute, "single sign-on: ID token lifetime (at most 15m)")
	fs.DurationVar(&f.oidcAccessTTL, "oidc-access-token-ttl", 15*time.Minute, "single sign-on: access token lifetime (at most 15m)")
	fs.DurationVar(&f.oidcRefreshTTL, "oidc-refresh-token-ttl", 30*24*time.Hour, "single sign-on: refresh token lifetime, sliding (renewed at each rotation)")
	fs.DurationVar(&f.oidcKeyRotation, "oidc-key-rotation", 90*24*time.Hour, "single sign-on: replace the signing key when it is this old (one replica does it)")
	fs.DurationVar(&f.oidcSecretOverlap, "oidc-secret-overlap", 7*24*time.Hour, "single sign-on: how long a rotated client secret keeps working")
	fs.DurationVar(&f.deadlineOTP, "sms-receipt-deadline-otp", smsqueue.DefaultReceiptDeadlines.OTP, "an OTP with no delivery receipt this long after sending is NO_REPORT (shorter than the code's 5 minutes; never past the code's expiry)")
	fs.DurationVar(&f.deadlinePassword, "sms-receipt-deadline-password", smsqueue.DefaultReceiptDeadlines.Password, "an initial-password SMS with no delivery receipt this long after sending is NO_REPORT")
	fs.DurationVar(&f.deadlineNotice, "sms-receipt-deadline-notice", smsqueue.DefaultReceiptDeadlines.Notice, "a password-changed notice with no delivery receipt this long after sending is NO_REPORT")
	return fs, f
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, f := serveFlagSet(stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := f.check(fs); err != nil {
		return err
	}
	logger := newLogger(stderr, f.logLevel)
	started := time.Now()
	master, err := app.MasterKey(f.secretKey, f.dev, app.DataDir(f.database))
	if err != nil {
		return err
	}
	origins := allowedOrigins(f)
	// Listen first: in dev mode the listen URL is the OpenID Provider's issuer.
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	publicURL := strings.TrimRight(f.publicURL, "/")
	if publicURL == "" {
		publicURL = "http://" + displayAddr(ln.Addr().String())
	}
	a, err := app.New(ctx, f.options(publicURL, origins, master, logger))
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Start(ctx); err != nil {
		return err
	}

	srv := &http.Server{Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	url := "http://" + displayAddr(ln.Addr().String())
	logger.Info("motcua started", "addr", ln.Addr().String(), "database", a.DB.Dialect, "sms", f.smsProvider,
		"dev", f.dev, "startup_ms", time.Since(started).Milliseconds())
	fmt.Fprintf(stdout, "\nmotcua is running at %s  (GraphiQL: %s/playground)\n", url, url)
	if f.dev {
		printDemo(stdout, a.Demo)
		fmt.Fprintf(stdout, "Single sign-on demo — a province portal signing in through motcua (OpenID Connect):\n  %s%s\n\n", publicURL, sso.DemoRPPath)
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// check applies the flags' defaults that depend on other flags (fs says
// which were set) and refuses combinations that make no sense.
func (f *serveFlags) check(fs *flag.FlagSet) error {
	if f.dev && !isSet(fs, "addr") && os.Getenv("MOTCUA_ADDR") == "" {
		f.addr = "127.0.0.1:8080"
	}
	if f.dev && !loopback(f.addr) {
		return fmt.Errorf("--dev refuses a non-loopback --addr (%s): dev mode shows SMS codes to anyone who can connect", f.addr)
	}
	if f.lookupsPerMinute < 1 || f.lookupsPerDay < 1 {
		return errors.New("--lookups-per-minute and --lookups-per-day must be at least 1")
	}
	return nil
}

// options are the application's options the flags say.
func (f *serveFlags) options(publicURL string, origins []string, master []byte, logger *slog.Logger) app.Options {
	return app.Options{
		PublicURL: publicURL,
		SSO: app.SSOOptions{
			IDTokenLifetime: f.oidcIDTTL, AccessTokenLifetime: f.oidcAccessTTL, RefreshTokenLifetime: f.oidcRefreshTTL,
			KeyRotation: f.oidcKeyRotation, SecretOverlap: f.oidcSecretOverlap,
		},
		DatabaseURL: f.database, Dev: f.dev, DemoHistory: f.dev && f.demoHistory, Migrate: f.migrate,
		AllowedOrigins: origins, TrustProxyHeaders: f.trustProxy,
		SecureCookie: !(f.dev && strings.HasPrefix(firstOr(origins, "http://"), "http://")),
		MasterKey:    master, ScansBucket: f.scansBucket, ScanRetention: f.scanRetention,
		SMSWorkers: f.workers, MaxBodyBytes: f.maxBody, Logger: logger,
		Clamd: f.clamd, ClamdAcceptWhenDown: f.clamdAccept,
		LookupsPerMinute: f.lookupsPerMinute, LookupsPerDay: f.lookupsPerDay,
		SMS: app.SMSOptions{
			Provider: f.smsProvider, ConsoleDelay: f.consoleDelay,
			Undeliverable: splitList(f.undeliverable), Failing: splitList(f.failing),
			ReceiptDeadlines: smsqueue.ReceiptDeadlines{OTP: f.deadlineOTP, Password: f.deadlinePassword, Notice: f.deadlineNotice},
			HTTP: sms.HTTPConfig{
				URL: f.smsHTTPURL, AuthHeader: f.smsHTTPAuthHeader, AuthValue: f.smsHTTPAuthValue,
				Timeout: f.httpTimeout, Sender: f.smsHTTPSender, ReceiptSecret: []byte(f.smsReceiptSecret),
			},
		},
	}
}

func printDemo(w io.Writer, demo seed.Demo) {
	fmt.Fprintln(w, "\nDemo sign-ins (dev mode) — tài khoản dùng thử:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  login\tpassword\trole")
	for _, s := range demo.SignIns {
		fmt.Fprintf(tw, "  %s\t%s\t%s — %s\n", s.Login, s.Password, s.Role, s.Note)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nSMS are simulated: every message is in the dev inbox (/dev/sms, and \"Hộp thư SMS\" in the app).\n")
	fmt.Fprintf(w, "Type %s as a citizen's phone to see an SMS never delivered, %s for a failing gateway.\n\n",
		demo.UndeliverablePhone, demo.FailingPhone)
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// allowedOrigins are the public URL, any extra origins, and in dev mode the
// loopback origins of the listen address.
func allowedOrigins(f *serveFlags) []string {
	var out []string
	if f.publicURL != "" {
		out = append(out, strings.TrimRight(f.publicURL, "/"))
	}
	out = append(out, splitList(f.origins)...)
	if f.dev {
		if _, port, err := net.SplitHostPort(f.addr); err == nil {
			out = append(out, "http://127.0.0.1:"+port, "http://localhost:"+port)
		}
	}
	return out
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func firstOr(xs []string, def string) string {
	if len(xs) == 0 {
		return def
	}
	return xs[0]
}
