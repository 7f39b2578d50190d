package accounts

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/account"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/policy/viewer"
)

// Columns are the columns of an accounts CSV file (docs/API.md "Command line"),
// named in a header row, in any order.
var Columns = []string{"id_number", "full_name", "date_of_birth", "phone", "email", "status", "origin"}

// BatchSize is how many accounts go into one INSERT. 1000 rows of ~16
// columns stay well under SQLite's and PostgreSQL's limits on bound values.
const BatchSize = 1000

// ErrRejected is returned when the file has bad rows: the report lists every
// one of them and nothing was written.
var ErrRejected = errors.New("accounts: import rejected: the file has bad rows, nothing was written")

// ImportReport is the outcome of an import.
type ImportReport struct {
	Rows     int  // data rows read (the header row not counted)
	Valid    int  // rows that passed every check
	Created  int  // accounts written: 0 on a dry run and on a rejected file
	DryRun   bool // nothing was meant to be written
	Problems []Problem
}

// Problem is one thing wrong with one row. Messages never repeat the
// row's values (they are personal data); the line number says where.
type Problem struct {
	Line   int    // line of the file, 1 is the header row
	Column string // the CSV column at fault, "" for the row as a whole
	VI, EN string
}

// String is the English form of p, for the command line.
func (p Problem) String() string {
	if p.Column == "" {
		return fmt.Sprintf("line %d: %s", p.Line, p.EN)
	}
	return fmt.Sprintf("line %d, %s: %s", p.Line, p.Column, p.EN)
}

// Import brings accounts that already exist on the portal into the database
// from a CSV file (`motcua accounts import FILE.csv`): UTF-8, a header row
// naming Columns, values possibly quoted.
//
// Every row is checked by the rules of docs/RULES.md: the ID number (12 digits
// whose digits 4–6 agree with the date of birth, or an old 9-digit CMND,
// stored with id_kind CMND: the source document still allows those for
// existing accounts), the name (NFC-normalised, 1–100 runes, no digits), the
// date of birth (YYYY-MM-DD, not in the future), the mobile phone (stored in
// E.164), the e-mail syntax, and the status and origin enum names (any case).
// ID numbers and phones (a phone is a login, so it must name one account)
// must not repeat within the file nor match an account already stored.
//
// A dry run reports every bad row and writes nothing. A real run is all or
// nothing: one transaction, written in batches of BatchSize as the file is
// read, rolled back when any row is bad (ErrRejected) or anything fails. The
// file is streamed: memory grows by a few tens of bytes per row for the duplicate
// checks, not with the file. Imported accounts have no password until their
// owner sets one through "forgot password". One audit event records the
// import.
func Import(ctx context.Context, db *store.DB, r io.Reader, dryRun bool, now func() time.Time) (ImportReport, error) {
	imp := &importer{now: now().UTC(), ids: map[uint64]int32{}, phones: map[uint64]int32{}}
	imp.report.DryRun = dryRun
	if dryRun {
		// Reads only: no transaction, so that a long dry run does not hold
		// SQLite's write lock.
		imp.client = db.Client
		if err := imp.run(ctx, r); err != nil {
			return imp.report, err
		}
		if len(imp.report.Problems) > 0 {
			return imp.report, ErrRejected
		}
		return imp.report, nil
	}
	imp.write = true
	err := audit.Write(ctx, db, nil, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		imp.client = tx.Client
		if err := imp.run(ctx, r); err != nil {
			return err
		}
		if len(imp.report.Problems) > 0 {
			return ErrRejected
		}
		c.Record(imp.now, audit.Entry{
			Action: "accounts.import", TargetType: "Account", TargetID: "import",
			Detail: map[string]any{"created": imp.report.Created, "rows": imp.report.Rows},
		})
		return nil
	})
	if err != nil {
		imp.report.Created = 0
		return imp.report, err
	}
	return imp.report, nil
}

// importer is one run of Import.
type importer struct {
	client *ent.Client
	write  bool
	now    time.Time
	report ImportReport
	batch  []row
	// ids and phones map every accepted value to the line that holds it,
	// as compact integer keys (idKey, phoneKey): a few tens of bytes per row.
	ids, phones map[uint64]int32
}

// row is a checked row: written when valid, and checked against the
// stored accounts in any case, so that a dry run reports every duplicate.
type row struct {
	valid                     bool
	line                      int
	idNumber, name, phone     string
	email                     string
	idKind                    account.IDKind
	dob                       time.Time
	status                    account.Status
	origin                    account.Origin
	idKeyValue, phoneKeyValue uint64
}

func (imp *importer) problem(line int, column, vi, en string) {
	imp.report.Problems = append(imp.report.Problems, Problem{Line: line, Column: column, VI: vi, EN: en})
}

// run reads and checks the whole file, writing batches when imp.write. The
// problems end up in line order (duplicates against stored accounts are
// found a batch later than the rest).
func (imp *importer) run(ctx context.Context, r io.Reader) error {
	defer func() {
		slices.SortStableFunc(imp.report.Problems, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
	}()
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // a wrong count is a row problem, reported by us
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		imp.problem(1, "", "Tệp trống: cần một dòng tiêu đề "+strings.Join(Columns, ",")+".",
			"The file is empty: a header row "+strings.Join(Columns, ",")+" is needed.")
		return nil
	}
	if err != nil {
		imp.problem(1, "", "Không đọc được dòng tiêu đề của tệp CSV.", "The CSV header row cannot be read.")
		return nil
	}
	index, ok := imp.readHeader(header)
	if !ok {
		return nil // a file whose columns are unknown has no row worth checking
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			imp.report.Rows++
			imp.problem(perr.StartLine, "", "Dòng không đúng định dạng CSV (kiểm tra dấu ngoặc kép).",
				"The row is not valid CSV (check the double quotes).")
			continue
		}
		if err != nil {
			return fmt.Errorf("accounts: import: read: %w", err)
		}
		imp.report.Rows++
		line, _ := cr.FieldPos(0)
		if len(rec) != len(index) {
			imp.problem(line, "", fmt.Sprintf("Dòng có %d cột, cần đúng %d cột như dòng tiêu đề.", len(rec), len(index)),
				fmt.Sprintf("The row has %d columns; it needs exactly %d, as in the header.", len(rec), len(index)))
			continue
		}
		get := func(col string) string { return strings.TrimSpace(rec[index[col]]) }
		if rw := imp.check(line, get); rw.idNumber != "" || rw.phone != "" {
			imp.batch = append(imp.batch, rw)
		}
		if len(imp.batch) >= BatchSize {
			if err := imp.flush(ctx); err != nil {
				return err
			}
		}
	}
	return imp.flush(ctx)
}

// readHeader maps column names to positions. Names are matched without
// regard to case and surrounding space; a UTF-8 byte-order mark (Excel
// writes one) is ignored.
func (imp *importer) readHeader(header []string) (map[string]int, bool) {
	index := map[string]int{}
	ok := true
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		if !isColumn(name) {
			imp.problem(1, "", fmt.Sprintf("Cột thứ %d của dòng tiêu đề không phải một trong các cột %s.", i+1, strings.Join(Columns, ",")),
				fmt.Sprintf("Column %d of the header is not one of %s.", i+1, strings.Join(Columns, ",")))
			ok = false
			continue
		}
		if _, dup := index[name]; dup {
			imp.problem(1, name, "Cột này xuất hiện hai lần trong dòng tiêu đề.", "This column appears twice in the header.")
			ok = false
			continue
		}
		index[name] = i
	}
	for _, c := range Columns {
		if _, found := index[c]; !found {
			imp.problem(1, c, "Dòng tiêu đề thiếu cột này.", "The header lacks this column.")
			ok = false
		}
	}
	return index, ok
}

func isColumn(name string) bool {
	for _, c := range Columns {
		if c == name {
			return true
		}
	}
	return false
}

// check validates one row; every problem of the row is reported. The ID
// number and phone are set on the result when they are well-formed.
func (imp *importer) check(line int, get func(string) string) row {
	rw := row{line: line}
	before := len(imp.report.Problems)
	rw.name = vn.NormalizeName(get("full_name"))
	switch n := utf8.RuneCountInString(rw.name); {
	case n == 0:
		imp.problem(line, "full_name", "Thiếu họ và tên.", "The full name is missing.")
	case n > 100:
		imp.problem(line, "full_name", "Họ và tên dài quá 100 ký tự.", "The full name is longer than 100 characters.")
	case strings.IndexFunc(rw.name, unicode.IsDigit) >= 0:
		imp.problem(line, "full_name", "Họ và tên không được chứa chữ số (các cột có bị đảo thứ tự không?).",
			"The full name must not contain digits (are the columns in the wrong order?).")
	}

	dobOK := false
	if dob, err := time.Parse(time.DateOnly, get("date_of_birth")); err != nil {
		imp.problem(line, "date_of_birth", "Ngày sinh phải có dạng YYYY-MM-DD, ví dụ 1990-05-31.",
			"The date of birth must be YYYY-MM-DD, for example 1990-05-31.")
	} else if dob.After(imp.now) || dob.Year() < 1900 {
		imp.problem(line, "date_of_birth", "Ngày sinh phải từ năm 1900 đến hôm nay.",
			"The date of birth must be between 1900 and today.")
	} else {
		rw.dob, dobOK = dob, true
	}

	imp.checkIDNumber(&rw, get("id_number"), dobOK)
	imp.checkPhone(&rw, get("phone"))

	if e := get("email"); e != "" {
		if !validEmail(e) {
			imp.problem(line, "email", "Địa chỉ email không hợp lệ.", "The e-mail address is not valid.")
		}
		rw.email = e
	}

	rw.status = account.Status(strings.ToUpper(get("status")))
	if account.StatusValidator(rw.status) != nil {
		imp.problem(line, "status", "Trạng thái phải là NOT_ACTIVATED, ACTIVE hoặc LOCKED.",
			"The status must be NOT_ACTIVATED, ACTIVE or LOCKED.")
	}
	rw.origin = account.Origin(strings.ToUpper(get("origin")))
	if account.OriginValidator(rw.origin) != nil {
		imp.problem(line, "origin", "Nguồn gốc phải là SELF_REGISTERED, ONE_STOP_DESK, VNPOST hoặc IMPORTED.",
			"The origin must be SELF_REGISTERED, ONE_STOP_DESK, VNPOST or IMPORTED.")
	}
	rw.valid = len(imp.report.Problems) == before
	return rw
}

// checkIDNumber sets rw's ID number from raw when it is well-formed, agrees
// with the date of birth (when that one is: dobOK) and repeats no earlier
// row; otherwise it reports the problem.
func (imp *importer) checkIDNumber(rw *row, raw string, dobOK bool) {
	id, err := vn.ParseIDNumber(raw)
	if err != nil {
		imp.refused(rw.line, "id_number", err)
		return
	}
	rw.idNumber, rw.idKeyValue = id.Digits, idKey(id.Digits)
	rw.idKind = account.IDKindCCCD
	if id.Kind == vn.CMND {
		rw.idKind = account.IDKindCMND
	}
	if dobOK {
		if err := id.CheckBirthDate(rw.dob); err != nil {
			imp.refused(rw.line, "id_number", err)
		}
	}
	if first, dup := imp.ids[rw.idKeyValue]; dup {
		imp.problem(rw.line, "id_number", fmt.Sprintf("Số định danh trùng với dòng %d của tệp.", first),
			fmt.Sprintf("The ID number repeats line %d of the file.", first))
	} else {
		imp.ids[rw.idKeyValue] = int32(rw.line)
	}
}

// checkPhone sets rw's phone from raw when it is a Vietnamese mobile that
// no earlier row has; otherwise it reports the problem.
func (imp *importer) checkPhone(rw *row, raw string) {
	phone, err := vn.NormalizePhone(raw)
	if err != nil {
		imp.refused(rw.line, "phone", err)
		return
	}
	rw.phone, rw.phoneKeyValue = phone, phoneKey(phone)
	if first, dup := imp.phones[rw.phoneKeyValue]; dup {
		imp.problem(rw.line, "phone", fmt.Sprintf("Số điện thoại trùng với dòng %d của tệp: mỗi số điện thoại chỉ đăng nhập được một tài khoản.", first),
			fmt.Sprintf("The phone number repeats line %d of the file: a phone number signs in to one account only.", first))
	} else {
		imp.phones[rw.phoneKeyValue] = int32(rw.line)
	}
}

// refused reports a refusal of a value as the row's problem, in its words.
func (imp *importer) refused(line int, column string, err error) {
	if r, ok := refusal.As(err); ok {
		imp.problem(line, column, r.VI, r.EN)
		return
	}
	imp.problem(line, column, "Giá trị không hợp lệ.", "The value is not valid.")
}

// validEmail accepts a bare address (no display name) whose domain has a dot.
func validEmail(e string) bool {
	if len(e) > 254 {
		return false
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(e, '@')
	return at > 0 && strings.Contains(e[at+1:], ".")
}

// flush checks the batch against the accounts already stored and, while the
// file is still clean, writes it.
func (imp *importer) flush(ctx context.Context) error {
	if len(imp.batch) == 0 {
		return nil
	}
	takenIDs, takenPhones, err := imp.taken(ctx)
	if err != nil {
		return err
	}
	valid := imp.batch[:0:0]
	for _, rw := range imp.batch {
		if rw.idNumber != "" && takenIDs[rw.idNumber] {
			imp.problem(rw.line, "id_number", "Đã có tài khoản với số định danh này.", "An account with this ID number already exists.")
			rw.valid = false
		}
		if rw.phone != "" && takenPhones[rw.phone] {
			imp.problem(rw.line, "phone", "Đã có tài khoản với số điện thoại này.", "An account with this phone number already exists.")
			rw.valid = false
		}
		if rw.valid {
			valid = append(valid, rw)
		}
	}
	imp.report.Valid += len(valid)
	if imp.write && len(imp.report.Problems) == 0 {
		if err := imp.create(ctx, valid); err != nil {
			return err
		}
	}
	imp.batch = imp.batch[:0]
	return nil
}

// taken returns the ID numbers (as numbers or CMND aliases) and the phones
// of the batch that stored accounts already hold.
func (imp *importer) taken(ctx context.Context) (ids, phones map[string]bool, err error) {
	sys := viewer.System(ctx)
	var wantIDs, wantPhones []string
	for _, rw := range imp.batch {
		if rw.idNumber != "" {
			wantIDs = append(wantIDs, rw.idNumber)
		}
		if rw.phone != "" {
			wantPhones = append(wantPhones, rw.phone)
		}
	}
	// Two queries, not one with OR: each is a lookup in its own index,
	// where PostgreSQL plans the OR of two IN lists as a full scan.
	byNumber, err := imp.client.Account.Query().Where(account.IDNumberIn(wantIDs...)).
		Select(account.FieldIDNumber).Strings(sys)
	if err != nil {
		return nil, nil, fmt.Errorf("accounts: import: duplicate check: %w", err)
	}
	byAlias, err := imp.client.Account.Query().Where(account.CmndNumberIn(wantIDs...)).
		Select(account.FieldCmndNumber).Strings(sys)
	if err != nil {
		return nil, nil, fmt.Errorf("accounts: import: duplicate check: %w", err)
	}
	storedPhones, err := imp.client.Account.Query().Where(account.PhoneIn(wantPhones...)).
		Select(account.FieldPhone).Strings(sys)
	if err != nil {
		return nil, nil, fmt.Errorf("accounts: import: duplicate check: %w", err)
	}
	ids, phones = map[string]bool{}, map[string]bool{}
	for _, id := range append(byNumber, byAlias...) {
		ids[id] = true
	}
	for _, p := range storedPhones {
		phones[p] = true
	}
	return ids, phones, nil
}

// create writes the valid rows as accounts, in one statement.
func (imp *importer) create(ctx context.Context, valid []row) error {
	builders := make([]*ent.AccountCreate, len(valid))
	for i, rw := range valid {
		b := imp.client.Account.Create().
			SetIDNumber(rw.idNumber).SetIDKind(rw.idKind).
			SetFullName(rw.name).SetNameFolded(vn.Fold(rw.name)).
			SetDateOfBirth(rw.dob).SetPhone(rw.phone).
			SetStatus(rw.status).SetOrigin(rw.origin).
			SetCreatedAt(imp.now).SetUpdatedAt(imp.now)
		if rw.email != "" {
			b.SetEmail(rw.email)
		}
		builders[i] = b
	}
	if err := imp.client.Account.CreateBulk(builders...).Exec(viewer.System(ctx)); err != nil {
		return fmt.Errorf("accounts: import: write: %w", err)
	}
	imp.report.Created += len(builders)
	return nil
}

// idKey is a compact key of an ID number for the duplicate check: the
// number's value, with 9-digit numbers moved above every 12-digit one so that
// "000123456789" and "123456789" stay apart.
func idKey(digits string) uint64 {
	v, _ := strconv.ParseUint(digits, 10, 64) // ParseIDNumber gave ASCII digits
	if len(digits) != 12 {
		v += 1_000_000_000_000
	}
	return v
}

// phoneKey is the value of an E.164 number's digits (all +84…, same length).
func phoneKey(e164 string) uint64 {
	v, _ := strconv.ParseUint(strings.TrimPrefix(e164, "+"), 10, 64)
	return v
}
