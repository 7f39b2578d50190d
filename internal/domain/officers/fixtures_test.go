package officers

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/auditevent"
	"github.com/motcua/motcua/ent/officer"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/internal/testkit"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var testNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// world is a small unit tree with one account per role:
//
//	Hà Nội (province)                     adminHN administers it
//	├── Trung tâm Phục vụ hành chính công  service desk, officer works here
//	└── Sở Tư pháp                         not a service desk
//	Huế (province)                        adminHue administers it
//	└── Bộ phận Một cửa phường Thuận Hóa   service desk
//
// super is the super admin; citizen has an account and nothing else.
type world struct {
	t     testing.TB
	db    *store.DB
	authz *policy.Authorizer
	bus   *events.Local
	svc   *Service
	seq   int

	hanoi, hanoiDesk, hanoiJustice, hue, hueDesk *ent.Unit
	super, adminHN, adminHue, officer, citizen   *ent.Account
}

func newWorld(t testing.TB, db *store.DB) *world {
	t.Helper()
	w := &world{t: t, db: db, bus: events.NewLocal()}
	t.Cleanup(func() { w.bus.Close() })
	w.hanoi = w.unit("000.00.00.H26", "Thành phố Hà Nội", unit.KindPROVINCE, nil)
	w.hanoiDesk = w.unit("000.00.01.H26", "Trung tâm Phục vụ hành chính công thành phố Hà Nội", unit.KindAGENCY, w.hanoi)
	w.hanoiJustice = w.unit("000.00.02.H26", "Sở Tư pháp thành phố Hà Nội", unit.KindAGENCY, w.hanoi)
	w.hue = w.unit("000.00.00.H33", "Thành phố Huế", unit.KindPROVINCE, nil)
	w.hueDesk = w.unit("000.01.00.H33", "Bộ phận Một cửa phường Thuận Hóa", unit.KindCOMMUNE, w.hue)

	w.super = w.account("Quản Trị Viên", account.OriginSELF_REGISTERED)
	w.mustCreate(db.Client.Officer.Create().SetAccountID(w.super.ID).SetSuperAdmin(true))
	w.adminHN = w.account("Lê Văn Quản", account.OriginSELF_REGISTERED)
	w.mustCreate(db.Client.Officer.Create().SetAccountID(w.adminHN.ID).SetAdminUnitID(w.hanoi.ID))
	w.adminHue = w.account("Trần Thị Huế", account.OriginSELF_REGISTERED)
	w.mustCreate(db.Client.Officer.Create().SetAccountID(w.adminHue.ID).SetAdminUnitID(w.hue.ID))
	w.officer = w.account("Phạm Văn Cán", account.OriginSELF_REGISTERED)
	w.newOfficer(w.officer, w.hanoiDesk, true)
	w.citizen = w.account("Ngô Thị Dân", account.OriginSELF_REGISTERED)

	authz, err := policy.New(context.Background(), Assignments(db.Client))
	if err != nil {
		t.Fatal(err)
	}
	w.authz = authz
	w.svc = New(db, authz, w.bus, func() time.Time { return testNow })
	return w
}

type creator interface {
	Exec(context.Context) error
}

func (w *world) mustCreate(c creator) {
	w.t.Helper()
	if err := c.Exec(testkit.System()); err != nil {
		w.t.Fatal(err)
	}
}

// unit creates a unit whose path extends its parent's, as the units package does.
func (w *world) unit(code, name string, kind unit.Kind, parent *ent.Unit) *ent.Unit {
	w.t.Helper()
	id := pulid.New("UN")
	path := "/" + string(id) + "/"
	c := w.db.Client.Unit.Create().SetID(id).SetCode(code).SetName(name).SetNameFolded(vn.Fold(name)).
		SetKind(kind).SetIsServiceDesk(vn.IsServiceDeskName(name))
	if parent != nil {
		path = parent.Path + string(id) + "/"
		c.SetParentID(parent.ID)
	}
	u, err := c.SetPath(path).Save(testkit.System())
	if err != nil {
		w.t.Fatal(err)
	}
	return u
}

// account creates a portal account with a fresh ID number and phone.
func (w *world) account(name string, origin account.Origin) *ent.Account {
	w.t.Helper()
	w.seq++
	name = vn.NormalizeName(name)
	a, err := w.db.Client.Account.Create().
		SetIDNumber(fmt.Sprintf("001090%06d", w.seq)).
		SetFullName(name).SetNameFolded(vn.Fold(name)).
		SetDateOfBirth(time.Date(1990, 5, 31, 0, 0, 0, 0, time.UTC)).
		SetPhone(fmt.Sprintf("+8491%07d", w.seq)).
		SetOrigin(origin).
		Save(testkit.System())
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

// newOfficer puts an account into user management, at unit u (nil: none).
func (w *world) newOfficer(a *ent.Account, u *ent.Unit, canCreate bool) *ent.Officer {
	w.t.Helper()
	c := w.db.Client.Officer.Create().SetAccountID(a.ID).SetCanCreateCitizenAccounts(canCreate)
	if u != nil {
		c.SetUnitID(u.ID).SetUnitPath(u.Path)
	}
	o, err := c.Save(testkit.System())
	if err != nil {
		w.t.Fatal(err)
	}
	if w.authz != nil {
		w.reload()
	}
	return o
}

func (w *world) reload() {
	w.t.Helper()
	if err := w.authz.Reload(context.Background()); err != nil {
		w.t.Fatal(err)
	}
}

// as is a request context of account a (nil: anonymous), loaded as
// auth.LoadViewer does: the account, its officer record and unit.
func (w *world) as(a *ent.Account) context.Context {
	w.t.Helper()
	if a == nil {
		return context.Background()
	}
	v := viewer.New(w.authz)
	v.AccountID = a.ID
	o, err := w.db.Client.Officer.Query().Where(officer.AccountID(a.ID)).WithUnit().Only(testkit.System())
	switch {
	case ent.IsNotFound(err):
	case err != nil:
		w.t.Fatal(err)
	default:
		v.OfficerID = o.ID
		if o.Edges.Unit != nil {
			v.UnitID, v.UnitPath = o.Edges.Unit.ID, o.Edges.Unit.Path
		}
	}
	return viewer.NewContext(context.Background(), v)
}

func (w *world) officerOf(a *ent.Account) *ent.Officer {
	w.t.Helper()
	o, err := w.db.Client.Officer.Query().Where(officer.AccountID(a.ID)).Only(testkit.System())
	if err != nil {
		w.t.Fatal(err)
	}
	return o
}

func (w *world) accountOf(o *ent.Officer) *ent.Account {
	w.t.Helper()
	a, err := w.db.Client.Account.Get(testkit.System(), o.AccountID)
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

func (w *world) auditCount() int {
	w.t.Helper()
	n, err := w.db.Client.AuditEvent.Query().Count(testkit.System())
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

func (w *world) auditOf(targetID pulid.ID) []*ent.AuditEvent {
	w.t.Helper()
	evs, err := w.db.Client.AuditEvent.Query().Where(auditevent.TargetID(string(targetID))).
		Order(ent.Asc(auditevent.FieldAppendSeq)).All(testkit.System())
	if err != nil {
		w.t.Fatal(err)
	}
	return evs
}

// snapshot is what "nothing changed" compares: every officer row, and the
// length of the audit trail.
type snapshot struct {
	officers string
	audit    int
}

func (w *world) snapshot() snapshot {
	w.t.Helper()
	offs, err := w.db.Client.Officer.Query().Order(ent.Asc(officer.FieldID)).All(testkit.System())
	if err != nil {
		w.t.Fatal(err)
	}
	s := ""
	for _, o := range offs {
		s += fmt.Sprintf("%s %s unit=%s path=%s create=%v super=%v admin=%s upd=%s\n", o.ID, o.AccountID,
			idOrEmpty(o.UnitID), o.UnitPath, o.CanCreateCitizenAccounts, o.SuperAdmin, idOrEmpty(o.AdminUnitID),
			o.UpdatedAt.UTC().Format(time.RFC3339Nano))
	}
	return snapshot{officers: s, audit: w.auditCount()}
}

func (w *world) unchanged(before snapshot) {
	w.t.Helper()
	after := w.snapshot()
	if after.officers != before.officers {
		w.t.Errorf("officers changed after a refusal:\nbefore:\n%s\nafter:\n%s", before.officers, after.officers)
	}
	if after.audit != before.audit {
		w.t.Errorf("audit trail grew after a refusal: %d → %d", before.audit, after.audit)
	}
}

// wantCode checks that err is a refusal with the code (or nil for "").
func wantCode(t *testing.T, err error, code refusal.Code) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("want success, got %v", err)
		}
		return
	}
	testkit.Refused(t, err, code)
}

func ptr[T any](v T) *T { return &v }
