package units

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/ent/auditevent"
	"github.com/motcua/motcua/ent/unit"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
	"github.com/motcua/motcua/internal/testkit/testenv"
)

func TestImportGoodFile(t *testing.T) {
	// A byte-order mark, header columns in another order and case, quoted
	// values with commas, quotes and a line break, kinds in any case, a
	// parent that exists already, parents after their children, and an NFD
	// name.
	nfd := "Bo\u0323\u0302 pha\u0323\u0302n Mo\u0323\u0302t cu\u031B\u0309a UBND phu\u031Bo\u031B\u0300ng Tam Thanh"
	file := "\uFEFFName,CODE,kind,Parent_Code\n" +
		`"Bộ phận Một cửa UBND xã Hữu Lũng",000.01.50.h37,agency,000.00.50.H37` + "\n" +
		`"Xã Hữu Lũng",000.00.50.H37,Commune,000.00.00.H37` + "\n" +
		`"Sở Tư pháp tỉnh Lạng Sơn, ""Sở"" cũ",000.00.02.H37,AGENCY,000.00.00.H37` + "\n" +
		`"Phường
Tam Thanh",000.00.51.H37,COMMUNE,000.00.00.H37` + "\n" +
		nfd + ",000.01.51.H37,AGENCY,000.00.51.H37\n" +
		`Bộ Tư pháp,000.00.00.G12,ministry,` + "\n"
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		s := newService(db)
		prov := mustCreate(t, db, s, "000.00.00.H37", "Tỉnh Lạng Sơn", unit.KindPROVINCE, nil)
		before := countUnits(t, db)

		report, err := s.Import(testkit.System(), strings.NewReader(file), false)
		if err != nil {
			t.Fatalf("import: %v; errors %+v", err, report.Errors)
		}
		if report.Rows != 6 || report.Created != 6 || len(report.Errors) != 0 {
			t.Errorf("report %+v", report)
		}
		if n := countUnits(t, db); n != before+6 {
			t.Errorf("units %d → %d", before, n)
		}
		commune := byCode(t, db, "000.00.50.H37")
		desk := byCode(t, db, "000.01.50.H37")
		if commune.Path != prov.Path+string(commune.ID)+"/" || *commune.ParentID != prov.ID {
			t.Errorf("commune under the existing province: path %q", commune.Path)
		}
		if desk.Path != commune.Path+string(desk.ID)+"/" || *desk.ParentID != commune.ID {
			t.Errorf("desk before its parent in the file: path %q, parent %v", desk.Path, desk.ParentID)
		}
		if !desk.IsServiceDesk || desk.Kind != unit.KindAGENCY || desk.NameFolded != "bo phan mot cua ubnd xa huu lung" {
			t.Errorf("desk %+v", desk)
		}
		if u := byCode(t, db, "000.00.02.H37"); u.Name != `Sở Tư pháp tỉnh Lạng Sơn, "Sở" cũ` || u.IsServiceDesk {
			t.Errorf("quoted name %q, desk %v", u.Name, u.IsServiceDesk)
		}
		if u := byCode(t, db, "000.00.51.H37"); u.Name != "Phường Tam Thanh" {
			t.Errorf("multi-line name %q", u.Name)
		}
		if u := byCode(t, db, "000.01.51.H37"); u.Name != "Bộ phận Một cửa UBND phường Tam Thanh" || !u.IsServiceDesk {
			t.Errorf("NFD name stored as %q (desk %v)", u.Name, u.IsServiceDesk)
		}
		if u := byCode(t, db, "000.00.00.G12"); u.ParentID != nil || u.Path != "/"+string(u.ID)+"/" || u.Kind != unit.KindMINISTRY {
			t.Errorf("top-level unit %+v", u)
		}
		n, err := db.Client.AuditEvent.Query().Where(auditevent.Action("unit.import")).Count(testkit.System())
		if err != nil || n != 1 {
			t.Errorf("unit.import audit events: %d, %v", n, err)
		}
	})
}

type at struct {
	line   int
	column string
}

func errorsAt(report ImportReport) []at {
	var out []at
	for _, e := range report.Errors {
		if e.Message == "" || e.MessageEN == "" {
			panic(fmt.Sprintf("error without a message: %+v", e))
		}
		out = append(out, at{e.Line, e.Column})
	}
	return out
}

// TestImportReportsEveryBadRow is long because it is a table: one row per
// case, so that the cases read side by side and a missing one shows.
func TestImportReportsEveryBadRow(t *testing.T) {
	lines := []string{
		/* 1 */ "code,name,parent_code,kind",
		/* 2 */ "000.00.01.H37,Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn,000.00.00.H37,AGENCY", // good
		/* 3 */ "000.00.02.H37,Sở Tư pháp,000.00.99.H37,AGENCY", // unknown parent
		/* 4 */ "000-00-03,Sở Y tế,000.00.00.H37,AGENCY", // bad code
		/* 5 */ "000.00.01.H37,Trùng mã trong tệp,000.00.00.H37,AGENCY", // duplicate of line 2
		/* 6 */ "000.00.00.H37,Trùng mã trong hệ thống,,PROVINCE", // duplicate of an existing unit
		/* 7 */ "000.00.04.H37,Sở Xây dựng,000.00.00.H37,DISTRICT", // bad kind
		/* 8 */ "000.00.05.H37,   ,000.00.00.H37,AGENCY", // empty name
		/* 9 */ "000.00.06.H37,Thiếu cột,000.00.00.H37", // too few columns
		/* 10 */ "000.00.07.H37,Vòng A,000.00.08.H37,AGENCY", // cycle 10 → 11 → 10
		/* 11 */ "000.00.08.H37,Vòng B,000.00.07.H37,AGENCY",
		/* 12 */ "000.00.09.H37,Con của vòng,000.00.08.H37,AGENCY", // under a cycle
		/* 13 */ "000.00.10.H37,Tự làm cấp trên,000.00.10.H37,AGENCY", // self cycle
		/* 14 */ "000.00.11.H37,Con của dòng lỗi,000.00.04.H37,AGENCY", // under line 7 (bad kind)
		/* 15 */ "000.00.12.H37,Cháu của dòng lỗi,000.00.11.H37,COMMUNE", // under line 14
		/* 16 */ ",,000.0-0,", // empty code, name and kind, bad parent code
		/* 17 */ "000.00.13.H37,Mã cấp trên sai,000.00.00.H37/,AGENCY",
		/* 18 */ "000.00.14.H37,Tốt,000.00.01.H37,agency", // good: under line 2
	}
	want := []at{
		{3, "parent_code"}, {4, "code"}, {5, "code"}, {6, "code"}, {7, "kind"}, {8, "name"}, {9, ""},
		{10, "parent_code"}, {11, "parent_code"}, {12, "parent_code"}, {13, "parent_code"},
		{14, "parent_code"}, {15, "parent_code"},
		{16, "code"}, {16, "name"}, {16, "parent_code"}, {16, "kind"}, {17, "parent_code"},
	}
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		s := newService(db)
		mustCreate(t, db, s, "000.00.00.H37", "Tỉnh Lạng Sơn", unit.KindPROVINCE, nil)
		before := countUnits(t, db)
		for _, dryRun := range []bool{true, false} {
			report, err := s.Import(testkit.System(), strings.NewReader(strings.Join(lines, "\n")+"\n"), dryRun)
			if !refusal.Is(err, refusal.Validation) {
				t.Fatalf("dry run %v: want a VALIDATION refusal, got %v", dryRun, err)
			}
			if got := errorsAt(report); !slices.Equal(got, want) {
				t.Errorf("dry run %v: errors at\n%v\nwant\n%v", dryRun, got, want)
				for _, e := range report.Errors {
					t.Logf("%d %s: %s", e.Line, e.Column, e.MessageEN)
				}
			}
			if report.Rows != 17 || report.Created != 0 {
				t.Errorf("dry run %v: rows %d created %d", dryRun, report.Rows, report.Created)
			}
			if n := countUnits(t, db); n != before {
				t.Errorf("dry run %v: units %d → %d after a failed import", dryRun, before, n)
			}
		}
		// The messages say which lines: the duplicate, the cycle, the bad parent.
		report, _ := s.Import(testkit.System(), strings.NewReader(strings.Join(lines, "\n")), false)
		msg := func(line int, column string) string {
			for _, e := range report.Errors {
				if e.Line == line && e.Column == column {
					return e.MessageEN
				}
			}
			return ""
		}
		for _, c := range []struct {
			line   int
			column string
			has    string
		}{
			{5, "code", "line 2"},
			{10, "parent_code", "10 → 11 → 10"},
			{11, "parent_code", "10 → 11 → 10"},
			{12, "parent_code", "line 11"},
			{13, "parent_code", "13 → 13"},
			{14, "parent_code", "line 7"},
			{15, "parent_code", "line 14"},
		} {
			if m := msg(c.line, c.column); !strings.Contains(m, c.has) {
				t.Errorf("line %d %s: message %q does not mention %q", c.line, c.column, m, c.has)
			}
		}
	})
}

func TestImportBadHeader(t *testing.T) {
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		s := newService(db)
		for _, tt := range []struct {
			file string
			want []at
		}{
			{"", nil},
			{"code,name,kind\n000.00.00.H01,Tỉnh An Giang,PROVINCE\n", []at{{1, "parent_code"}}},
			{"code,name,parent,kind\n", []at{{1, "parent"}, {1, "parent_code"}}},
			{"code,name,parent_code,kind,code\n", []at{{1, "code"}}},
		} {
			report, err := s.Import(testkit.System(), strings.NewReader(tt.file), false)
			if !refusal.Is(err, refusal.Validation) {
				t.Errorf("%q: want a VALIDATION refusal, got %v", tt.file, err)
			}
			if got := errorsAt(report); !slices.Equal(got, tt.want) {
				t.Errorf("%q: errors at %v, want %v", tt.file, got, tt.want)
			}
		}
		if n := countUnits(t, db); n != 0 {
			t.Errorf("%d units written", n)
		}
	})
}

func TestImportDryRunWritesNothing(t *testing.T) {
	file := "code,name,parent_code,kind\n" +
		"000.00.01.H37,Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn,000.00.00.H37,AGENCY\n" +
		"000.00.00.H37,Tỉnh Lạng Sơn,,PROVINCE\n"
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		s := newService(db)
		report, err := s.Import(testkit.System(), strings.NewReader(file), true)
		if err != nil {
			t.Fatal(err)
		}
		if report.Rows != 2 || report.Created != 2 || len(report.Errors) != 0 {
			t.Errorf("dry run report %+v", report)
		}
		if n := countUnits(t, db); n != 0 {
			t.Errorf("dry run wrote %d units", n)
		}
		if n, _ := db.Client.AuditEvent.Query().Count(testkit.System()); n != 0 {
			t.Errorf("dry run wrote %d audit events", n)
		}
		// The same file for real.
		if _, err := s.Import(testkit.System(), strings.NewReader(file), false); err != nil {
			t.Fatal(err)
		}
		if n := countUnits(t, db); n != 2 {
			t.Errorf("real run wrote %d units", n)
		}
		// Importing it again: every code is taken; nothing is written.
		report, err = s.Import(testkit.System(), strings.NewReader(file), false)
		if !refusal.Is(err, refusal.Validation) || len(report.Errors) != 2 {
			t.Errorf("second import: %v, %+v", err, report.Errors)
		}
		if n := countUnits(t, db); n != 2 {
			t.Errorf("after the second import: %d units", n)
		}
	})
}

// TestImportLargeFile imports 20,000 units: 34 provinces, each with service
// centres and communes, and a desk under every commune (three levels).
func TestImportLargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("20,000 rows; skipped with -short")
	}
	const rows = 20_000
	var b strings.Builder
	b.WriteString("code,name,parent_code,kind\n")
	n := 0
	// Children first, to make the importer sort.
	perProvince := (rows - 34) / 34 / 2
	for p := 1; p <= 34; p++ {
		prov := fmt.Sprintf("000.00.00.H%02d", p)
		for c := 0; c < perProvince && n+2 <= rows-34; c++ {
			commune := fmt.Sprintf("000.%03d.%02d.H%02d", c, 50, p)
			fmt.Fprintf(&b, "000.%03d.%02d.H%02d,Bộ phận Một cửa UBND xã Số %d tỉnh %d,%s,AGENCY\n", c, 51, p, c, p, commune)
			fmt.Fprintf(&b, "%s,Xã Số %d tỉnh %d,%s,COMMUNE\n", commune, c, p, prov)
			n += 2
		}
	}
	for p := 1; p <= 34 && n < rows; p++ {
		fmt.Fprintf(&b, "000.00.00.H%02d,Tỉnh Thử Nghiệm %d,,PROVINCE\n", p, p)
		n++
	}
	for i := 0; n < rows; i++ { // top up to exactly 20,000
		fmt.Fprintf(&b, "999.%05d,Cơ quan %d,000.00.00.H01,AGENCY\n", i, i)
		n++
	}
	file := b.String()
	testenv.Databases(t, func(t *testing.T, db *store.DB) {
		s := newService(db)
		start := time.Now()
		report, err := s.Import(testkit.System(), strings.NewReader(file), false)
		elapsed := time.Since(start)
		if err != nil {
			t.Fatalf("import: %v; first errors %+v", err, report.Errors[:min(5, len(report.Errors))])
		}
		if report.Created != rows || countUnits(t, db) != rows {
			t.Fatalf("created %d, want %d", report.Created, rows)
		}
		desks, err := db.Client.Unit.Query().Where(unit.IsServiceDesk(true)).Count(testkit.System())
		if err != nil || desks != 34*perProvince {
			t.Errorf("desks %d, want %d (%v)", desks, 34*perProvince, err)
		}
		d := byCode(t, db, "000.007.51.H12")
		c := byCode(t, db, "000.007.50.H12")
		p := byCode(t, db, "000.00.00.H12")
		if d.Path != p.Path+string(c.ID)+"/"+string(d.ID)+"/" {
			t.Errorf("desk path %q", d.Path)
		}
		t.Logf("imported %d units in %v (%.0f rows/s)", rows, elapsed.Round(time.Millisecond), rows/elapsed.Seconds())
	})
}
