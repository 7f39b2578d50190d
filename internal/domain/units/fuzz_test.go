package units

import (
	"bytes"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/rules/refusal"
)

// FuzzReadUnitCSV feeds the unit import's reader (every row checked on its
// own, before any database work) arbitrary files. Seeds: f.Add below and
// testdata/fuzz/FuzzReadUnitCSV.
func FuzzReadUnitCSV(f *testing.F) {
	for _, s := range []string{
		"code,name,parent_code,kind\n000.00.00.H37,Tỉnh Lạng Sơn,,PROVINCE\n000.00.50.H37,Xã Hữu Lũng,000.00.00.H37,commune\n",
		"\uFEFFName,CODE,kind,Parent_Code\n\"Sở, \"\"cũ\"\"\",000.00.02.H37,AGENCY,000.00.00.H37\n",
		"code,name,parent_code,kind\n\"unterminated,x,y,z\n",
		"code,name\n", "", "\n\n\n", "code,name,parent_code,kind\na,b\n",
		"code,name,parent_code,kind\nbad code!,Xã A,000.00.00.H99,COMMUNE\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, report, err := readUnitCSV(bytes.NewReader(data))
		if err != nil {
			if _, ok := refusal.As(err); !ok {
				// Reading from memory fails only on a refusal-worthy file.
				t.Fatalf("not a refusal: %v", err)
			}
			return
		}
		if len(rows) > report.Rows {
			t.Fatalf("%d rows checked of %d read", len(rows), report.Rows)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, e := range report.Errors {
			if e.Line < 1 || e.Line > lines || e.Message == "" || e.MessageEN == "" {
				t.Fatalf("error %+v (file of %d lines)", e, lines)
			}
		}
		for _, r := range rows {
			if !r.bad && (r.code == "" || strings.TrimSpace(r.name) == "") {
				t.Fatalf("a good row without code or name: %+v", r)
			}
		}
	})
}
