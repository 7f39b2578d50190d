package accounts

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/motcua/motcua/internal/testkit/testenv"
)

// FuzzImportRows feeds arbitrary files to a dry run of the account import
// on SQLite (one database for every input: a dry run writes nothing). The
// import either reports problems (ErrRejected) or accepts the file; every
// problem has a line within the file and both messages; and no message
// repeats a number of the file (an ID number or phone would be personal
// data in a report that is shown and logged). Seeds: f.Add below and
// testdata/fuzz/FuzzImportRows.
func FuzzImportRows(f *testing.F) {
	for _, s := range []string{
		header + "001090000001,Nguyễn Văn An,1990-01-15,0912 345 678,an@example.vn,ACTIVE,SELF_REGISTERED\n",
		header + "\"079 305 000 123\",\"Trần   Thị Bích\",2005-07-01,+84987654321,,not_activated,vnpost\n",
		header + "123456789,Lê Thị Hoa,1975-03-03,0084 903 111 222,,LOCKED,Imported\n",
		header + "001090000001,A,1990-13-01,0912,x@y,ACTIVE,IMPORTED\n001090000001,B,1990-01-01,0912345678,,ACTIVE,IMPORTED\n",
		header + "\"unterminated,x\n",
		"\uFEFFID_NUMBER,Full_Name,date_of_birth,phone,email,status,origin\n",
		"id_number,id_number\n", "", "\n",
	} {
		f.Add([]byte(s))
	}
	db := testenv.SQLite(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		report, err := Import(context.Background(), db, bytes.NewReader(data), true, clock)
		if err != nil && !errors.Is(err, ErrRejected) {
			t.Fatalf("import: %v", err)
		}
		if report.Created != 0 {
			t.Fatalf("a dry run created %d accounts", report.Created)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, p := range report.Problems {
			if p.Line < 1 || p.Line > lines || p.VI == "" || p.EN == "" {
				t.Fatalf("problem %+v (file of %d lines)", p, lines)
			}
		}
		if err == nil && len(report.Problems) > 0 {
			t.Fatalf("accepted with %d problems", len(report.Problems))
		}
		for _, field := range bytes.FieldsFunc(data, func(r rune) bool { return r == ',' || r == '\n' || r == '"' }) {
			// A run of nine or more digits: an ID number or a phone.
			field = bytes.TrimSpace(field)
			if len(field) < 9 || bytes.ContainsFunc(field, func(r rune) bool { return r < '0' || r > '9' }) {
				continue
			}
			for _, p := range report.Problems {
				if bytes.Contains([]byte(p.VI+p.EN), field) {
					t.Fatalf("problem %+v repeats %q of the file", p, field)
				}
			}
		}
	})
}
