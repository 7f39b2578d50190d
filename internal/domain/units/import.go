package units

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/platform/audit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/rules/vn"
	"github.com/motcua/motcua/policy/viewer"
)

// importChunk is the number of units per multi-row INSERT (10 columns each:
// well below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters).
const importChunk = 500

// lookupChunk is the number of codes per "code IN (…)" lookup.
const lookupChunk = 500

// importColumns are the columns of a unit CSV file (docs/API.md), in the usual order.
var importColumns = [...]string{"code", "name", "parent_code", "kind"}

// ImportReport is the outcome of an import.
type ImportReport struct {
	Rows int // data rows read (the header not counted)
	// Created is the number of units written; in a dry run without errors,
	// the number a real run would write.
	Created int
	Errors  []RowError // every bad row, by line; nothing was written when not empty
}

// RowError is one thing wrong with one line of the file.
type RowError struct {
	Line      int    // 1-based line number in the file (the header is line 1)
	Column    string // "code", "name", "parent_code", "kind", or "" for the whole row
	Message   string // Vietnamese
	MessageEN string // English
}

// Import reads a CSV file of units (UTF-8, a header row naming the columns
// code,name,parent_code,kind in any order, quoted values allowed) and adds
// them to the tree.
//
// kind is MINISTRY, PROVINCE, COMMUNE or AGENCY in any case; an empty
// parent_code makes a top-level unit; a parent is an existing unit or
// another row of the file, before or after its children. Every bad row is
// reported (bad code, name or kind, a code used twice in the file or already
// in the database, an unknown parent, a cycle of parents, a parent row that
// cannot be imported); then nothing is written and the error is a VALIDATION
// refusal. A dry run checks everything and writes nothing. A real run is one
// transaction: all rows or none.
//
// Import is a command-line operation: it acts as the system. Any other
// caller must authorise the viewer first.
func (s *Service) Import(ctx context.Context, r io.Reader, dryRun bool) (ImportReport, error) {
	rows, report, err := readUnitCSV(r)
	if err != nil {
		return report, err
	}
	sys := viewer.System(ctx)
	err = audit.Write(sys, s.db, nil, func(ctx context.Context, tx *store.Tx, c *audit.Change) error {
		known, err := existingUnits(ctx, tx.Client, rows)
		if err != nil {
			return err
		}
		plan := planImport(rows, known)
		report.Errors = append(report.Errors, plan.errors...)
		if len(report.Errors) > 0 {
			return errBadRows
		}
		report.Created = len(plan.order)
		if dryRun {
			return nil
		}
		if err := s.insert(ctx, tx, plan); err != nil {
			return err
		}
		c.Record(s.now(), audit.Entry{
			Action: "unit.import", TargetType: "Unit",
			Detail: map[string]any{"rows": report.Rows, "created": report.Created},
		})
		return nil
	})
	if errors.Is(err, errBadRows) {
		report.Created = 0
		sortRowErrors(report.Errors)
		return report, badFile(len(report.Errors))
	}
	if err != nil {
		report.Created = 0
		return report, fmt.Errorf("units: import: %w", err)
	}
	return report, nil
}

// errBadRows rolls the import transaction back when a row is bad.
var errBadRows = errors.New("units: import: bad rows")

func badFile(n int) *refusal.Error {
	return refusal.New(refusal.Validation,
		fmt.Sprintf("Tệp có %d lỗi; chưa nhập đơn vị nào. Hãy sửa các dòng được liệt kê rồi nhập lại.", n),
		fmt.Sprintf("The file has %d errors; no unit was imported. Fix the lines listed and import again.", n))
}

// csvRow is one data row of the file, checked on its own.
type csvRow struct {
	line       int
	code       string // normalised; "" when the code is bad
	name       string
	kind       unit.Kind
	parentCode string // normalised; "" for a top-level unit or a bad parent code
	bad        bool   // the row has an error of its own
}

// readUnitCSV parses the file and checks each row on its own. The report
// holds the row count and the errors found so far; err is a refusal when the
// file cannot be read as a unit CSV at all.
func readUnitCSV(r io.Reader) ([]*csvRow, ImportReport, error) {
	var report ImportReport
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // count fields ourselves, to report the line and go on
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, report, refusal.New(refusal.Validation,
				"Tệp trống: cần một dòng tiêu đề code,name,parent_code,kind và các dòng dữ liệu.",
				"The file is empty: it needs a header row code,name,parent_code,kind and data rows.")
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// Found by FuzzReadUnitCSV: a header row that is not CSV (an
			// unbalanced quote) is the file's fault, not a failure to read.
			report.Errors = []RowError{{Line: 1,
				Message:   "Dòng tiêu đề không đọc được theo định dạng CSV (dấu ngoặc kép không khớp?).",
				MessageEN: "The header row is not valid CSV (unbalanced double quotes?)."}}
			return nil, report, badFile(1)
		}
		return nil, report, fmt.Errorf("units: import: read header: %w", err)
	}
	col, herrs := headerColumns(header)
	if len(herrs) > 0 {
		report.Errors = herrs
		return nil, report, badFile(len(herrs))
	}
	var rows []*csvRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			report.Rows++
			report.Errors = append(report.Errors, RowError{Line: pe.StartLine,
				Message:   "Dòng không đọc được theo định dạng CSV (dấu ngoặc kép không khớp?).",
				MessageEN: "The line is not valid CSV (unbalanced double quotes?)."})
			continue
		}
		if err != nil {
			return nil, report, fmt.Errorf("units: import: read: %w", err)
		}
		line, _ := cr.FieldPos(0)
		report.Rows++
		if len(rec) != len(header) {
			report.Errors = append(report.Errors, RowError{Line: line,
				Message:   fmt.Sprintf("Dòng có %d cột, tiêu đề có %d cột.", len(rec), len(header)),
				MessageEN: fmt.Sprintf("The line has %d columns; the header has %d.", len(rec), len(header))})
			continue
		}
		row, errs := checkRow(line, rec[col["code"]], rec[col["name"]], rec[col["parent_code"]], rec[col["kind"]])
		report.Errors = append(report.Errors, errs...)
		rows = append(rows, row)
	}
	return rows, report, nil
}

// headerColumns maps each column name to its index; names are compared
// case-insensitively, a UTF-8 byte-order mark is ignored.
func headerColumns(header []string) (map[string]int, []RowError) {
	col := make(map[string]int, len(header))
	var errs []RowError
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		if !slices.Contains(importColumns[:], name) {
			errs = append(errs, RowError{Line: 1, Column: name,
				Message:   fmt.Sprintf("Cột %q không thuộc định dạng tệp đơn vị (code,name,parent_code,kind).", name),
				MessageEN: fmt.Sprintf("Column %q is not one of the unit file's columns (code,name,parent_code,kind).", name)})
			continue
		}
		if _, dup := col[name]; dup {
			errs = append(errs, RowError{Line: 1, Column: name,
				Message:   fmt.Sprintf("Cột %q xuất hiện hai lần trong dòng tiêu đề.", name),
				MessageEN: fmt.Sprintf("Column %q appears twice in the header row.", name)})
			continue
		}
		col[name] = i
	}
	for _, name := range importColumns {
		if _, ok := col[name]; !ok {
			errs = append(errs, RowError{Line: 1, Column: name,
				Message:   fmt.Sprintf("Thiếu cột %q trong dòng tiêu đề (cần code,name,parent_code,kind).", name),
				MessageEN: fmt.Sprintf("The header row lacks column %q (code,name,parent_code,kind are needed).", name)})
		}
	}
	return col, errs
}

// checkRow checks the fields of one row.
func checkRow(line int, code, name, parentCode, kind string) (*csvRow, []RowError) {
	row := &csvRow{line: line, name: vn.NormalizeName(name)}
	var errs []RowError
	add := func(column string, r *refusal.Error) {
		row.bad = true
		errs = append(errs, RowError{Line: line, Column: column, Message: r.VI, MessageEN: r.EN})
	}
	if c, err := vn.NormalizeUnitCode(code); err != nil {
		add("code", asRefusal(err, "code"))
	} else {
		row.code = c
	}
	if err := checkName(row.name); err != nil {
		add("name", err)
	}
	if k, err := parseKind(kind); err != nil {
		add("kind", err)
	} else {
		row.kind = k
	}
	if strings.TrimSpace(parentCode) != "" {
		if c, err := vn.NormalizeUnitCode(parentCode); err != nil {
			add("parent_code", asRefusal(err, "parent_code"))
		} else {
			row.parentCode = c
		}
	}
	return row, errs
}

// dbUnit is an existing unit the file refers to.
type dbUnit struct {
	id   pulid.ID
	path string
}

// existingUnits finds the units of the database whose code is a code or a
// parent code of the file.
func existingUnits(ctx context.Context, client *ent.Client, rows []*csvRow) (map[string]dbUnit, error) {
	seen := make(map[string]bool)
	var codes []string
	for _, r := range rows {
		for _, c := range []string{r.code, r.parentCode} {
			if c != "" && !seen[c] {
				seen[c] = true
				codes = append(codes, c)
			}
		}
	}
	known := make(map[string]dbUnit)
	for chunk := range slices.Chunk(codes, lookupChunk) {
		found, err := client.Unit.Query().Where(unit.CodeIn(chunk...)).
			Select(unit.FieldID, unit.FieldCode, unit.FieldPath).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("units: import: look up codes: %w", err)
		}
		for _, u := range found {
			known[u.Code] = dbUnit{id: u.ID, path: u.Path}
		}
	}
	return known, nil
}

// importPlan is what to insert, parents first, or the errors that stop it.
type importPlan struct {
	order  []*plannedUnit
	errors []RowError
}

type plannedUnit struct {
	row      *csvRow
	id       pulid.ID
	parentID *pulid.ID
	path     string
	depth    int // 0 under an existing unit or at the top
}

// Where a row's parent is.
const (
	parentNone    = -1 // top level
	parentDB      = -2 // an existing unit
	parentUnknown = -3
)

// planImport checks the rows against each other and the database and puts
// the good ones in an order where every parent comes before its children.
func planImport(rows []*csvRow, known map[string]dbUnit) importPlan {
	p := &planner{rows: rows, known: known}
	p.checkCodes()
	p.findParents()
	p.markCycles()
	p.blockUnderBad()
	if len(p.errs) > 0 {
		return importPlan{errors: p.errs}
	}
	return importPlan{order: p.order()}
}

// planner holds what planImport's stages learn about the rows, by index.
type planner struct {
	rows    []*csvRow
	known   map[string]dbUnit
	errs    []RowError
	byCode  map[string]int // the row that defines each code
	parent  []int          // a row index or parentNone/parentDB/parentUnknown
	onCycle []bool
	depth   []int // file parents above the row
}

func (p *planner) rowErr(r *csvRow, column, vi, en string) {
	r.bad = true
	p.errs = append(p.errs, RowError{Line: r.line, Column: column, Message: vi, MessageEN: en})
}

// checkCodes: each code is defined by its first row; a second row or an
// existing unit with the same code is an error.
func (p *planner) checkCodes() {
	p.byCode = make(map[string]int, len(p.rows))
	for i, r := range p.rows {
		if r.code == "" {
			continue
		}
		if first, dup := p.byCode[r.code]; dup {
			p.rowErr(r, "code",
				fmt.Sprintf("Mã định danh trùng với dòng %d của tệp.", p.rows[first].line),
				fmt.Sprintf("The code is already used on line %d of the file.", p.rows[first].line))
			continue
		}
		p.byCode[r.code] = i
		if _, exists := p.known[r.code]; exists {
			p.rowErr(r, "code",
				"Mã định danh đã được dùng cho một đơn vị có sẵn trong hệ thống.",
				"The code is already used by a unit in the system.")
		}
	}
}

// findParents: a row's parent is an existing unit, else a row of the file.
func (p *planner) findParents() {
	p.parent = make([]int, len(p.rows))
	for i, r := range p.rows {
		_, inDB := p.known[r.parentCode]
		at, inFile := p.byCode[r.parentCode]
		switch {
		case r.parentCode == "":
			p.parent[i] = parentNone
		case inDB:
			p.parent[i] = parentDB
		case inFile:
			p.parent[i] = at
		default:
			p.parent[i] = parentUnknown
			p.rowErr(r, "parent_code",
				"Không tìm thấy đơn vị cấp trên: mã này không có trong hệ thống và không có dòng nào trong tệp.",
				"Unknown parent: no unit in the system and no row of the file has this code.")
		}
	}
}

// markCycles follows each chain of file parents; a row met twice on the
// chain being walked closes a cycle. state: 0 new, 1 on the current chain,
// 2 done.
func (p *planner) markCycles() {
	rows := p.rows
	state := make([]int8, len(rows))
	p.onCycle = make([]bool, len(rows))
	for start := range rows {
		var chain []int
		i := start
		for i >= 0 && state[i] == 0 {
			state[i] = 1
			chain = append(chain, i)
			i = p.parent[i]
		}
		if i >= 0 && state[i] == 1 {
			cycle := chain[slices.Index(chain, i):]
			lines := make([]string, 0, len(cycle)+1)
			for _, j := range cycle {
				lines = append(lines, strconv.Itoa(rows[j].line))
			}
			desc := strings.Join(append(lines, lines[0]), " → ")
			for _, j := range cycle {
				p.onCycle[j] = true
				p.rowErr(rows[j], "parent_code",
					"Các đơn vị làm cấp trên của nhau thành vòng: dòng "+desc+".",
					"The units are each other's parents in a cycle: lines "+desc+".")
			}
		}
		for _, j := range chain {
			state[j] = 2
		}
	}
}

// blockUnderBad: a row under a row that cannot be imported cannot be
// imported either. It also sets depth. Both are memoised walks up the (now
// acyclic) chains.
func (p *planner) blockUnderBad() {
	const unknownDepth = -1
	rows := p.rows
	p.depth = make([]int, len(rows))
	for i := range p.depth {
		p.depth[i] = unknownDepth
	}
	blocked := make([]bool, len(rows)) // the row or one of its file ancestors is bad
	var resolve func(i int)
	resolve = func(i int) {
		if p.depth[i] != unknownDepth {
			return
		}
		up := p.parent[i]
		if up < 0 || p.onCycle[i] {
			p.depth[i], blocked[i] = 0, rows[i].bad
			return
		}
		resolve(up)
		p.depth[i] = p.depth[up] + 1
		blocked[i] = rows[i].bad || blocked[up]
		if blocked[up] && !rows[i].bad {
			pl := rows[up].line
			p.rowErr(rows[i], "parent_code",
				fmt.Sprintf("Đơn vị cấp trên (dòng %d) có lỗi nên dòng này cũng không nhập được.", pl),
				fmt.Sprintf("The parent unit (line %d) has errors, so this row cannot be imported either.", pl))
		}
	}
	for i := range rows {
		resolve(i)
	}
}

// order gives every row its id and path, parents first: by depth, in file
// order within a depth.
func (p *planner) order() []*plannedUnit {
	planned := make([]*plannedUnit, len(p.rows))
	index := make(map[*plannedUnit]int, len(p.rows))
	for i, r := range p.rows {
		planned[i] = &plannedUnit{row: r, id: pulid.New(idPrefix), depth: p.depth[i]}
		index[planned[i]] = i
	}
	order := slices.Clone(planned)
	slices.SortStableFunc(order, func(a, b *plannedUnit) int { return cmp.Compare(a.depth, b.depth) })
	for _, u := range order {
		switch up := p.parent[index[u]]; up {
		case parentNone:
			u.path = "/" + string(u.id) + "/"
		case parentDB:
			db := p.known[u.row.parentCode]
			u.parentID, u.path = &db.id, db.path+string(u.id)+"/"
		default:
			pu := planned[up]
			u.parentID, u.path = &pu.id, pu.path+string(u.id)+"/"
		}
	}
	return order
}

// insert writes the planned units with multi-row INSERTs. A statement holds
// units of one depth only, so every parent is in an earlier statement.
func (s *Service) insert(ctx context.Context, tx *store.Tx, plan importPlan) error {
	now := s.now()
	for start := 0; start < len(plan.order); {
		end := start
		for end < len(plan.order) && end-start < importChunk && plan.order[end].depth == plan.order[start].depth {
			end++
		}
		batch := make([]*ent.UnitCreate, 0, end-start)
		for _, u := range plan.order[start:end] {
			batch = append(batch, tx.Client.Unit.Create().
				SetID(u.id).SetCode(u.row.code).SetName(u.row.name).
				SetNameFolded(vn.Fold(u.row.name)).SetKind(u.row.kind).SetPath(u.path).
				SetIsServiceDesk(vn.IsServiceDeskName(u.row.name)).
				SetNillableParentID(u.parentID).SetCreatedAt(now).SetUpdatedAt(now))
		}
		if err := tx.Client.Unit.CreateBulk(batch...).Exec(ctx); err != nil {
			return fmt.Errorf("insert rows %d–%d: %w", start+1, end, err)
		}
		start = end
	}
	return nil
}

func sortRowErrors(errs []RowError) {
	order := map[string]int{"": 0, "code": 1, "name": 2, "parent_code": 3, "kind": 4}
	slices.SortStableFunc(errs, func(a, b RowError) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(order[a.Column], order[b.Column]))
	})
}
