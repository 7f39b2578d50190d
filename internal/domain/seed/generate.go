package seed

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"entgo.io/ent/dialect"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/ent/officer"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/domain/units"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/policy/viewer"
)

// GenerateOptions says how much to generate.
type GenerateOptions struct {
	Accounts int // citizen accounts
	Officers int // officer accounts, each with its officer record at a service desk
	// Seed makes the content reproducible: the same seed on the same
	// database state gives the same names, dates, numbers and statuses.
	Seed int64
	// BatchSize is the number of rows per transaction: one multi-row
	// INSERT (default 1000, lowered to what the database's bound parameter
	// limit allows) or, for PostgreSQL's citizen accounts, one COPY
	// (default 20,000).
	BatchSize int
}

// GenerateStats is what Generate wrote.
type GenerateStats struct {
	Accounts int // citizen accounts
	Officers int // officers (each also has an account, not counted in Accounts)
	Units    int // demo units created because there were no service desks
	Duration time.Duration
}

// tailsPerProvince is how many accounts share a birth-registration code in
// the counter of generated ID numbers: their last six digits run through
// 000000…899999 (the demo accounts use 900001 and up).
const tailsPerProvince = 900_000

// MaxGenerated is the most accounts the database can hold for Generate:
// every (birth-registration code, six-digit tail) pair once, about 56
// million, more than the adult population.
var MaxGenerated = tailsPerProvince * len(birthProvinceCodes())

// accountColumns bounds the columns of an account INSERT; with the bound
// parameter limits (SQLite 32,766, PostgreSQL 65,535) it caps the batch size.
const accountColumns = 17

// Generate writes realistic accounts for load and search tests: Vietnamese
// names drawn from family, middle and given name frequencies; dates of birth
// of people aged 14 to 90; 12-digit ID numbers that agree with the date of
// birth, sex and a birth-registration province and are unique (their last
// six digits count the accounts of the database); unique Viettel,
// VinaPhone and MobiFone numbers (never the demo accounts' prefixes 091,
// 093, 098, nor 090 of the special SMS numbers); a mix of statuses and
// origins; name_folded = vn.Fold(name). Officers are spread over the
// service desks; if there are none, the demo units are created first.
// Generated accounts have no password (like imported ones).
//
// Each batch is one multi-row INSERT in its own transaction; progress, when
// not nil, gets the number of accounts written so far after each batch.
func Generate(ctx context.Context, db *store.DB, opts GenerateOptions, progress func(done int)) (GenerateStats, error) {
	start := time.Now()
	sys := viewer.System(ctx)
	var stats GenerateStats
	existing, err := room(sys, db, opts)
	if err != nil {
		return stats, err
	}
	desks, created, err := serviceDesks(sys, db)
	if err != nil {
		return stats, err
	}
	stats.Units = created

	g, report := newGenerator(opts.Seed, existing, time.Now()), runningTotal(progress)
	// Officers first, so that desk-created citizens can name their creator.
	var registrars []*ent.Officer
	for left := opts.Officers; left > 0; {
		n := min(left, batchSize(db, opts.BatchSize))
		saved, err := g.officers(sys, db, n, desks)
		if err != nil {
			return stats, fmt.Errorf("seed: generate: %w", err)
		}
		registrars = append(registrars, saved...)
		left -= n
		stats.Officers += n
		report(n)
	}
	if len(registrars) == 0 {
		// Desk-created citizens need a creator: take the registrars there are.
		if registrars, err = storedRegistrars(sys, db); err != nil {
			return stats, err
		}
	}

	for left := opts.Accounts; left > 0; {
		n := min(left, copyBatchSize(db, opts.BatchSize))
		if err := g.citizens(sys, db, n, registrars); err != nil {
			return stats, fmt.Errorf("seed: generate: accounts: %w", err)
		}
		left -= n
		stats.Accounts += n
		report(n)
	}

	err = audit.Write(sys, db, nil, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		c.Record(time.Now(), audit.Entry{
			Action: "seed.generate", TargetType: "Account",
			Detail: map[string]any{"accounts": stats.Accounts, "officers": stats.Officers, "seed": opts.Seed},
		})
		return nil
	})
	if err != nil {
		return stats, fmt.Errorf("seed: generate: %w", err)
	}
	stats.Duration = time.Since(start)
	return stats, nil
}

// runningTotal returns a function that tells progress (when not nil) the
// sum of the counts it was given so far.
func runningTotal(progress func(done int)) func(n int) {
	done := 0
	return func(n int) {
		done += n
		if progress != nil {
			progress(done)
		}
	}
}

// room checks that opts asks for counts the database has room for, and
// returns how many accounts it holds already.
func room(sys context.Context, db *store.DB, opts GenerateOptions) (int, error) {
	if opts.Accounts < 0 || opts.Officers < 0 {
		return 0, errors.New("seed: generate: negative count")
	}
	existing, err := db.Client.Account.Query().Count(sys)
	if err != nil {
		return 0, fmt.Errorf("seed: generate: count accounts: %w", err)
	}
	if existing+opts.Accounts+opts.Officers > MaxGenerated {
		return 0, fmt.Errorf("seed: generate: at most %d accounts in all", MaxGenerated)
	}
	return existing, nil
}

// storedRegistrars are the officers of the database who may create citizen
// accounts at their unit.
func storedRegistrars(sys context.Context, db *store.DB) ([]*ent.Officer, error) {
	registrars, err := db.Client.Officer.Query().
		Where(officer.CanCreateCitizenAccounts(true), officer.UnitIDNotNil()).All(sys)
	if err != nil {
		return nil, fmt.Errorf("seed: generate: registrars: %w", err)
	}
	return registrars, nil
}

// citizens writes n citizen accounts in one transaction; the desk-created
// ones name one of registrars as their creator.
func (g *generator) citizens(sys context.Context, db *store.DB, n int, registrars []*ent.Officer) error {
	return db.InTx(sys, func(ctx context.Context, tx *store.Tx) error {
		people := make([]person, n)
		for i := range n {
			people[i] = g.person()
			g.citizen(&people[i], registrars)
		}
		return insertPeople(ctx, tx, people)
	})
}

// copyBatchSize is the size of a batch of citizens: on PostgreSQL, which
// writes them with COPY, the requested size or 20 000 (COPY has no
// parameter limit; bigger batches mean fewer commits); elsewhere batchSize.
func copyBatchSize(db *store.DB, requested int) int {
	if !db.IsPostgres() {
		return batchSize(db, requested)
	}
	if requested <= 0 {
		return 20_000
	}
	return requested
}

// officers writes n officers and their accounts in one transaction, each
// at one of desks, about 70 % of them registrars; it returns the
// registrars.
func (g *generator) officers(sys context.Context, db *store.DB, n int, desks []*ent.Unit) ([]*ent.Officer, error) {
	var registrars []*ent.Officer
	err := db.InTx(sys, func(ctx context.Context, tx *store.Tx) error {
		saved, err := g.officersIn(ctx, tx, n, desks)
		for _, o := range saved {
			if o.CanCreateCitizenAccounts {
				registrars = append(registrars, o)
			}
		}
		return err
	})
	return registrars, err
}

func (g *generator) officersIn(ctx context.Context, tx *store.Tx, n int, desks []*ent.Unit) ([]*ent.Officer, error) {
	people := make([]person, n)
	offs := make([]*ent.OfficerCreate, n)
	for i := range n {
		a := g.person()
		a.origin, a.status = account.OriginSELF_REGISTERED, account.StatusACTIVE
		people[i] = a
		desk := desks[g.rnd.IntN(len(desks))]
		offs[i] = tx.Client.Officer.Create().
			SetID(pulid.New("OF")).SetAccountID(a.id).
			SetUnitID(desk.ID).SetUnitPath(desk.Path).
			SetCanCreateCitizenAccounts(g.rnd.IntN(100) < 70).
			SetCreatedAt(a.createdAt).SetUpdatedAt(a.createdAt)
	}
	if err := insertPeople(ctx, tx, people); err != nil {
		return nil, fmt.Errorf("officer accounts: %w", err)
	}
	saved, err := tx.Client.Officer.CreateBulk(offs...).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("officers: %w", err)
	}
	return saved, nil
}

// batchSize is the requested size, or the default, within the database's
// bound parameter limit.
func batchSize(db *store.DB, requested int) int {
	limit := 32_766 / accountColumns
	if db.IsPostgres() {
		limit = 65_535 / accountColumns
	}
	if requested <= 0 {
		requested = 1000
	}
	return min(requested, limit)
}

// serviceDesks returns the service desks, creating the demo units when there
// are none.
func serviceDesks(ctx context.Context, db *store.DB) ([]*ent.Unit, int, error) {
	query := func(client *ent.Client) ([]*ent.Unit, error) {
		return client.Unit.Query().Where(unit.IsServiceDesk(true)).Order(ent.Asc(unit.FieldCode)).All(ctx)
	}
	desks, err := query(db.Client)
	if err != nil || len(desks) > 0 {
		return desks, 0, err
	}
	created := 0
	err = db.InTx(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		_, created, err = ensureDemoUnits(ctx, tx, units.New(db, time.Now))
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	desks, err = query(db.Client)
	if err == nil && len(desks) == 0 {
		err = errors.New("seed: generate: no service desk")
	}
	return desks, created, err
}

// generatedPrefixes are the mobile prefixes of generated numbers (Viettel
// 03x, 086, 096, 097; VinaPhone 081–085, 088, 094; MobiFone 070, 076–079),
// each valid with any seven digits after it (libphonenumber accepts 089
// only before 6–9, so it is left out). The demo accounts use 091, 093 and
// 098 and the special SMS numbers 090, so generated numbers never meet them.
var generatedPrefixes = []string{
	"32", "33", "34", "35", "36", "37", "38", "39", "86", "96", "97",
	"81", "82", "83", "84", "85", "88", "94",
	"70", "76", "77", "78", "79",
}

// birthProvinceCodes are the birth-registration codes of vn (the first three
// digits of a CCCD), in order.
func birthProvinceCodes() []string {
	var out []string
	for i := 1; i <= 99; i++ {
		code := fmt.Sprintf("%03d", i)
		if _, ok := vn.ProvinceName(code); ok {
			out = append(out, code)
		}
	}
	return out
}

// generator draws accounts. Uniqueness does not depend on the random source:
// the n-th account of the database gets phone number n and the ID number
// (idProvince(n), n mod 900,000) whatever its date of birth and sex.
type generator struct {
	rnd       *rand.Rand
	names     namer
	provinces []string
	now       time.Time
	counter   int
}

func newGenerator(seed int64, counter int, now time.Time) *generator {
	return &generator{
		rnd:       rand.New(rand.NewPCG(uint64(seed), uint64(counter))),
		names:     newNamer(),
		provinces: birthProvinceCodes(),
		now:       now,
		counter:   counter,
	}
}

// person is a generated account.
type person struct {
	id        pulid.ID
	idNumber  string
	name      string
	born      time.Time
	phone     string
	email     string
	status    account.Status
	origin    account.Origin
	createdAt time.Time
	// desk-created accounts
	createdBy, createdAtUnit *pulid.ID
	initialExpires           *time.Time
}

func (g *generator) person() person {
	n := g.counter
	g.counter++
	male := g.rnd.IntN(2) == 0
	// Ages 14 (the CCCD age) to 90, most between 20 and 60.
	var age int
	if g.rnd.IntN(100) < 75 {
		age = 20 + g.rnd.IntN(41)
	} else {
		age = 14 + g.rnd.IntN(77)
	}
	born := time.Date(g.now.Year()-age, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.rnd.IntN(365))
	digit := (born.Year()/100 - 19) * 2 // 1900s 0/1, 2000s 2/3 (Circular 59/2021)
	if !male {
		digit++
	}
	idNumber := fmt.Sprintf("%s%d%02d%06d", g.provinces[idProvince(n, len(g.provinces))], digit, born.Year()%100, n%tailsPerProvince)
	p := person{
		id:        pulid.New("AC"),
		idNumber:  idNumber,
		name:      g.names.name(g.rnd, male),
		born:      born,
		phone:     phoneNumber(n),
		createdAt: g.now.Add(-time.Duration(g.rnd.Int64N(int64(3 * 365 * 24 * time.Hour)))),
		status:    account.StatusACTIVE,
		origin:    account.OriginSELF_REGISTERED,
	}
	if g.rnd.IntN(100) < 40 {
		p.email = fmt.Sprintf("%s.%d@example.com", foldedLogin(p.name), n)
	}
	return p
}

// idProvince is the index of the birth-registration code of the n-th
// generated account among p codes. Accounts n and n+900,000·k share their
// six-digit tail, so for one tail the code moves one place per block k:
// distinct for the first p blocks, which MaxGenerated allows. The start is
// scrambled by the tail (a multiplicative hash) so that codes are spread
// evenly within a block instead of in runs.
func idProvince(n, p int) int {
	tail, block := n%tailsPerProvince, n/tailsPerProvince
	return int((uint64(tail)*2_654_435_761>>16)%uint64(p)+uint64(block)) % p
}

// citizen draws the origin and status of a citizen account: most
// self-registered; a quarter created at a desk, of which some not yet
// activated; some from Vietnam Post and imported; a few locked.
func (g *generator) citizen(p *person, registrars []*ent.Officer) {
	switch x := g.rnd.IntN(100); {
	case x < 60:
		p.origin = account.OriginSELF_REGISTERED
	case x < 85:
		p.origin = account.OriginONE_STOP_DESK
	case x < 93:
		p.origin = account.OriginVNPOST
	default:
		p.origin = account.OriginIMPORTED
	}
	// NOT_ACTIVATED: registered online, never activated. Desk-created
	// accounts are ACTIVE from the start; some have not used their initial
	// password yet.
	switch x := g.rnd.IntN(100); {
	case x < 5:
		p.status = account.StatusLOCKED
	case p.origin == account.OriginSELF_REGISTERED && x < 15:
		p.status = account.StatusNOT_ACTIVATED
	case p.origin == account.OriginONE_STOP_DESK && x < 35:
		exp := p.createdAt.Add(72 * time.Hour)
		p.initialExpires = &exp
	}
	if p.origin == account.OriginONE_STOP_DESK && len(registrars) > 0 {
		o := registrars[g.rnd.IntN(len(registrars))]
		p.createdBy, p.createdAtUnit = &o.ID, o.UnitID
	}
}

// insertPeople writes accounts: on PostgreSQL with COPY, which is about
// twice as fast as a multi-row INSERT (see the package's commit message);
// elsewhere with one multi-row INSERT.
func insertPeople(ctx context.Context, tx *store.Tx, people []person) error {
	if tx.Dialect != dialect.Postgres {
		batch := make([]*ent.AccountCreate, len(people))
		for i, p := range people {
			batch[i] = p.create(tx.Client)
		}
		return tx.Client.Account.CreateBulk(batch...).Exec(ctx)
	}
	// The columns that create sets; the others stay NULL, as there.
	stmt, err := tx.SQL.PrepareContext(ctx, `COPY accounts (id, id_number, id_kind, full_name, name_folded,
		date_of_birth, phone, email, status, origin, must_change_password, initial_password_expires_at,
		created_by_officer_id, created_at_unit_id, created_at, updated_at) FROM STDIN`)
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	defer stmt.Close()
	for _, p := range people {
		_, err := stmt.ExecContext(ctx, string(p.id), p.idNumber, string(account.IDKindCCCD), p.name, vn.Fold(p.name),
			p.born.Format(time.DateOnly), p.phone, p.email, string(p.status), string(p.origin), p.initialExpires != nil,
			nullable(p.initialExpires), nullableID(p.createdBy), nullableID(p.createdAtUnit), p.createdAt, p.createdAt)
		if err != nil {
			return fmt.Errorf("copy: %w", err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	return nil
}

func nullable(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

func nullableID(id *pulid.ID) any {
	if id == nil {
		return nil
	}
	return string(*id)
}

func (p person) create(client *ent.Client) *ent.AccountCreate {
	c := client.Account.Create().
		SetID(p.id).SetIDNumber(p.idNumber).SetIDKind(account.IDKindCCCD).
		SetFullName(p.name).SetNameFolded(vn.Fold(p.name)).SetDateOfBirth(p.born).
		SetPhone(p.phone).SetEmail(p.email).SetStatus(p.status).SetOrigin(p.origin).
		SetMustChangePassword(p.initialExpires != nil).
		SetNillableInitialPasswordExpiresAt(p.initialExpires).
		SetNillableCreatedByOfficerID(p.createdBy).SetNillableCreatedAtUnitID(p.createdAtUnit).
		SetCreatedAt(p.createdAt).SetUpdatedAt(p.createdAt)
	return c
}

// phoneNumber is the n-th generated mobile number (E.164): the prefix cycles
// through generatedPrefixes and the seven digits after it run through a
// fixed permutation of 0…9,999,999 (multiplying by a number prime to 10^7
// is a bijection), so numbers are unique without looking like a counter.
func phoneNumber(n int) string {
	prefix := generatedPrefixes[n%len(generatedPrefixes)]
	q := n / len(generatedPrefixes)
	tail := (q*3_000_017 + 1_234_567) % 10_000_000
	return fmt.Sprintf("+84%s%07d", prefix, tail)
}

// foldedLogin is a name without diacritics, spaces or case: "nguyenvanan".
func foldedLogin(name string) string {
	out := make([]byte, 0, len(name))
	for _, r := range vn.Fold(name) {
		if r >= 'a' && r <= 'z' {
			out = append(out, byte(r))
		}
	}
	return string(out)
}
