package smsqueue

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/jobs"
	"github.com/motcua/motcua/internal/platform/sms"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/testkit"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// guard bounds every wait so that a bug hangs one test, not the run; no
// test relies on it elapsing.
const guard = 30 * time.Second

var testKey = bytes.Repeat([]byte{7}, 32)

// fakeProvider records every Send and answers with the errors queued for a
// phone number, then with success.
type fakeProvider struct {
	name string
	mu   sync.Mutex
	sent map[string]int // message id → Send calls
	errs map[string][]error
	msgs []sms.Message
}

func newFakeProvider(name string) *fakeProvider {
	return &fakeProvider{name: name, sent: map[string]int{}, errs: map[string][]error{}}
}

func (p *fakeProvider) Name() string { return p.name }

// hangs is a number whose sends only end with their context, as a gateway
// that never answers.
const hangs = "+84911111111"

func (p *fakeProvider) Send(ctx context.Context, m sms.Message) (string, error) {
	if m.Phone == hangs {
		<-ctx.Done()
		return "", ctx.Err()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent[m.ID]++
	p.msgs = append(p.msgs, m)
	if errs := p.errs[m.Phone]; len(errs) > 0 {
		p.errs[m.Phone] = errs[1:]
		return "", errs[0]
	}
	return p.name + "-" + m.ID, nil
}

func (p *fakeProvider) failNext(phone string, errs ...error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.errs[phone] = append(p.errs[phone], errs...)
}

func (p *fakeProvider) calls(id pulid.ID) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sent[string(id)]
}

func (p *fakeProvider) total() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, c := range p.sent {
		n += c
	}
	return n
}

// logBuffer collects log lines; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type env struct {
	db    *store.DB
	bus   events.Bus
	q     *Queue
	jobs  *jobs.Runner
	prov  *fakeProvider
	clock *testkit.Clock
	logs  *logBuffer
	fx    fixture
}

type options struct {
	bus events.Bus
	cfg func(*Config)
	fx  *fixture // reuse these records (a second replica on the same database)
}

// newEnv migrates River's tables into db and builds a queue on it with a
// fake provider, a local bus, a test clock and a log buffer at debug level.
func newEnv(t testing.TB, db *store.DB, opt options) *env {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	e := &env{db: db, bus: opt.bus, prov: newFakeProvider("fake"), clock: testkit.NewClock(time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)), logs: &logBuffer{}}
	if e.bus == nil {
		local := events.NewLocal()
		t.Cleanup(func() { local.Close() })
		e.bus = local
	}
	cfg := Config{
		DB: db, Bus: e.bus, SealKey: testKey, Now: e.clock.Now,
		Logger:   slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Provider: e.prov,
		Retry:    Backoff{Base: 10 * time.Millisecond, Max: 40 * time.Millisecond},
	}
	e.jobs = jobs.New(db, jobs.Config{PollInterval: 20 * time.Millisecond, Logger: cfg.Logger})
	cfg.Jobs = e.jobs
	if opt.cfg != nil {
		opt.cfg(&cfg)
	}
	q, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.q = q
	if opt.fx != nil {
		e.fx = *opt.fx
	} else {
		e.fx = newFixture(t, db)
	}
	return e
}

func (e *env) start(t testing.TB) {
	t.Helper()
	if err := e.q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := e.jobs.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), guard)
		defer cancel()
		if err := e.jobs.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
}

// enqueue commits one message.
func (e *env) enqueue(t testing.TB, m Outgoing) *ent.SMSMessage {
	t.Helper()
	var out *ent.SMSMessage
	err := e.db.InTx(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		var err error
		out, err = e.q.Enqueue(ctx, tx, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// enqueueOTPBefore enqueues an OTP to phone that must be sent before
// before.
func (e *env) enqueueOTPBefore(t *testing.T, phone string, before time.Time) *ent.SMSMessage {
	t.Helper()
	out := e.otp(phone)
	out.SendBefore = &before
	return e.enqueue(t, out)
}

// otp is a registration OTP of the fixture's registration.
func (e *env) otp(phone string) Outgoing {
	return Outgoing{
		Kind: sms.RegistrationOTP, Phone: phone,
		Body:           "Ma OTP tao tai khoan: 482913. Het han sau 5 phut.",
		RegistrationID: &e.fx.reg.ID, OfficerID: string(e.fx.officer.ID), UnitPath: e.fx.desk.Path,
	}
}

func (e *env) get(t testing.TB, id pulid.ID) *ent.SMSMessage {
	t.Helper()
	m, err := e.db.Client.SMSMessage.Get(viewer.System(context.Background()), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// bodyIsNull reads the column itself, not through Ent.
func (e *env) bodyIsNull(t testing.TB, id pulid.ID) bool {
	t.Helper()
	q := "SELECT body_sealed IS NULL FROM sms_messages WHERE id = ?"
	if e.db.IsPostgres() {
		q = strings.Replace(q, "?", "$1", 1)
	}
	var isNull bool
	if err := e.db.SQL.QueryRow(q, string(id)).Scan(&isNull); err != nil {
		t.Fatal(err)
	}
	return isNull
}

// waitStatus polls the row until it has status want (bounded by guard).
func (e *env) waitStatus(t testing.TB, id pulid.ID, want sms.Status) *ent.SMSMessage {
	t.Helper()
	deadline := time.Now().Add(guard)
	for {
		m := e.get(t, id)
		if m.Status == want {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %s is %s after %v, want %s (last error %q)", id, m.Status, guard, want, m.LastError)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// fixture: a province with a service desk, another province, an admin of
// each province, the desk's registrar, a second officer at the desk, and a
// registration opened by the registrar.
type fixture struct {
	province, desk, other              *ent.Unit
	admin, otherAdmin, officer, second *ent.Officer
	reg                                *ent.Registration
	authz                              *policy.Authorizer
}

// newFixture is long because it builds one fixture field by field, each from
// those before it.
func newFixture(t testing.TB, db *store.DB) fixture {
	t.Helper()
	ctx := viewer.System(context.Background())
	c := db.Client
	mkUnit := func(code, name string, kind unit.Kind, parent *ent.Unit) *ent.Unit {
		id := pulid.New("UN")
		path := "/" + string(id) + "/"
		cr := c.Unit.Create().SetID(id).SetCode(code).SetName(name).SetNameFolded(strings.ToLower(name)).SetKind(kind)
		if parent != nil {
			path = parent.Path + string(id) + "/"
			cr.SetParentID(parent.ID).SetIsServiceDesk(true)
		}
		u, err := cr.SetPath(path).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	var f fixture
	f.province = mkUnit("H01", "Ha Noi", unit.KindPROVINCE, nil)
	f.desk = mkUnit("H01.01", "Bo phan mot cua", unit.KindCOMMUNE, f.province)
	f.other = mkUnit("H02", "Hai Phong", unit.KindPROVINCE, nil)

	n := 0
	mkOfficer := func(unitID, adminUnitID *pulid.ID, unitPath string) *ent.Officer {
		n++
		idNumber := "00109900000" + string(rune('0'+n))
		a, err := c.Account.Create().SetIDNumber(idNumber).SetFullName("Can bo").SetNameFolded("can bo").
			SetDateOfBirth(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)).SetPhone("+84912345678").
			SetOrigin(account.OriginIMPORTED).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		o, err := c.Officer.Create().SetAccountID(a.ID).SetNillableUnitID(unitID).SetNillableAdminUnitID(adminUnitID).
			SetUnitPath(unitPath).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	f.admin = mkOfficer(&f.province.ID, &f.province.ID, f.province.Path)
	f.otherAdmin = mkOfficer(&f.other.ID, &f.other.ID, f.other.Path)
	f.officer = mkOfficer(&f.desk.ID, nil, f.desk.Path)
	f.second = mkOfficer(&f.desk.ID, nil, f.desk.Path)

	reg, err := c.Registration.Create().SetCode("RG-0001").SetIDNumber("001099012345").SetFullName("Nguyen Van A").
		SetDateOfBirth(time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)).SetPhone("+84912345678").
		SetOfficerID(f.officer.ID).SetUnitID(f.desk.ID).SetUnitPath(f.desk.Path).
		SetExpiresAt(time.Now().Add(24 * time.Hour)).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.reg = reg

	// The roles officers.Assignments derives from these records; built here
	// so that these tests do not depend on the officers package.
	assignments := []policy.Assignment{
		{Subject: string(f.admin.AccountID), Role: policy.Admin, Path: f.province.Path},
		{Subject: string(f.admin.AccountID), Role: policy.Officer, Path: f.province.Path},
		{Subject: string(f.otherAdmin.AccountID), Role: policy.Admin, Path: f.other.Path},
		{Subject: string(f.otherAdmin.AccountID), Role: policy.Officer, Path: f.other.Path},
		{Subject: string(f.officer.AccountID), Role: policy.Officer, Path: f.desk.Path},
		{Subject: string(f.officer.AccountID), Role: policy.Registrar, Path: f.desk.Path},
		{Subject: string(f.second.AccountID), Role: policy.Officer, Path: f.desk.Path},
		{Subject: string(f.second.AccountID), Role: policy.Registrar, Path: f.desk.Path},
	}
	authz, err := policy.New(context.Background(), func(context.Context) ([]policy.Assignment, error) { return assignments, nil })
	if err != nil {
		t.Fatal(err)
	}
	f.authz = authz
	return f
}

// as returns a context signed in as officer o in session sessionID.
func (f fixture) as(ctx context.Context, o *ent.Officer, sessionID string) context.Context {
	v := viewer.New(f.authz)
	v.AccountID, v.SessionID, v.OfficerID = o.AccountID, pulid.ID(sessionID), o.ID
	if o.UnitID != nil {
		v.UnitID = *o.UnitID
		v.UnitPath = o.UnitPath
	}
	return viewer.NewContext(ctx, v)
}

var errTemporary = errors.New("gateway unavailable (test)")
