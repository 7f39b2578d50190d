package scans

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit/fixtures"
)

// eicar is the EICAR anti-virus test file (not a virus: every scanner
// reports it, by agreement, so that scanning can be tested).
const eicar = `X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`

// pdfObjects are the objects of a one-page PDF; object 1 is the catalog.
func pdfObjects(catalogExtra string) []string {
	content := "BT /F1 12 Tf 72 720 Td (Scan of an ID card) Tj ET"
	return []string{
		"<< /Type /Catalog /Pages 2 0 R " + catalogExtra + ">>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
	}
}

// buildPDF writes a classic PDF (cross-reference table) whose offsets are
// right for the objects given. An object starting "RAW:" is written as the
// bytes after it, without "n 0 obj": the table still points there.
func buildPDF(objs []string, trailerExtra string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		if raw, ok := strings.CutPrefix(o, "RAW:"); ok {
			b.WriteString(raw + "\n")
			continue
		}
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, trailerExtra, xref)
	return b.Bytes()
}

// withUpdate appends an incremental update to pdf that replaces object num.
func withUpdate(pdf []byte, num int, obj string) []byte {
	prev := bytes.LastIndex(pdf, []byte("startxref\n"))
	var prevOff int
	fmt.Sscanf(string(pdf[prev+len("startxref\n"):]), "%d", &prevOff)
	b := bytes.NewBuffer(bytes.Clone(pdf))
	off := b.Len()
	fmt.Fprintf(b, "%d 0 obj\n%s\nendobj\n", num, obj)
	xref := b.Len()
	fmt.Fprintf(b, "xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \ntrailer\n<< /Size 5 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", num, off, prevOff, xref)
	return b.Bytes()
}

func TestCheckPDFAccepts(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"built here", buildPDF(pdfObjects(""), "")},
		{"fpdf", fixtures.PDF(t)},
		{"qpdf: object streams and a cross-reference stream", fixtures.File(t, "sample-objstm.pdf")},
		{"qpdf: linearized, with object streams", fixtures.File(t, "sample-linearized.pdf")},
		{"an incremental update", withUpdate(buildPDF(pdfObjects(""), ""), 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 /Rotate 90 >>")},
		{"a URI link", buildPDF(pdfObjects("/OpenAction << /S /URI /URI (https://dichvucong.gov.vn) >> "), "")},
		{"an empty EmbeddedFiles name tree", buildPDF(pdfObjects("/Names << /EmbeddedFiles << /Names [] >> >> "), "")},
		{"comments inside objects", buildPDF(pdfObjects("% a comment\n"), "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Check(bytes.NewReader(tt.data))
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if c.Kind != PDF {
				t.Fatalf("kind %s", c.Kind)
			}
		})
	}
}

// TestCheckPDFRefuses is long because it is a table: one row per case, so
// that the cases read side by side and a missing one shows.
func TestCheckPDFRefuses(t *testing.T) {
	good := buildPDF(pdfObjects(""), "")
	header := "%PDF-1.7\n"
	pe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), bytes.Repeat([]byte{0}, 48)...)
	pe = append(pe, "This program cannot be run in DOS mode."...)
	objs := pdfObjects("")
	objs[2] = "RAW:<html><body><script>alert(document.cookie)</script></body></html>"
	htmlWhereObject := buildPDF(objs, "")
	wrongOffset := bytes.Replace(good, []byte("0000000015 00000 n"), []byte("0000000017 00000 n"), 1)
	if bytes.Equal(wrongOffset, good) {
		t.Fatal("the first object is not at offset 15")
	}
	lzw := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [] /Count 0 >>",
		"<< /Type /ObjStm /N 1 /First 4 /Filter /LZWDecode /Length 3 >>\nstream\n\x80\x0b\x60\nendstream",
	}

	tests := []struct {
		name   string
		data   []byte
		code   refusal.Code
		reason string
	}{
		{"header then a Windows program", append([]byte(header), pe...), refusal.Validation, "damaged"},
		{"header then this test's own binary", append([]byte(header), fixtures.RenamedExecutable(t)...), refusal.Validation, "damaged"},
		{"header then HTML", []byte(header + "<html><body><script>alert(1)</script></body></html>\n"), refusal.Validation, "damaged"},
		{"header then EICAR", []byte(header + eicar + "\n"), refusal.Validation, "damaged"},
		{"HTML where the table says an object is", htmlWhereObject, refusal.Validation, "damaged"},
		{"a valid PDF with HTML after %%EOF", append(bytes.Clone(good), "<html><script>alert(1)</script></html>"...), refusal.Validation, "damaged"},
		{"a valid PDF with EICAR after %%EOF", append(bytes.Clone(good), eicar...), refusal.Validation, "damaged"},
		{"EICAR between objects", bytes.Replace(good, []byte("2 0 obj"), []byte(eicar+"\n2 0 obj"), 1), refusal.Validation, "damaged"},
		{"a table pointing off the object", wrongOffset, refusal.Validation, "damaged"},
		{"no %%EOF", bytes.TrimSuffix(good, []byte("%%EOF\n")), refusal.Validation, "damaged"},
		{"no startxref", good[:bytes.LastIndex(good, []byte("startxref"))], refusal.Validation, "damaged"},
		{"startxref pointing elsewhere", bytes.Replace(good, []byte("startxref\n"), []byte("startxref\n1"), 1), refusal.Validation, "damaged"},
		{"no /Root", bytes.Replace(good, []byte("/Root 1 0 R"), []byte("/Info 1 0 R"), 1), refusal.Validation, "damaged"},
		{"header only", []byte(header), refusal.Validation, "damaged"},
		{"1000 nested arrays", buildPDF(append(pdfObjects(""), strings.Repeat("[", 1000)+strings.Repeat("]", 1000)), ""), refusal.Validation, "damaged"},
		{"an open string to the end", buildPDF(append(pdfObjects(""), "(never closed"), ""), refusal.Validation, "damaged"},
		{"OpenAction JavaScript", buildPDF(pdfObjects("/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> "), ""), refusal.FileTypeNotAllowed, "active_content"},
		{"JavaScript in an object it points to", buildPDF(append(pdfObjects("/OpenAction 5 0 R "), "<< /S /JavaScript /JS 6 0 R >>", "(this.exportDataObject\\({cName: 'a'}\\))"), ""), refusal.FileTypeNotAllowed, "active_content"},
		{"JavaScript spelled with #xx escapes", buildPDF(pdfObjects("/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> "), ""), refusal.FileTypeNotAllowed, "active_content"},
		{"a document-level JavaScript name tree", buildPDF(pdfObjects("/Names << /JavaScript << /Names [(x) 5 0 R] >> >> "), ""), refusal.FileTypeNotAllowed, "active_content"},
		{"a Launch action", buildPDF(pdfObjects("/OpenAction << /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) >> >> "), ""), refusal.FileTypeNotAllowed, "active_content"},
		{"a page action launching a program", buildPDF(append(pdfObjects(""), "<< /Type /Page /AA << /O << /S /Launch /F (evil.exe) >> >> >>"), ""), refusal.FileTypeNotAllowed, "active_content"},
		{"an attached file", buildPDF(append(pdfObjects(""), "<< /Type /Filespec /F (a.exe) /EF << /F 6 0 R >> >>", "<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream"), ""), refusal.FileTypeNotAllowed, "active_content"},
		{"JavaScript in an object stream (qpdf)", fixtures.File(t, "js-in-objstm.pdf"), refusal.FileTypeNotAllowed, "active_content"},
		{"JavaScript in an incremental update", withUpdate(good, 1, "<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (x) >> >>"), refusal.FileTypeNotAllowed, "active_content"},
		{"encrypted", buildPDF(append(pdfObjects(""), "<< /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>"), "/Encrypt 5 0 R "), refusal.Validation, "encrypted"},
		{"an object stream that cannot be decoded", buildPDF(lzw, ""), refusal.Validation, "unsupported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Check(bytes.NewReader(tt.data))
			r, ok := refusal.As(err)
			if !ok {
				t.Fatalf("want a refusal %s, got %v", tt.code, err)
			}
			if r.Code != tt.code || r.Field != "scan" || r.Extra["reason"] != tt.reason {
				t.Fatalf("got %s %v (%s), want %s reason %s", r.Code, r.Extra, r.EN, tt.code, tt.reason)
			}
			if strings.Contains(r.VI+r.EN, "alert") || strings.Contains(r.VI+r.EN, "EICAR") {
				t.Errorf("message repeats file content: %s", r.EN)
			}
		})
	}
}

// The checker's work is linear in the file size: a worst case of many
// small tokens still finishes (this is a behaviour check, not a timing one;
// BenchmarkCheckPDF gives the numbers).
func TestCheckPDFManyTokens(t *testing.T) {
	numbers := strings.Repeat("1 2 ", (MaxBytes-2048)/4)
	data := buildPDF(append(pdfObjects(""), "["+numbers+"]"), "")
	if len(data) > MaxBytes {
		t.Fatalf("test file %d bytes", len(data))
	}
	if _, err := Check(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkCheckPDF(b *testing.B) {
	for _, bc := range []struct {
		name string
		data []byte
	}{
		{"5MiB of numbers", buildPDF(append(pdfObjects(""), "["+strings.Repeat("1 2 ", (MaxBytes-2048)/4)+"]"), "")},
		{"5MiB of nested dicts", buildPDF(append(pdfObjects(""), "["+strings.Repeat("<< /A [ 1 0 R (x) <00> ] >> ", (MaxBytes-2048)/30)+"]"), "")},
		{"5MiB stream", buildPDF(append(pdfObjects(""), fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", MaxBytes-2048, strings.Repeat("x", MaxBytes-2048))), "")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.data)))
			for b.Loop() {
				_ = checkPDF(bc.data)
			}
		})
	}
}
