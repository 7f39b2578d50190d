package stats

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/domain/officers"
	"github.com/motcua/motcua/internal/platform/events"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/internal/testkit/dbtest"
	"github.com/motcua/motcua/policy"
	"github.com/motcua/motcua/policy/viewer"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// world is two provinces with two desks each, an officer per desk, an
// admin per province, the super admin and a citizen.
type world struct {
	t     testing.TB
	db    *store.DB
	svc   *Service
	clock *time.Time
	authz *policy.Authorizer
	seq   int

	provA, provB           *ent.Unit
	deskA1, deskA2, deskB1 *ent.Unit
	offA1, offA2, offB1    *ent.Officer
	adminA, adminB, super  *ent.Account
	plainOfficer, citizen  *ent.Account
}

// start is 10:00 local time on a Monday.
var start = time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)

func newWorld(t testing.TB, db *store.DB) *world {
	clock := start
	w := &world{t: t, db: db, clock: &clock}
	w.svc = New(Config{DB: db, Bus: events.NewLocal(), Now: func() time.Time { return *w.clock },
		OTPMaxAttempts: 5, LookupsPerDay: 300})
	w.provA = w.unit("Tỉnh A", nil)
	w.provB = w.unit("Tỉnh B", nil)
	w.deskA1 = w.unit("Bộ phận một cửa xã A1", w.provA)
	w.deskA2 = w.unit("Bộ phận một cửa xã A2", w.provA)
	w.deskB1 = w.unit("Bộ phận một cửa xã B1", w.provB)
	w.offA1 = w.officer(w.account("Cán Bộ A1", "+84961000001"), w.deskA1)
	w.offA2 = w.officer(w.account("Cán Bộ A2", "+84911000002"), w.deskA2)
	w.offB1 = w.officer(w.account("Cán Bộ B1", "+84901000003"), w.deskB1)
	w.adminA = w.account("Quản Trị A", "+84961000004")
	w.mustSave(db.Client.Officer.Create().SetAccountID(w.adminA.ID).SetAdminUnitID(w.provA.ID).Save(sys()))
	w.adminB = w.account("Quản Trị B", "+84961000005")
	w.mustSave(db.Client.Officer.Create().SetAccountID(w.adminB.ID).SetAdminUnitID(w.provB.ID).Save(sys()))
	w.super = w.account("Siêu Quản Trị", "+84961000006")
	w.mustSave(db.Client.Officer.Create().SetAccountID(w.super.ID).SetSuperAdmin(true).Save(sys()))
	w.plainOfficer = w.offA1.Edges.Account
	w.citizen = w.account("Công Dân", "+84961000007")
	authz, err := policy.New(context.Background(), officers.Assignments(db.Client))
	if err != nil {
		t.Fatal(err)
	}
	w.authz = authz
	return w
}

func sys() context.Context { return viewer.System(context.Background()) }

func (w *world) mustSave(_ any, err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) now() time.Time { return *w.clock }

func (w *world) unit(name string, parent *ent.Unit) *ent.Unit {
	w.t.Helper()
	w.seq++
	id := pulid.New("UN")
	path := "/" + string(id) + "/"
	kind := unit.KindPROVINCE
	c := w.db.Client.Unit.Create().SetID(id).SetCode(fmt.Sprintf("U%05d", w.seq)).SetName(name).SetNameFolded(vn.Fold(name))
	if parent != nil {
		path, kind = parent.Path+string(id)+"/", unit.KindCOMMUNE
		c.SetParentID(parent.ID)
	}
	u, err := c.SetKind(kind).SetIsServiceDesk(vn.IsServiceDeskName(name)).SetPath(path).Save(sys())
	if err != nil {
		w.t.Fatal(err)
	}
	return u
}

func (w *world) account(name, phone string) *ent.Account {
	w.t.Helper()
	w.seq++
	a, err := w.db.Client.Account.Create().SetIDNumber(fmt.Sprintf("001090%06d", w.seq)).
		SetFullName(name).SetNameFolded(vn.Fold(name)).SetDateOfBirth(time.Date(1990, 5, 31, 0, 0, 0, 0, time.UTC)).
		SetPhone(phone).SetOrigin(account.OriginSELF_REGISTERED).Save(sys())
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

func (w *world) officer(a *ent.Account, desk *ent.Unit) *ent.Officer {
	w.t.Helper()
	o, err := w.db.Client.Officer.Create().SetAccountID(a.ID).SetUnitID(desk.ID).SetUnitPath(desk.Path).
		SetCanCreateCitizenAccounts(true).Save(sys())
	if err != nil {
		w.t.Fatal(err)
	}
	o.Edges.Account = a
	return o
}

// as is a context signed in as account a.
func (w *world) as(a *ent.Account) context.Context {
	v := viewer.New(w.authz)
	v.AccountID = a.ID
	if o, err := w.db.Client.Officer.Query().Where().All(sys()); err == nil {
		for _, x := range o {
			if x.AccountID == a.ID {
				v.OfficerID = x.ID
				if x.UnitID != nil {
					v.UnitID, v.UnitPath = *x.UnitID, x.UnitPath
				}
			}
		}
	}
	return viewer.NewContext(context.Background(), v)
}
