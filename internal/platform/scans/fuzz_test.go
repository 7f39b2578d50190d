package scans

import (
	"bytes"
	"errors"
	"testing"

	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit/fixtures"
)

// The fuzz targets of the scan checks (`make fuzz`; `make test` runs each
// briefly). Seeds: the accepted and hostile files of the tests (f.Add) and
// testdata/fuzz/<target>/; the real files are in internal/testkit/fixtures.

func addScanSeeds(f *testing.F) {
	for _, name := range []string{"sample.doc", "sample.docx", "sample-objstm.pdf", "sample-linearized.pdf", "js-in-objstm.pdf"} {
		f.Add(fixtures.File(f, name))
	}
	good := buildPDF(pdfObjects(""), "")
	for _, b := range [][]byte{
		good,
		withUpdate(good, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
		buildPDF(pdfObjects("/OpenAction << /S /J#61vaScript /JS (x) >> "), ""),
		[]byte("%PDF-1.7\n" + eicar),
		[]byte("%PDF-1.4\n<html><script>alert(1)</script></html>"),
		[]byte("%PDF-1.7\n1 0 obj << /Type /ObjStm /N 1 /First 4 /Length 5 >>\nstream\n1 0 5\nendstream\nendobj\n"),
	} {
		f.Add(b)
	}
}

// FuzzCheck: whatever the bytes, Check answers (no panic, no hang) with an
// accepted kind or a refusal on field "scan"; never with another error for
// bytes in memory.
func FuzzCheck(f *testing.F) {
	addScanSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Check(bytes.NewReader(data))
		if err != nil {
			r, ok := refusal.As(err)
			if !ok || r.Field != "scan" || r.VI == "" || r.EN == "" {
				t.Fatalf("not a refusal on scan: %v", err)
			}
			return
		}
		if c.Kind != PDF && c.Kind != DOC && c.Kind != DOCX {
			t.Fatalf("accepted as %q", c.Kind)
		}
		if !bytes.Equal(c.Data, data) || c.Size != int64(len(data)) {
			t.Fatal("the accepted data differs from the input")
		}
	})
}

// FuzzCheckPDF drives the PDF checker alone (mimetype would refuse most
// mutations before it): it never panics, and what it accepts it accepts
// again, as Check does.
func FuzzCheckPDF(f *testing.F) {
	addScanSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		err := checkPDF(data)
		if err == nil {
			if _, cerr := Check(bytes.NewReader(data)); cerr != nil {
				t.Fatalf("checkPDF accepts what Check refuses: %v", cerr)
			}
			return
		}
		var r *refusal.Error
		if !errors.As(err, &r) || r.Field != "scan" {
			t.Fatalf("not a refusal on scan: %v", err)
		}
	})
}
