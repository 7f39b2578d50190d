package auth

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/auditevent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/domain/officers"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/otp"
	"github.com/motcua/motcua/internal/rules/password"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/internal/testkit"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/fakes"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// start is the fake clock's first reading.
var start = time.Date(2026, time.March, 2, 1, 0, 0, 0, time.UTC)

// sessionEvents are the ids of the sessions announced revoked on b.
func sessionEvents(b *fakes.Bus) map[string]bool {
	out := map[string]bool{}
	for _, e := range b.Events() {
		if e.Topic == events.TopicSession {
			out[e.ID] = true
		}
	}
	return out
}

// sleeper records the waits asked for instead of waiting.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeper) take() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.waits
	s.waits = nil
	return w
}

// env is a service on a test database with fakes around it.
type env struct {
	db     *store.DB
	svc    *Service
	clock  *testkit.Clock
	sleep  *sleeper
	outbox *fakes.Outbox
	bus    *fakes.Bus
	authz  *policy.Authorizer
	hasher *password.Hasher
	ctx    context.Context // anonymous, from a client address
}

func newEnv(t testing.TB, db *store.DB) *env {
	t.Helper()
	ctx := context.Background()
	authz, err := policy.New(ctx, officers.Assignments(db.Client))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{
		db: db, clock: testkit.NewClock(start), sleep: &sleeper{}, outbox: &fakes.Outbox{}, bus: &fakes.Bus{},
		authz: authz, hasher: password.NewHasher(4),
		ctx: requestinfo.NewContext(ctx, requestinfo.Info{ClientIP: "203.0.113.7", UserAgent: "test-browser"}),
	}
	e.svc = New(Config{
		DB: db, Hasher: e.hasher, Authz: authz, Bus: e.bus, Outbox: e.outbox,
		OTP: otp.NewHasher([]byte("0123456789abcdef0123456789abcdef")), OTPPolicy: otp.DefaultPolicy(),
		Now: e.clock.Now, Sleep: e.sleep.Sleep,
	})
	return e
}

// person is an account to create.
type person struct {
	id, phone, name string
	status          account.Status
	origin          account.Origin
	password        string // "" for none
	initial         bool   // the password is an initial one, valid 72 h from now
	mustChange      bool
}

// hung is the default citizen.
var hung = person{id: "001090012345", phone: "+84912345678", name: "Nguyễn Văn Hùng", password: "sông Hồng mùa lũ"}

func (e *env) account(t testing.TB, p person) *ent.Account {
	t.Helper()
	if p.status == "" {
		p.status = account.StatusACTIVE
	}
	if p.origin == "" {
		p.origin = account.OriginSELF_REGISTERED
	}
	sys := viewer.System(context.Background())
	c := e.db.Client.Account.Create().
		SetIDNumber(p.id).SetFullName(p.name).SetNameFolded(vn.Fold(p.name)).
		SetDateOfBirth(time.Date(1990, time.March, 2, 0, 0, 0, 0, time.UTC)).
		SetPhone(p.phone).SetStatus(p.status).SetOrigin(p.origin).
		SetMustChangePassword(p.mustChange || p.initial)
	if p.password != "" {
		h, err := e.hasher.Hash(context.Background(), p.password)
		if err != nil {
			t.Fatal(err)
		}
		c.SetPasswordHash(h)
	}
	if p.initial {
		c.SetInitialPasswordExpiresAt(e.clock.Now().Add(72 * time.Hour))
	}
	a, err := c.Save(sys)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// unit creates a unit under parent ("" for a top-level one).
func (e *env) unit(t testing.TB, code, name, parentPath string) *ent.Unit {
	t.Helper()
	sys := viewer.System(context.Background())
	id := pulid.New("UN")
	u, err := e.db.Client.Unit.Create().SetID(id).SetCode(code).SetName(name).SetNameFolded(vn.Fold(name)).
		SetKind("PROVINCE").SetPath(parentPath + "/" + string(id) + "/").Save(sys)
	if err != nil {
		t.Fatal(err)
	}
	if parentPath == "" {
		u, err = u.Update().SetPath("/" + string(id) + "/").Save(sys)
		if err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// admin makes an account a level-1 admin of unit u (nil: super admin).
func (e *env) admin(t testing.TB, a *ent.Account, u *ent.Unit) {
	t.Helper()
	c := e.db.Client.Officer.Create().SetAccountID(a.ID)
	if u == nil {
		c.SetSuperAdmin(true)
	} else {
		c.SetAdminUnitID(u.ID).SetUnitID(u.ID).SetUnitPath(u.Path)
	}
	if _, err := c.Save(viewer.System(context.Background())); err != nil {
		t.Fatal(err)
	}
	if err := e.authz.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// as is e.ctx signed in as the account (a session-less viewer, as a test
// of a rule that needs no session).
func (e *env) as(t testing.TB, a *ent.Account) context.Context {
	t.Helper()
	v, err := LoadViewer(e.ctx, e.db.Client, e.authz, a.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	return viewer.NewContext(e.ctx, v)
}

// signIn signs in and returns the context of the session, built the way
// the middleware builds it (Authenticate), and the token.
func (e *env) signIn(t testing.TB, login, pw string) (context.Context, string) {
	t.Helper()
	res, err := e.svc.SignIn(e.ctx, login, pw)
	if err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	return e.session(t, res.Token), res.Token
}

// session authenticates token and returns its context; it fails the test
// when the token is not valid.
func (e *env) session(t testing.TB, token string) context.Context {
	t.Helper()
	v, err := e.svc.Authenticate(e.ctx, token)
	if err != nil || v == nil {
		t.Fatalf("Authenticate = %v, %v; want a viewer", v, err)
	}
	return viewer.NewContext(e.ctx, v)
}

// auditActions lists the audit actions recorded, in order, and checks the
// chain.
func (e *env) auditActions(t testing.TB) []string {
	t.Helper()
	ctx := context.Background()
	evs, err := e.db.Client.AuditEvent.Query().Order(ent.Asc(auditevent.FieldAppendSeq)).All(viewer.System(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := audit.SealAll(ctx, e.db); err != nil {
		t.Fatal(err)
	}
	if rep, err := audit.Verify(ctx, e.db.Client); err != nil || rep.Broken != nil || rep.Unsealed != 0 {
		t.Fatalf("audit chain: %+v, %v", rep, err)
	}
	var out []string
	for _, ev := range evs {
		out = append(out, ev.Action)
	}
	return out
}

// auditOf returns the details of the audit events with the action.
func (e *env) auditOf(t testing.TB, action string) []*ent.AuditEvent {
	t.Helper()
	evs, err := e.db.Client.AuditEvent.Query().Where(auditevent.Action(action)).
		Order(ent.Asc(auditevent.FieldAppendSeq)).All(viewer.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// reload re-reads an account.
func (e *env) reload(t testing.TB, a *ent.Account) *ent.Account {
	t.Helper()
	a, err := e.db.Client.Account.Get(viewer.System(context.Background()), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
