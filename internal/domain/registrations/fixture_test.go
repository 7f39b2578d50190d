package registrations

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/domain/auth"
	"github.com/motcua/motcua/internal/domain/officers"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/platform/scans"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/otp"
	"github.com/motcua/motcua/internal/rules/password"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/internal/testkit"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/internal/testkit/fakes"
	"github.com/motcua/motcua/internal/testkit/fixtures"
	"github.com/motcua/motcua/internal/testkit/testenv"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// t0 is the fake clock's start: a Monday morning in Hà Nội, whole seconds so
// that both databases store it exactly.
var t0 = time.Date(2025, 6, 2, 2, 0, 0, 0, time.UTC)

// fixture is a database with two provinces, their desks and officers.
//
//	province A ─┬─ desk1 (registrar1, noRight)   adminA: admin of A
//	            ├─ desk2 (registrar2)
//	            └─ justice (plain: not a desk)
//	province B ─── desk3                          adminB: admin of B
type fixture struct {
	db       *store.DB
	authz    *policy.Authorizer
	svc      *Service
	cfg      Config // svc's
	clock    *testkit.Clock
	outbox   *fakes.Outbox
	bus      *events.Local
	hasher   *password.Hasher
	scanDir  string
	otpKey   []byte
	provA    *ent.Unit
	desk1    *ent.Unit
	desk2    *ent.Unit
	justice  *ent.Unit
	provB    *ent.Unit
	desk3    *ent.Unit
	accounts map[string]*ent.Account // by actor name
	officers map[string]*ent.Officer
}

// Actor names.
const (
	anonymous  = "anonymous"
	citizen    = "citizen"
	noUnit     = "noUnit"
	plainUnit  = "plainUnit"
	noRight    = "noRight"
	registrar1 = "registrar1"
	registrar2 = "registrar2"
	registrar3 = "registrar3"
	adminA     = "adminA"
	adminB     = "adminB"
)

func newFixture(t testing.TB, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	sys := viewer.System(ctx)
	f := &fixture{
		db: db, clock: testkit.NewClock(t0), outbox: &fakes.Outbox{}, bus: events.NewLocal(),
		hasher: password.NewHasher(4), scanDir: t.TempDir(), otpKey: bytes.Repeat([]byte{7}, 32),
		accounts: map[string]*ent.Account{}, officers: map[string]*ent.Officer{},
	}
	t.Cleanup(func() { f.bus.Close() })
	f.provA = f.unit(t, nil, "H01", "Tỉnh A", unit.KindPROVINCE)
	f.desk1 = f.unit(t, f.provA, "H01.1", "Trung tâm Phục vụ hành chính công tỉnh A", unit.KindAGENCY)
	f.desk2 = f.unit(t, f.provA, "H01.2", "Bộ phận Một cửa xã Hòa Bình", unit.KindCOMMUNE)
	f.justice = f.unit(t, f.provA, "H01.3", "Sở Tư pháp tỉnh A", unit.KindAGENCY)
	f.provB = f.unit(t, nil, "H02", "Tỉnh B", unit.KindPROVINCE)
	f.desk3 = f.unit(t, f.provB, "H02.1", "Trung tâm phục vụ hành chính công tỉnh B", unit.KindAGENCY)

	f.person(t, citizen, "Lê Thị Công Dân")
	for _, o := range []struct {
		name  string
		unit  *ent.Unit
		right bool
		admin *ent.Unit
	}{
		{noUnit, nil, true, nil},
		{plainUnit, f.justice, true, nil},
		{noRight, f.desk1, false, nil},
		{registrar1, f.desk1, true, nil},
		{registrar2, f.desk2, true, nil},
		{registrar3, f.desk3, true, nil},
		{adminA, nil, false, f.provA},
		{adminB, nil, false, f.provB},
	} {
		acc := f.person(t, o.name, "Cán Bộ "+o.name)
		c := db.Client.Officer.Create().SetAccountID(acc.ID).SetCanCreateCitizenAccounts(o.right)
		if o.unit != nil {
			c.SetUnitID(o.unit.ID).SetUnitPath(o.unit.Path)
		}
		if o.admin != nil {
			c.SetAdminUnitID(o.admin.ID)
		}
		f.officers[o.name] = c.SaveX(sys)
	}
	authz, err := policy.New(ctx, officers.Assignments(db.Client))
	if err != nil {
		t.Fatal(err)
	}
	f.authz = authz
	store, err := scans.OpenStore(ctx, "file://"+filepath.ToSlash(f.scanDir)+"?no_tmp_dir=1", bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f.cfg = Config{
		DB: db, Scans: store, Outbox: f.outbox, OTP: otp.NewHasher(f.otpKey), Hasher: f.hasher,
		Bus: f.bus, Now: f.clock.Now, BaseURL: "https://dvc.example.vn", LookupKey: bytes.Repeat([]byte{5}, 32),
	}
	f.svc = New(f.cfg)
	return f
}

func (f *fixture) unit(t testing.TB, parent *ent.Unit, code, name string, kind unit.Kind) *ent.Unit {
	t.Helper()
	id := pulid.New("UN")
	path := "/" + string(id) + "/"
	c := f.db.Client.Unit.Create().SetID(id).SetCode(code).SetName(name).SetNameFolded(vn.Fold(name)).
		SetKind(kind).SetIsServiceDesk(vn.IsServiceDeskName(name))
	if parent != nil {
		path = parent.Path + string(id) + "/"
		c.SetParentID(parent.ID)
	}
	return c.SetPath(path).SaveX(viewer.System(context.Background()))
}

// person creates a self-registered account with a unique ID number and phone.
func (f *fixture) person(t testing.TB, actor, name string) *ent.Account {
	t.Helper()
	n := len(f.accounts) + 1
	acc := f.db.Client.Account.Create().
		SetIDNumber("0790850" + pad5(n)).SetFullName(name).SetNameFolded(vn.Fold(name)).
		SetDateOfBirth(time.Date(1985, 3, 4, 0, 0, 0, 0, time.UTC)).SetPhone("+8498800" + pad4(n)).
		SetOrigin(account.OriginSELF_REGISTERED).
		SaveX(viewer.System(context.Background()))
	f.accounts[actor] = acc
	return acc
}

func pad5(n int) string { return fmt.Sprintf("%05d", n) }
func pad4(n int) string { return fmt.Sprintf("%04d", n) }

// as is a request context of the named actor, in Vietnamese.
func (f *fixture) as(t testing.TB, actor string) context.Context {
	t.Helper()
	ctx := requestinfo.NewContext(context.Background(), requestinfo.Info{Lang: "vi", ClientIP: "192.0.2.1"})
	if actor == anonymous {
		return ctx
	}
	v, err := auth.LoadViewer(ctx, f.db.Client, f.authz, f.accounts[actor].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	return viewer.NewContext(ctx, v)
}

// --- inputs ---------------------------------------------------------------

// idFor is a CCCD for a man born in 1990 in Hà Nội (code 001), unique by n.
func idFor(n int) string { return "0010900" + pad5(n) }

// phoneFor is a mobile number unique by n, as typed at the desk; e164For is its stored form.
func phoneFor(n int) string { return fmt.Sprintf("0912 %06d", n) }
func e164For(n int) string  { return fmt.Sprintf("+84912%06d", n) }

var dob1990 = time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC)

// input is a valid StartInput at desk1 with a real PDF scan.
func (f *fixture) input(t *testing.T, n int) StartInput {
	t.Helper()
	return StartInput{
		IDNumber: idFor(n), FullName: "Nguyễn Văn An", DateOfBirth: dob1990,
		Phone: phoneFor(n), Email: "an.nguyen@example.vn", UnitID: f.desk1.ID,
		Scan: bytes.NewReader(fixtures.PDF(t)),
	}
}

// start opens a case as registrar1 and fails the test on refusal.
func (f *fixture) start(t *testing.T, n int) *ent.Registration {
	t.Helper()
	reg, err := f.svc.Start(f.as(t, registrar1), f.input(t, n))
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	return reg
}

// sent opens a case and sends its first code.
func (f *fixture) sent(t *testing.T, n int) *ent.Registration {
	t.Helper()
	reg := f.start(t, n)
	reg, err := f.svc.SendOTP(f.as(t, registrar1), reg.ID)
	if err != nil {
		t.Fatalf("send otp: %v", err)
	}
	return reg
}

// created takes a case through to an account.
func (f *fixture) created(t *testing.T, n int) *ent.Registration {
	t.Helper()
	reg := f.sent(t, n)
	reg, err := f.svc.Complete(f.as(t, registrar1), reg.ID, f.outbox.LastCode(t))
	if err != nil {
		t.Fatalf("complete: %v", err)
	}
	return reg
}

// --- assertions -------------------------------------------------------------

// counts is how many rows each table of the flow holds, and how many blobs
// the scan bucket holds.
type counts struct{ regs, scans, challenges, sms, audits, accounts, blobs int }

func (f *fixture) counts(t *testing.T) counts {
	t.Helper()
	sys := viewer.System(context.Background())
	c := f.db.Client
	return counts{
		regs: c.Registration.Query().CountX(sys), scans: c.Scan.Query().CountX(sys),
		challenges: c.OTPChallenge.Query().CountX(sys), sms: c.SMSMessage.Query().CountX(sys),
		audits: c.AuditEvent.Query().CountX(sys), accounts: c.Account.Query().CountX(sys),
		blobs: f.blobs(t),
	}
}

// blobs counts the objects in the scan bucket (fileblob keeps each object's
// attributes in a ".attrs" file beside it; those must come and go with it).
func (f *fixture) blobs(t *testing.T) int {
	t.Helper()
	objects, attrs := 0, 0
	err := filepath.WalkDir(f.scanDir, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil || d.IsDir():
		case strings.HasSuffix(path, ".attrs"):
			attrs++
		default:
			objects++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if attrs > objects {
		t.Errorf("%d attribute files left for %d objects", attrs, objects)
	}
	return objects
}

// files counts every file in the scan bucket, finished or not.
func (f *fixture) files(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(f.scanDir, "scans"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return len(entries)
}

// registrationEvents subscribes to registration events for the test.
func (f *fixture) registrationEvents(t *testing.T) <-chan events.Event {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch, err := f.bus.Subscribe(ctx, events.TopicRegistration)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// drain returns the events already delivered (the local bus delivers
// synchronously within Publish).
func drain(ch <-chan events.Event) []events.Event {
	var out []events.Event
	for {
		select {
		case e := <-ch:
			out = append(out, e)
		default:
			return out
		}
	}
}

func reload(t *testing.T, f *fixture, id pulid.ID) *ent.Registration {
	t.Helper()
	return f.db.Client.Registration.GetX(viewer.System(context.Background()), id)
}

// each runs fn on SQLite and PostgreSQL with a fresh fixture.
func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) { fn(t, newFixture(t, db)) })
}
