// Package app assembles motcua from its parts: the database, the event bus,
// the SMS queue and provider, the services and the HTTP server. `motcua
// serve` and the end-to-end tests build it the same way.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/enrol"
	"github.com/motcua/motcua/events"
	"github.com/motcua/motcua/frontend"
	"github.com/motcua/motcua/graph"
	"github.com/motcua/motcua/graph/generated"
	"github.com/motcua/motcua/officers"
	"github.com/motcua/motcua/otp"
	"github.com/motcua/motcua/password"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/scans"
	"github.com/motcua/motcua/seed"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/sms"
	"github.com/motcua/motcua/smsqueue"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/units"
)

// Options configure an App.
type Options struct {
	DatabaseURL string
	Dev         bool
	Migrate     bool
	// AllowedOrigins of browsers (the public URL's origin first).
	AllowedOrigins    []string
	SecureCookie      bool
	TrustProxyHeaders bool
	MasterKey         []byte // ≥ 32 bytes
	ScansBucket       string // "" = a folder next to a SQLite database (./data/scans otherwise)
	ScanRetention     time.Duration
	// Clamd is the antivirus hook's address (tcp://HOST:PORT or
	// unix:///PATH); "" scans structure only. ClamdAcceptWhenDown accepts
	// uploads unscanned when it cannot answer, instead of holding them.
	Clamd               string
	ClamdAcceptWhenDown bool
	SMSWorkers          int
	SMS                 SMSOptions
	Logger              *slog.Logger
	Now                 func() time.Time
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

// App is motcua, assembled.
type App struct {
	DB      *store.DB
	Bus     events.Bus
	Authz   *policy.Authorizer
	Queue   *smsqueue.Queue
	Auth    *auth.Service
	Enrol   *enrol.Service
	Units   *units.Service
	Handler http.Handler
	// Demo is the demo data (dev mode only).
	Demo seed.Demo

	logger  *slog.Logger
	console *sms.Console
	closers []func() error
}

// New assembles the App. Call Start to run its background work, Close at the end.
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
	if a.DB, err = store.Open(ctx, o.DatabaseURL); err != nil {
		return nil, err
	}
	a.closers = append(a.closers, a.DB.Close)
	if o.Migrate {
		if err := MigrateAll(ctx, a.DB); err != nil {
			return nil, err
		}
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

	if a.Queue, err = smsqueue.New(smsqueue.Config{
		DB: a.DB, Bus: a.Bus, SealKey: keys.SMS, Logger: o.Logger, Now: o.Now, Registerer: reg, Workers: o.SMSWorkers,
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

	var antivirus scans.Antivirus
	if o.Clamd != "" {
		if antivirus, err = scans.NewClamd(scans.ClamdConfig{Address: o.Clamd, AcceptWhenDown: o.ClamdAcceptWhenDown, Logger: o.Logger}); err != nil {
			return nil, err
		}
	}

	otpHasher := otp.NewHasher(keys.OTP)
	a.Auth = auth.New(auth.Config{
		DB: a.DB, Hasher: hasher, Authz: a.Authz, Bus: a.Bus, Outbox: a.Queue,
		OTP: otpHasher, OTPPolicy: otp.DefaultPolicy(), Now: o.Now,
	})
	a.Enrol = enrol.New(enrol.Config{
		DB: a.DB, Scans: scanStore, Antivirus: antivirus, Outbox: a.Queue, OTP: otpHasher, OTPPolicy: otp.DefaultPolicy(),
		Hasher: hasher, Bus: a.Bus, Now: o.Now, ScanRetention: o.ScanRetention,
	})
	resolver := &graph.Resolver{
		DB: a.DB, Auth: a.Auth, Officers: officers.New(a.DB, a.Authz, a.Bus, o.Now), Units: a.Units,
		Enrol: a.Enrol, SMS: a.Queue, Bus: a.Bus, Now: o.Now,
	}
	a.Handler, err = server.New(server.Config{
		Dev: o.Dev, AllowedOrigins: o.AllowedOrigins, TrustProxyHeaders: o.TrustProxyHeaders,
		SecureCookie: o.SecureCookie, Logger: o.Logger,
	}, server.Deps{
		Schema:   generated.NewExecutableSchema(generated.Config{Resolvers: resolver}),
		Auth:     a.Auth,
		Files:    a.Enrol,
		DB:       a.DB,
		Registry: reg,
		DevInbox: devInbox,
		Receipts: receipts,
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
	go a.reloadPolicyOnEvents(ctx)
	go a.housekeeping(ctx)
	return nil
}

// Close stops the queue and releases everything (safe to call more than once).
func (a *App) Close() error {
	var errs []error
	if a.Queue != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		errs = append(errs, a.Queue.Stop(ctx))
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
	return smsqueue.Migrate(ctx, db)
}

// reloadPolicyOnEvents reloads role assignments when any replica changed a
// grant, after a missed-events resync, and once a minute as a safety net.
func (a *App) reloadPolicyOnEvents(ctx context.Context) {
	ch, err := a.Bus.Subscribe(ctx, events.TopicPolicy)
	if err != nil {
		a.logger.Error("policy events", "err", err)
		return
	}
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
