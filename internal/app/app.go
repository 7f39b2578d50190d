// Package app assembles motcua from its parts: the database, the event bus,
// the SMS queue and provider, the services and the HTTP server. `motcua
// serve` and the end-to-end tests build it the same way.
package app

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/motcua/motcua/frontend"
	"github.com/motcua/motcua/graph"
	"github.com/motcua/motcua/graph/generated"
	"github.com/motcua/motcua/internal/domain/auth"
	"github.com/motcua/motcua/internal/domain/officers"
	"github.com/motcua/motcua/internal/domain/registrations"
	"github.com/motcua/motcua/internal/domain/seed"
	"github.com/motcua/motcua/internal/domain/sso"
	"github.com/motcua/motcua/internal/domain/stats"
	"github.com/motcua/motcua/internal/domain/units"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/jobs"
	"github.com/motcua/motcua/internal/platform/scans"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/smsqueue"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/otp"
	"github.com/motcua/motcua/internal/rules/password"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/server"
)

// Options configure an App.
type Options struct {
	DatabaseURL string
	Dev         bool
	// DemoHistory (dev mode): seed.DemoHistory, so that the statistics
	// page and the signals have figures at once.
	DemoHistory bool
	Migrate     bool
	// AllowedOrigins of browsers (the public URL's origin first).
	AllowedOrigins    []string
	SecureCookie      bool
	TrustProxyHeaders bool
	MasterKey         []byte // ≥ 32 bytes
	ScansBucket       string // "" = a folder next to a SQLite database (./data/scans otherwise)
	ScanRetention     time.Duration
	SMSWorkers        int
	SMS               SMSOptions
	Logger            *slog.Logger
	Now               func() time.Time

	// MaxBodyBytes caps request bodies but uploads (0: server.DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// PublicURL is the OpenID Provider's issuer (--public-url; dev: the
	// listen URL). Empty: the first allowed origin.
	PublicURL string
	SSO       SSOOptions
	// Clamd is the antivirus hook's address (tcp://HOST:PORT or
	// unix:///PATH); "" scans structure only. ClamdAcceptWhenDown accepts
	// uploads unscanned when it cannot answer, instead of holding them.
	Clamd               string
	ClamdAcceptWhenDown bool
	// WrapDriver wraps the SQL driver (tests counting statements); nil: none.
	WrapDriver func(driver.Driver) driver.Driver
	// LookupsPerMinute and LookupsPerDay bound each officer's citizen
	// lookups (0: the registrations defaults).
	LookupsPerMinute, LookupsPerDay int
}

// SMSOptions choose and configure the SMS provider.
type SMSOptions struct {
	Provider      string // "console" or "http"
	ConsoleDelay  time.Duration
	Undeliverable []string
	Failing       []string
	HTTP          sms.HTTPConfig
	// ReceiptDeadlines: zero fields mean smsqueue's defaults.
	ReceiptDeadlines smsqueue.ReceiptDeadlines
}

// SSOOptions are the OpenID Provider's lifetimes (0: the sso defaults).
type SSOOptions struct {
	IDTokenLifetime, AccessTokenLifetime, RefreshTokenLifetime, KeyRotation, SecretOverlap time.Duration
}

// App is motcua, assembled.
type App struct {
	DB    *store.DB
	Bus   events.Bus
	Authz *policy.Authorizer
	Queue *smsqueue.Queue
	// Jobs is the process's one River client, shared by the SMS queue and
	// the back-channel logouts (River elects one leader per client).
	Jobs *jobs.Runner
	// Sealer chains the audit events the replicas append.
	Sealer  *audit.Sealer
	Auth    *auth.Service
	Enrol   *registrations.Service
	Units   *units.Service
	SSO     *sso.Service
	Stats   *stats.Service
	Handler http.Handler
	// Sockets are the open WebSockets of signed-in sessions, closed when
	// their session ends or loses a role.
	Sockets *server.Sockets
	// Demo is the demo data (dev mode only).
	Demo seed.Demo

	logger  *slog.Logger
	console *sms.Console
	closers []func() error
}

// New assembles the App. Call Start to run its background work, Close at the end.
// Long because it is the wiring: each part is built from those before it, in
// the order they depend on one another, and split the order would hide
// across functions.
func New(ctx context.Context, o Options) (_ *App, err error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	a := &App{logger: o.Logger}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	keys, err := deriveKeys(o.MasterKey)
	if err != nil {
		return nil, err
	}
	if err := o.SMS.ReceiptDeadlines.Check(otp.DefaultPolicy().TTL); err != nil {
		return nil, err
	}
	if a.DB, err = store.Open(ctx, o.DatabaseURL, store.WithDriver(o.WrapDriver)); err != nil {
		return nil, err
	}
	a.closers = append(a.closers, a.DB.Close)
	if o.Migrate {
		if err := MigrateAll(ctx, a.DB); err != nil {
			return nil, err
		}
	} else if err := a.DB.CheckSchema(ctx); err != nil {
		// A replica started without --migrate runs only on the schema its
		// build knows (docs/OPERATIONS.md, rolling upgrade).
		return nil, err
	}
	if a.DB.IsPostgres() {
		a.Bus, err = events.NewPostgres(ctx, a.DB.DSN, o.Logger)
		if err != nil {
			return nil, err
		}
	} else {
		a.Bus = events.NewLocal()
	}
	a.closers = append(a.closers, a.Bus.Close)

	hasher := password.NewHasher(0)
	a.Units = units.New(a.DB, o.Now)
	sms := o.SMS
	if o.Dev {
		if a.Demo, err = seed.DemoData(ctx, a.DB, a.Units, hasher.Hash, o.Now); err != nil {
			return nil, fmt.Errorf("app: demo data: %w", err)
		}
		sms.Undeliverable = appendNonEmpty(sms.Undeliverable, a.Demo.UndeliverablePhone)
		sms.Failing = appendNonEmpty(sms.Failing, a.Demo.FailingPhone)
	}
	if a.Authz, err = policy.New(ctx, officers.Assignments(a.DB.Client)); err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	a.Jobs = jobs.New(a.DB, jobs.Config{Logger: o.Logger})
	if a.Sealer, err = audit.NewSealer(audit.SealerConfig{DB: a.DB, Jobs: a.Jobs, Logger: o.Logger}); err != nil {
		return nil, err
	}
	if a.Queue, err = smsqueue.New(smsqueue.Config{
		DB: a.DB, Jobs: a.Jobs, Bus: a.Bus, SealKey: keys.SMS, Logger: o.Logger, Now: o.Now, Registerer: reg, Workers: o.SMSWorkers,
		ReceiptDeadlines: sms.ReceiptDeadlines,
	}); err != nil {
		return nil, err
	}
	devInbox, receipts, err := a.useProvider(sms, o.Now)
	if err != nil {
		return nil, err
	}
	scanStore, err := scans.OpenStore(ctx, scansBucket(o), keys.Scans)
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, scanStore.Close)

	if a.SSO, err = sso.New(sso.Config{
		DB: a.DB, Jobs: a.Jobs, Issuer: issuer(o), Dev: o.Dev, SealKey: keys.OIDCKeys, CryptoKey: keys.OIDCTokens,
		IDTokenLifetime: o.SSO.IDTokenLifetime, AccessTokenLifetime: o.SSO.AccessTokenLifetime,
		RefreshTokenLifetime: o.SSO.RefreshTokenLifetime, KeyRotation: o.SSO.KeyRotation, SecretOverlap: o.SSO.SecretOverlap,
		SignOut:    func(ctx context.Context) error { return a.Auth.SignOut(ctx) },
		Registerer: reg, Logger: o.Logger, Now: o.Now,
	}); err != nil {
		return nil, err
	}
	mounts, err := a.SSO.Routes()
	if err != nil {
		return nil, err
	}
	if o.Dev {
		demoRP, err := a.SSO.DemoRP(ctx, seed.CodeLangSon)
		if err != nil {
			return nil, fmt.Errorf("app: demo relying party: %w", err)
		}
		maps.Copy(mounts, demoRP)
	}
	var antivirus scans.Antivirus
	if o.Clamd != "" {
		if antivirus, err = scans.NewClamd(scans.ClamdConfig{Address: o.Clamd, AcceptWhenDown: o.ClamdAcceptWhenDown, Logger: o.Logger}); err != nil {
			return nil, err
		}
	}

	otpHasher := otp.NewHasher(keys.OTP)
	a.Auth = auth.New(auth.Config{
		DB: a.DB, Hasher: hasher, Authz: a.Authz, Bus: a.Bus, Outbox: a.Queue,
		OTP: otpHasher, OTPPolicy: otp.DefaultPolicy(), Now: o.Now, Revoker: a.SSO,
	})
	a.Enrol = registrations.New(registrations.Config{
		DB: a.DB, Scans: scanStore, Antivirus: antivirus, Outbox: a.Queue, OTP: otpHasher, OTPPolicy: otp.DefaultPolicy(),
		Hasher: hasher, Bus: a.Bus, Now: o.Now, ScanRetention: o.ScanRetention,
		LookupKey: keys.Lookup, LookupsPerMinute: o.LookupsPerMinute, LookupsPerDay: o.LookupsPerDay,
	})
	lookupsPerDay := o.LookupsPerDay
	if lookupsPerDay <= 0 {
		lookupsPerDay = registrations.DefaultLookupsPerDay
	}
	a.Stats = stats.New(stats.Config{
		DB: a.DB, Bus: a.Bus, Now: o.Now, OTPMaxAttempts: otp.DefaultPolicy().MaxAttempts,
		LookupsPerDay: lookupsPerDay, Logger: o.Logger,
	})
	if err := a.Stats.Register(a.Jobs); err != nil {
		return nil, err
	}
	if o.Dev && o.DemoHistory {
		if err := a.demoHistory(ctx, o.Now); err != nil {
			return nil, err
		}
	}
	resolver := &graph.Resolver{
		DB: a.DB, Auth: a.Auth, Officers: officers.New(a.DB, a.Authz, a.Bus, o.Now), Units: a.Units,
		Enrol: a.Enrol, SMS: a.Queue, Bus: a.Bus, SSO: a.SSO, Stats: a.Stats, Now: o.Now,
	}
	a.Sockets = server.NewSockets(server.SocketsConfig{Auth: a.Auth, Logger: o.Logger})
	a.Handler, err = server.New(server.Config{
		Dev: o.Dev, AllowedOrigins: o.AllowedOrigins, TrustProxyHeaders: o.TrustProxyHeaders,
		SecureCookie: o.SecureCookie, MaxBodyBytes: o.MaxBodyBytes, Logger: o.Logger,
	}, server.Deps{
		Schema:   generated.NewExecutableSchema(generated.Config{Resolvers: resolver}),
		Auth:     a.Auth,
		Sockets:  a.Sockets,
		Files:    a.Enrol,
		DB:       a.DB,
		Registry: reg,
		DevInbox: devInbox,
		Receipts: receipts,
		Mounts:   mounts,
		SPA:      frontend.Dist(),
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// useProvider builds the SMS provider the options name and connects it to the queue.
func (a *App) useProvider(o SMSOptions, now func() time.Time) (devInbox http.Handler, receipts map[string]http.Handler, err error) {
	receipts = map[string]http.Handler{}
	switch o.Provider {
	case "", "console":
		a.console = sms.NewConsole(sms.ConsoleConfig{
			ReceiptDelay: o.ConsoleDelay, Undeliverable: o.Undeliverable, Failing: o.Failing,
		}, a.Queue, a.logger, now)
		if err := a.Queue.SetProvider(a.console); err != nil {
			return nil, nil, err
		}
		return a.console.InboxHandler(), receipts, nil
	case "http":
		p, err := sms.NewHTTP(o.HTTP, &http.Client{Timeout: o.HTTP.Timeout})
		if err != nil {
			return nil, nil, err
		}
		if err := a.Queue.SetProvider(p); err != nil {
			return nil, nil, err
		}
		receipts["http"] = a.Queue.CountRejectedReceipts("http", p.ReceiptHandler(a.Queue, now, nil))
		return nil, receipts, nil
	}
	return nil, nil, fmt.Errorf("app: SMS provider must be console or http, not %q", o.Provider)
}

// Start runs the background work: SMS workers, the console provider's
// receipts, policy reloads and housekeeping. It stops when ctx is done.
func (a *App) Start(ctx context.Context) error {
	if a.console != nil {
		a.console.Run(ctx)
	}
	if err := a.Queue.Start(ctx); err != nil {
		return err
	}
	if err := a.SSO.Start(ctx); err != nil {
		return err
	}
	if err := a.Jobs.Start(ctx); err != nil {
		return err
	}
	go a.Sealer.Run(ctx)
	go a.reloadPolicyOnEvents(ctx)
	go func() {
		if err := a.Auth.Run(ctx); err != nil && ctx.Err() == nil {
			a.logger.Error("session viewers", "err", err)
		}
	}()
	go func() {
		if err := a.Sockets.Watch(ctx, a.Bus); err != nil && ctx.Err() == nil {
			a.logger.Error("websocket revocations", "err", err)
		}
	}()
	go a.housekeeping(ctx)
	return nil
}

// Close stops the queue and releases everything (safe to call more than once).
func (a *App) Close() error {
	var errs []error
	if a.Jobs != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		errs = append(errs, a.Jobs.Stop(ctx))
		cancel()
	}
	if a.console != nil {
		a.console.Close()
	}
	for i := len(a.closers) - 1; i >= 0; i-- {
		errs = append(errs, a.closers[i]())
	}
	a.closers = nil
	return errors.Join(errs...)
}

// MigrateAll migrates our schema and the job queue's.
func MigrateAll(ctx context.Context, db *store.DB) error {
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	return jobs.Migrate(ctx, db)
}

// reloadPolicyOnEvents reloads role assignments when any replica changed a
// grant, after a missed-events resync, and once a minute as a safety net;
// after a generation of assignments the sockets have not been checked at,
// the sockets whose session lost a role are closed and the running
// subscriptions take their new scope. A reload that changes nothing (the
// minute's, mostly) swaps nothing, so it invalidates no cached viewer and
// re-checks no socket or subscription.
func (a *App) reloadPolicyOnEvents(ctx context.Context) {
	ch, err := a.Bus.Subscribe(ctx, events.TopicPolicy)
	if err != nil {
		a.logger.Error("policy events", "err", err)
		return
	}
	checked := a.Authz.Generation()
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-tick.C:
		}
		if err := a.Authz.Reload(ctx); err != nil {
			a.logger.Error("policy reload", "err", err)
			continue
		}
		// The sockets and subscriptions are re-checked once per generation
		// they have not been checked at: a grant made here reloads
		// synchronously (officers), so its own event may find nothing left
		// to change.
		if gen := a.Authz.Generation(); gen != checked {
			checked = gen
			a.Sockets.RolesChanged()
			a.Queue.PolicyChanged()
			a.Enrol.PolicyChanged(ctx)
		}
	}
}

// housekeeping expires idle registrations and purges old scans, once a minute.
func (a *App) housekeeping(ctx context.Context) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		if n, err := a.Enrol.ExpireIdle(ctx); err != nil {
			a.logger.Error("expire registrations", "err", err)
		} else if n > 0 {
			a.logger.Info("registrations expired", "count", n)
		}
		if n, err := a.Enrol.PurgeScans(ctx); err != nil {
			a.logger.Error("purge scans", "err", err)
		} else if n > 0 {
			a.logger.Info("scans purged", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// issuer is the OpenID Provider's issuer: the public URL, else the first
// allowed origin (the public URL's, or the dev listen URL).
func issuer(o Options) string {
	if o.PublicURL != "" {
		return strings.TrimRight(o.PublicURL, "/")
	}
	if len(o.AllowedOrigins) > 0 {
		return strings.TrimRight(o.AllowedOrigins[0], "/")
	}
	return "http://127.0.0.1:8080"
}

func scansBucket(o Options) string {
	if o.ScansBucket != "" {
		return o.ScansBucket
	}
	abs, _ := filepath.Abs(filepath.Join(DataDir(o.DatabaseURL), "scans"))
	return "file://" + abs + "?create_dir=1&no_tmp_dir=1"
}

// DataDir is the folder of a SQLite database ("./data" for PostgreSQL).
func DataDir(databaseURL string) string {
	if strings.HasPrefix(databaseURL, "sqlite://") {
		path := strings.TrimPrefix(databaseURL, "sqlite://")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		return filepath.Dir(path)
	}
	return "./data"
}

func appendNonEmpty(xs []string, x string) []string {
	if x == "" {
		return xs
	}
	return append(xs, x)
}

// demoHistory seeds the demo history and builds its roll-ups and signals
// now rather than at the jobs' first run.
func (a *App) demoHistory(ctx context.Context, now func() time.Time) error {
	if now == nil {
		now = time.Now
	}
	if err := seed.DemoHistory(ctx, a.DB, now()); err != nil {
		return fmt.Errorf("app: demo history: %w", err)
	}
	if _, err := a.Stats.Refresh(ctx); err != nil {
		return fmt.Errorf("app: demo history: %w", err)
	}
	if _, err := a.Stats.Detect(ctx, now()); err != nil {
		return fmt.Errorf("app: demo history: %w", err)
	}
	return nil
}
