// Package seed fills a database with demo data (`motcua seed demo`, `serve
// --dev`) and with large volumes of realistic accounts for load and search
// tests (Generate).
package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/domain/units"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/policy/viewer"
)

// DemoSignIn is a demo account to sign in with, printed by `serve --dev`
// and `seed demo`.
type DemoSignIn struct {
	Role     string // in Vietnamese, as the product calls it
	Login    string // the ID number (a phone number works too)
	Password string
	Note     string // in English: what the account shows
}

// Demo is what the demo data offers.
type Demo struct {
	SignIns []DemoSignIn
	// UndeliverablePhone and FailingPhone are mobile numbers for which the
	// console SMS provider simulates a message that is never delivered and
	// a send that fails. No demo account uses them; type them when
	// registering a citizen to watch the SMS monitor.
	UndeliverablePhone, FailingPhone string
}

// The console provider's special numbers (E.164; both are valid MobiFone
// numbers, so the phone rules accept them).
const (
	UndeliverablePhone = "+84900000404"
	FailingPhone       = "+84900000500"
)

// officerSpec says how a demo account is in user management.
type officerSpec struct {
	unit        string // unit code, "" for none
	adminOf     string // unit code of a level-1 admin's subtree
	superAdmin  bool
	createGrant bool // CREATE_CITIZEN_ACCOUNTS
}

// demoAccount is one demo account. The ID numbers follow the CCCD layout
// (birth-registration province, century/gender digit, two year digits, six
// digits) with tails from 900001 up, which Generate never uses.
type demoAccount struct {
	role, note string
	name       string
	born       time.Time
	idNumber   string
	phone      string
	password   string // "" when the account has none (imported)
	initial    bool   // password is an unused initial password
	status     account.Status
	origin     account.Origin
	createdBy  string // ID number of the officer who created it at a desk
	officer    *officerSpec
	signIn     bool // listed in Demo.SignIns
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// demoLockKey is the advisory lock of demo seeding on PostgreSQL.
const demoLockKey = 7_286_003

// superAdminIDNumber marks the demo data as present.
const superAdminIDNumber = "001078900001"

func demoAccounts() []demoAccount {
	return []demoAccount{
		{role: "Quản trị hệ thống", note: "super admin: makes level-1 admins, acts everywhere",
			name: "Trần Quốc Bảo", born: date(1978, 5, 12), idNumber: superAdminIDNumber, phone: "+84912000101",
			password: "SieuQuanTri@2026", status: account.StatusACTIVE, origin: account.OriginSELF_REGISTERED,
			officer: &officerSpec{superAdmin: true}, signIn: true},
		{role: "Quản trị cấp 1 tỉnh Lạng Sơn", note: "level-1 admin of Lạng Sơn province: adds officers, assigns units, grants",
			name: "Hoàng Thị Thu Hà", born: date(1983, 9, 20), idNumber: "020183900002", phone: "+84983000102",
			password: "QuanTriTinh@2026", status: account.StatusACTIVE, origin: account.OriginSELF_REGISTERED,
			officer: &officerSpec{unit: CodeLangSon, adminOf: CodeLangSon}, signIn: true},
		{role: "Cán bộ một cửa (được tạo tài khoản công dân)", note: "officer at the Lạng Sơn public administration centre with CREATE_CITIZEN_ACCOUNTS",
			name: "Nông Văn Thắng", born: date(1990, 2, 3), idNumber: "020090900003", phone: "+84934000103",
			password: "CanBoMotCua@2026", status: account.StatusACTIVE, origin: account.OriginSELF_REGISTERED,
			officer: &officerSpec{unit: CodeLangSonCentre, createGrant: true}, signIn: true},
		{role: "Cán bộ Sở Tư pháp", note: "officer of a unit that is not a service desk: cannot be granted (UNIT_NOT_SERVICE_DESK)",
			name: "Lương Thị Mai", born: date(1988, 11, 30), idNumber: "020188900004", phone: "+84912000104",
			password: "CanBoTuPhap@2026", status: account.StatusACTIVE, origin: account.OriginSELF_REGISTERED,
			officer: &officerSpec{unit: CodeLangSonJustice}, signIn: true},
		{role: "Tài khoản chưa thuộc quản lý người dùng", note: "registered portal account; the super admin finds her with \"dang thi anh\", a province admin by her phone or ID number (masked), adds her and grants",
			name: "Đặng Thị Ánh", born: date(1996, 7, 8), idNumber: "034196900005", phone: "+84983000105",
			password: "NguoiDungMoi@2026", status: account.StatusACTIVE, origin: account.OriginSELF_REGISTERED, signIn: true},
		{role: "Công dân", note: "citizen, self-registered, active",
			name: "Nguyễn Văn An", born: date(2001, 1, 15), idNumber: "001201900006", phone: "+84934000106",
			password: "CongDanDemo@2026", status: account.StatusACTIVE, origin: account.OriginSELF_REGISTERED, signIn: true},
		{role: "Công dân (tạo tại bộ phận một cửa)", note: "citizen created at the Lạng Sơn centre, active",
			name: "Phạm Thị Hương", born: date(1975, 4, 22), idNumber: "036175900007", phone: "+84912000107",
			password: "MotCuaDaKichHoat@2026", status: account.StatusACTIVE, origin: account.OriginONE_STOP_DESK,
			createdBy: "020090900003", signIn: true},
		{role: "Công dân mới tạo tại một cửa", note: "created at a desk, not signed in yet: the SMS password works once within 72 h of seeding, then a new password must be set",
			name: "Lê Minh Khôi", born: date(2004, 12, 1), idNumber: "020204900008", phone: "+84983000108",
			password: "Kx7mQ2vRt9", initial: true, status: account.StatusACTIVE, origin: account.OriginONE_STOP_DESK,
			createdBy: "020090900003", signIn: true},
		{role: "Công dân chưa kích hoạt", note: "registered online but never activated: sign-in and password reset are refused",
			name: "Trương Văn Tài", born: date(1992, 10, 10), idNumber: "001092900012", phone: "+84912000112",
			password: "ChuaKichHoat@2026", status: account.StatusNOT_ACTIVATED, origin: account.OriginSELF_REGISTERED, signIn: true},
		{role: "Công dân bị khóa", note: "locked account: sign-in is refused",
			name: "Đỗ Văn Nam", born: date(1968, 6, 18), idNumber: "030068900009", phone: "+84934000109",
			password: "TaiKhoanKhoa@2026", status: account.StatusLOCKED, origin: account.OriginSELF_REGISTERED, signIn: true},
		{role: "Công dân (nhập từ hệ thống cũ)", note: "imported account without a password: use \"forgot password\"",
			name: "Bùi Thị Ngọc", born: date(1999, 3, 9), idNumber: "079199900010", phone: "+84912000110",
			status: account.StatusACTIVE, origin: account.OriginIMPORTED},
		{role: "Cán bộ có tài khoản Bưu điện (VNPost)", note: "officer at the Lạng Sơn centre whose account came from Vietnam Post: never grantable (VNPOST_ACCOUNT)",
			name: "Vũ Thị Lan", born: date(1986, 8, 25), idNumber: "020186900011", phone: "+84983000111",
			password: "BuuDienDemo@2026", status: account.StatusACTIVE, origin: account.OriginVNPOST,
			officer: &officerSpec{unit: CodeLangSonCentre}, signIn: true},
	}
}

// demo is the Demo of the demo accounts.
func demo() Demo {
	d := Demo{UndeliverablePhone: UndeliverablePhone, FailingPhone: FailingPhone}
	for _, a := range demoAccounts() {
		if a.signIn {
			d.SignIns = append(d.SignIns, DemoSignIn{Role: a.role, Login: a.idNumber, Password: a.password, Note: a.note})
		}
	}
	return d
}

// errSeeded stops the transaction when another run seeded first.
var errSeeded = errors.New("seed: demo data present")

// DemoData creates the demo units and accounts, as the system, in one
// transaction: the 34 provinces, each with its public administration centre
// (a service desk) and Sở Tư pháp (not one); two communes with their one-stop
// desks in Hà Nội, Hồ Chí Minh, Lạng Sơn and Đà Nẵng; a unit spelt without
// diacritics that is not a desk; and the accounts of demoAccounts. Units that
// exist already (same code) are reused. When the demo accounts exist already
// it creates nothing. Either way it returns the same Demo.
func DemoData(ctx context.Context, db *store.DB, unitSvc *units.Service,
	hash func(ctx context.Context, pw string) (string, error), now func() time.Time,
) (Demo, error) {
	sys := viewer.System(ctx)
	seeded, err := demoSeeded(sys, db.Client)
	if err != nil {
		return Demo{}, err
	}
	if seeded {
		return demo(), nil
	}
	accounts := demoAccounts()
	hashes := make(map[string]string, len(accounts))
	for _, a := range accounts {
		if err := checkDemoAccount(a); err != nil {
			return Demo{}, err
		}
		if a.password == "" {
			continue
		}
		h, err := hash(ctx, a.password)
		if err != nil {
			return Demo{}, fmt.Errorf("seed: demo: hash: %w", err)
		}
		hashes[a.idNumber] = h
	}
	err = db.InTx(sys, func(ctx context.Context, tx *store.Tx) error {
		// Replicas starting together in dev mode on one PostgreSQL seed one
		// at a time; the second then finds the data and creates nothing.
		if db.IsPostgres() {
			if _, err := tx.SQL.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, demoLockKey); err != nil {
				return fmt.Errorf("seed: demo: lock: %w", err)
			}
		}
		if seeded, err := demoSeeded(ctx, tx.Client); err != nil || seeded {
			return cmpErr(err, errSeeded)
		}
		tree, _, err := ensureDemoUnits(ctx, tx, unitSvc)
		if err != nil {
			return err
		}
		if err := createDemoAccounts(ctx, tx, accounts, hashes, tree, now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now(), audit.Entry{
			Action: "seed.demo", TargetType: "Account",
			Detail: map[string]any{"accounts": len(accounts)},
		})
	})
	if err != nil && !errors.Is(err, errSeeded) {
		return Demo{}, err
	}
	return demo(), nil
}

// cmpErr returns err when set, else alt.
func cmpErr(err, alt error) error {
	if err != nil {
		return err
	}
	return alt
}

func demoSeeded(ctx context.Context, client *ent.Client) (bool, error) {
	ok, err := client.Account.Query().Where(account.IDNumber(superAdminIDNumber)).Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("seed: demo: look up: %w", err)
	}
	return ok, nil
}

// checkDemoAccount holds the demo data to the rules real input meets.
func checkDemoAccount(a demoAccount) error {
	id, err := vn.ParseIDNumber(a.idNumber)
	if err == nil {
		err = id.CheckBirthDate(a.born)
	}
	if err == nil && len(id.Warnings()) > 0 {
		err = errors.New("unknown province code")
	}
	if err != nil {
		return fmt.Errorf("seed: demo account %q: ID number: %w", a.role, err)
	}
	if p, err := vn.NormalizePhone(a.phone); err != nil || p != a.phone {
		return fmt.Errorf("seed: demo account %q: phone not a normalised mobile number: %v", a.role, err)
	}
	if a.phone == UndeliverablePhone || a.phone == FailingPhone {
		return fmt.Errorf("seed: demo account %q uses a special phone number", a.role)
	}
	return nil
}

func createDemoAccounts(ctx context.Context, tx *store.Tx, accounts []demoAccount,
	hashes map[string]string, tree map[string]*ent.Unit, now time.Time,
) error {
	ids := make(map[string]pulid.ID, len(accounts))        // ID number → account
	officerIDs := make(map[string]pulid.ID, len(accounts)) // ID number → officer
	for _, a := range accounts {
		ids[a.idNumber] = pulid.New("AC")
		if a.officer != nil {
			officerIDs[a.idNumber] = pulid.New("OF")
		}
	}
	// Officers first: desk-created citizens point at them. An officer row
	// needs its account, so: officer accounts, officers, then the others.
	for _, pass := range []bool{true, false} {
		for _, a := range accounts {
			if (a.officer != nil) != pass {
				continue
			}
			name := vn.NormalizeName(a.name)
			c := tx.Client.Account.Create().
				SetID(ids[a.idNumber]).SetIDNumber(a.idNumber).SetIDKind(account.IDKindCCCD).
				SetFullName(name).SetNameFolded(vn.Fold(name)).SetDateOfBirth(a.born).
				SetPhone(a.phone).SetStatus(a.status).SetOrigin(a.origin).
				SetCreatedAt(now).SetUpdatedAt(now)
			if h, ok := hashes[a.idNumber]; ok {
				c.SetPasswordHash(h)
			}
			if a.initial {
				c.SetMustChangePassword(true).SetInitialPasswordExpiresAt(now.Add(72 * time.Hour))
			}
			if a.createdBy != "" {
				c.SetCreatedByOfficerID(officerIDs[a.createdBy]).SetCreatedAtUnitID(tree[CodeLangSonCentre].ID)
			}
			if err := c.Exec(ctx); err != nil {
				return fmt.Errorf("seed: demo account %q: %w", a.role, err)
			}
			if a.officer == nil {
				continue
			}
			o := tx.Client.Officer.Create().
				SetID(officerIDs[a.idNumber]).SetAccountID(ids[a.idNumber]).
				SetSuperAdmin(a.officer.superAdmin).
				SetCanCreateCitizenAccounts(a.officer.createGrant).
				SetCreatedAt(now).SetUpdatedAt(now)
			if u := tree[a.officer.unit]; u != nil {
				o.SetUnitID(u.ID).SetUnitPath(u.Path)
			}
			if u := tree[a.officer.adminOf]; u != nil {
				o.SetAdminUnitID(u.ID)
			}
			if err := o.Exec(ctx); err != nil {
				return fmt.Errorf("seed: demo officer %q: %w", a.role, err)
			}
		}
	}
	return nil
}
