package scans

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gabriel-vasile/mimetype"

	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit/fixtures"
)

// --- test files -------------------------------------------------------------

type zipEntry struct {
	name   string
	data   []byte
	stored bool // zip.Store instead of zip.Deflate
	flags  uint16
}

func buildZip(t *testing.T, entries []zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		method := zip.Deflate
		if e.stored {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: method, Flags: e.flags})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	contentTypesDOCX = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>`
	relsDOCX = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`
	documentXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>Bản quét CCCD (dữ liệu giả)</w:t></w:r></w:p></w:body></w:document>`
)

// docxEntries are the three parts of a minimal real .docx, in Word's order.
func docxEntries() []zipEntry {
	return []zipEntry{
		{name: "[Content_Types].xml", data: []byte(contentTypesDOCX)},
		{name: "_rels/.rels", data: []byte(relsDOCX)},
		{name: "word/document.xml", data: []byte(documentXML)},
	}
}

func minimalDOCX(t *testing.T, extra ...zipEntry) []byte {
	return buildZip(t, append(docxEntries(), extra...))
}

// docxWithContentTypes is a minimal .docx whose [Content_Types].xml is ct.
func docxWithContentTypes(t *testing.T, ct string, extra ...zipEntry) []byte {
	e := docxEntries()
	e[0].data = []byte(ct)
	return buildZip(t, append(e, extra...))
}

// docm is what Word writes for a macro-enabled document: the main part's
// content type says macroEnabled and word/vbaProject.bin holds the VBA.
func docm(t *testing.T) []byte {
	ct := strings.Replace(contentTypesDOCX,
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
		"application/vnd.ms-word.document.macroEnabled.main+xml", 1)
	ct = strings.Replace(ct, "</Types>",
		`<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>`, 1)
	return docxWithContentTypes(t, ct, zipEntry{name: "word/vbaProject.bin", data: []byte("\xcc\x61\xff\xff VBA project")})
}

// zipBomb is a .docx carrying 100 MiB of zeros in one entry (about 100 KB
// compressed).
func zipBomb(t *testing.T) []byte {
	return minimalDOCX(t, zipEntry{name: "word/media/image1.png", data: make([]byte, 100<<20)})
}

// bigButModest is a .docx whose entries each compress only about 30× (under
// the ratio limit) but together expand to 60 MiB, over the total budget.
func bigButModest(t *testing.T) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	chunk := make([]byte, 1<<20)
	for i := 0; i < len(chunk); i += 4096 {
		for j := 0; j < 120; j++ {
			chunk[i+j] = byte(rng.Uint32())
		}
	}
	var extra []zipEntry
	for i := range 60 {
		extra = append(extra, zipEntry{name: "word/media/image" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ".png", data: chunk})
	}
	return minimalDOCX(t, extra...)
}

func xlsx(t *testing.T) []byte {
	return buildZip(t, []zipEntry{
		{name: "[Content_Types].xml", data: []byte(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`)},
		{name: "xl/workbook.xml", data: []byte(`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>`)},
	})
}

func pngImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.White)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// renameOLEEntry returns a copy of a compound file in which the directory
// entry called from is called to: how a .doc with a VBA project names its
// "Macros" storage and "_VBA_PROJECT" stream.
func renameOLEEntry(t *testing.T, doc []byte, from, to string) []byte {
	t.Helper()
	out := bytes.Clone(doc)
	old, name := utf16Name(from), utf16Name(to)
	for off := 0; off+128 <= len(out); off += 128 {
		e := out[off : off+128]
		if int(e[64])|int(e[65])<<8 == len(old) && bytes.HasPrefix(e, old) {
			clear(e[:64])
			copy(e, name)
			e[64], e[65] = byte(len(name)), 0
			return out
		}
	}
	t.Fatalf("no directory entry %q", from)
	return nil
}

// --- Check ------------------------------------------------------------------

func TestCheckAccepts(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		kind Kind
		mime string
	}{
		{"pdf written by fpdf", fixtures.PDF(t), PDF, "application/pdf"},
		{"doc written by LibreOffice", fixtures.File(t, "sample.doc"), DOC, "application/msword"},
		{"docx written by LibreOffice", fixtures.File(t, "sample.docx"), DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"minimal docx", minimalDOCX(t), DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"docx with an image", minimalDOCX(t, zipEntry{name: "word/media/image1.png", data: pngImage(t)}), DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"pdf of exactly 5 MiB", fixtures.PDFOfSize(t, MaxBytes), PDF, "application/pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Check(bytes.NewReader(tt.data))
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			sum := sha256.Sum256(tt.data)
			if c.Kind != tt.kind || c.MIME != tt.mime || c.Size != int64(len(tt.data)) ||
				c.SHA256 != hex.EncodeToString(sum[:]) || !bytes.Equal(c.Data, tt.data) {
				t.Errorf("got {%s %s %d %s}, want {%s %s %d %x}", c.Kind, c.MIME, c.Size, c.SHA256,
					tt.kind, tt.mime, len(tt.data), sum)
			}
		})
	}
}

// TestCheckRefuses is long because it is a table: one row per case, so that
// the cases read side by side and a missing one shows.
func TestCheckRefuses(t *testing.T) {
	doc := fixtures.File(t, "sample.doc")
	good := minimalDOCX(t)

	// A stored (uncompressed) docx with one byte of document.xml changed:
	// the CRC no longer matches.
	badCRC := buildZip(t, []zipEntry{
		{name: "[Content_Types].xml", data: []byte(contentTypesDOCX), stored: true},
		{name: "_rels/.rels", data: []byte(relsDOCX), stored: true},
		{name: "word/document.xml", data: []byte(documentXML), stored: true},
	})
	i := bytes.Index(badCRC, []byte("<w:body>"))
	if i < 0 {
		t.Fatal("document.xml not stored uncompressed")
	}
	badCRC[i+1] = 'x'

	var many []zipEntry
	for i := range maxDocxEntries {
		many = append(many, zipEntry{name: "word/part" + hex.EncodeToString([]byte{byte(i >> 8), byte(i)}) + ".xml"})
	}

	tests := []struct {
		name     string
		data     []byte
		code     refusal.Code
		extraKey string
		extra    string // expected value of Extra[extraKey]; prefix match
	}{
		{"empty file", nil, refusal.Validation, "", ""},
		{"program renamed .pdf", fixtures.RenamedExecutable(t), refusal.FileTypeNotAllowed, "detectedType", "application/x-"},
		{"png image", pngImage(t), refusal.FileTypeNotAllowed, "detectedType", "image/png"},
		{"plain zip", buildZip(t, []zipEntry{{name: "a.txt", data: []byte("hello")}}), refusal.FileTypeNotAllowed, "detectedType", "application/zip"},
		{"xlsx", xlsx(t), refusal.FileTypeNotAllowed, "detectedType", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"plain text", []byte("Nguyễn Văn A 001099012345"), refusal.FileTypeNotAllowed, "detectedType", "text/plain"},
		{"docm renamed .docx", docm(t), refusal.FileTypeNotAllowed, "reason", "macros"},
		{"docx declaring macroEnabled main part only", docxWithContentTypes(t, strings.Replace(contentTypesDOCX,
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
			"application/vnd.ms-word.document.macroEnabled.main+xml", 1)), refusal.FileTypeNotAllowed, "reason", "macros"},
		{"docx carrying vbaProject.bin only", minimalDOCX(t, zipEntry{name: "word/vbaProject.bin", data: []byte("vba")}), refusal.FileTypeNotAllowed, "reason", "macros"},
		{"docx with an ActiveX control", minimalDOCX(t, zipEntry{name: "word/activeX/activeX1.xml", data: []byte("<ax/>")}), refusal.FileTypeNotAllowed, "reason", "macros"},
		{"docx with an embedded OLE object", minimalDOCX(t, zipEntry{name: "word/embeddings/oleObject1.bin", data: []byte("ole")}), refusal.FileTypeNotAllowed, "reason", "macros"},
		{"dotx template", docxWithContentTypes(t, strings.Replace(contentTypesDOCX, "document.main+xml", "template.main+xml", 1)), refusal.FileTypeNotAllowed, "detectedType", "application/vnd.openxmlformats-package"},
		{"zip bomb: 100 MiB of zeros", zipBomb(t), refusal.Validation, "reason", "zip_bomb"},
		{"60 MiB in modestly compressed parts", bigButModest(t), refusal.Validation, "reason", "zip_bomb"},
		{"more than 1000 entries", buildZip(t, append(docxEntries(), many...)), refusal.Validation, "reason", "too_many_entries"},
		{"encrypted entry", minimalDOCX(t, zipEntry{name: "word/secret.xml", data: []byte("x"), flags: 0x1}), refusal.Validation, "reason", "encrypted"},
		{"CRC mismatch", badCRC, refusal.Validation, "reason", "damaged"},
		{"docx without its end of central directory", good[:len(good)-22], refusal.Validation, "reason", "damaged"},
		{"duplicate part names", minimalDOCX(t, zipEntry{name: "word/document.xml", data: []byte("<other/>")}), refusal.Validation, "reason", "damaged"},
		{"unreadable content types", docxWithContentTypes(t, "<Types><Default"), refusal.Validation, "reason", "damaged"},
		{"no content types", buildZip(t, docxEntries()[1:]), refusal.Validation, "reason", "damaged"},
		{"doc with a Macros storage", renameOLEEntry(t, doc, "\x01Ole", "Macros"), refusal.FileTypeNotAllowed, "reason", "macros"},
		{"doc with a _VBA_PROJECT stream", renameOLEEntry(t, doc, "\x01Ole", "_VBA_PROJECT"), refusal.FileTypeNotAllowed, "reason", "macros"},
		{"doc with a lower-case macros storage", renameOLEEntry(t, doc, "\x01Ole", "macros"), refusal.FileTypeNotAllowed, "reason", "macros"},
		{"password-protected docx (OLE EncryptedPackage)", renameOLEEntry(t, doc, "WordDocument", "EncryptedPackage"), refusal.Validation, "reason", "encrypted"},
		{"5 MiB + 1 byte", fixtures.PDFOfSize(t, MaxBytes+1), refusal.FileTooLarge, "maxBytes", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Check(bytes.NewReader(tt.data))
			r, ok := refusal.As(err)
			if !ok {
				t.Fatalf("want a refusal %s, got %v", tt.code, err)
			}
			if r.Code != tt.code || r.Field != "scan" {
				t.Fatalf("got %s on %q (%s), want %s on \"scan\"", r.Code, r.Field, r.EN, tt.code)
			}
			if r.VI == "" || r.EN == "" {
				t.Errorf("missing message: %+v", r)
			}
			if strings.Contains(r.VI+r.EN, "001099012345") || strings.Contains(r.VI+r.EN, "Nguyễn") {
				t.Errorf("message repeats file content: %s", r.VI)
			}
			if tt.extraKey != "" {
				got, ok := r.Extra[tt.extraKey]
				if !ok {
					t.Fatalf("no %q in %v", tt.extraKey, r.Extra)
				}
				if s, isString := got.(string); isString && !strings.HasPrefix(s, tt.extra) {
					t.Errorf("%s = %q, want prefix %q", tt.extraKey, s, tt.extra)
				}
				if s, isString := got.(string); isString && tt.extraKey == "detectedType" && (strings.Contains(r.VI, s) || strings.Contains(r.EN, s)) {
					t.Errorf("message %q shows the media type %q instead of saying what the file is", r.VI, s)
				}
			}
		})
	}
}

func TestCheckTooLargeMessageGivesExactLimit(t *testing.T) {
	_, err := Check(bytes.NewReader(fixtures.PDFOfSize(t, MaxBytes+1)))
	r, ok := refusal.As(err)
	if !ok || r.Code != refusal.FileTooLarge {
		t.Fatalf("want FILE_TOO_LARGE, got %v", err)
	}
	if !strings.Contains(r.VI, "5 MB (5.242.880 byte)") || !strings.Contains(r.EN, "5,242,880 bytes") {
		t.Errorf("messages do not give the exact limit: %q / %q", r.VI, r.EN)
	}
	if r.Extra["maxBytes"] != 5242880 {
		t.Errorf("maxBytes = %v", r.Extra["maxBytes"])
	}
}

// countingReader counts the bytes handed out by a 20 MiB upload that starts
// like a PDF.
type countingReader struct{ n int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	const size = 20 << 20
	if c.n >= size {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), size-c.n)]
	if c.n == 0 && len(p) >= 5 {
		copy(p, "%PDF-")
	}
	c.n += int64(len(p))
	return len(p), nil
}

func TestCheckStopsReadingPastTheLimit(t *testing.T) {
	src := &countingReader{}
	_, err := Check(src)
	if !refusal.Is(err, refusal.FileTooLarge) {
		t.Fatalf("want FILE_TOO_LARGE, got %v", err)
	}
	if src.n != MaxBytes+1 {
		t.Errorf("read %d bytes of a 20 MiB upload, want exactly %d", src.n, MaxBytes+1)
	}
}

func TestCheckReportsReadFailure(t *testing.T) {
	broken := io.MultiReader(strings.NewReader("%PDF-1.4"), iotestErrReader{})
	_, err := Check(broken)
	if err == nil || !errors.Is(err, errDisk) {
		t.Fatalf("want the read error, got %v", err)
	}
	if _, ok := refusal.As(err); ok {
		t.Errorf("a read failure is not the citizen's fault, got a refusal: %v", err)
	}
}

var errDisk = errors.New("connection reset")

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errDisk }

func TestMaxBytesIsFiveMiB(t *testing.T) {
	if MaxBytes != 5_242_880 {
		t.Fatalf("MaxBytes = %d", MaxBytes)
	}
}

// mimetype reads only the first 4 KB; these files need the whole-file look
// of classify. The test first shows mimetype alone gets them wrong, so it
// keeps testing the fallback if mimetype changes.
func TestClassifyBeyondMimetypeWindow(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	thumbnail := make([]byte, 6000)
	for i := range thumbnail {
		thumbnail[i] = byte(rng.Uint32())
	}
	// A thumbnail first and [Content_Types].xml last: the word/ parts lie
	// past mimetype's window.
	thumbFirst := buildZip(t, []zipEntry{
		{name: "docProps/thumbnail.jpeg", data: thumbnail, stored: true},
		{name: "_rels/.rels", data: []byte(relsDOCX)},
		{name: "word/document.xml", data: []byte(documentXML)},
		{name: "[Content_Types].xml", data: []byte(contentTypesDOCX)},
	})
	doc := fixtures.File(t, "sample.doc")

	tests := []struct {
		name      string
		data      []byte
		mimetype  string // what mimetype alone says
		kind      Kind   // "" when refused
		refusedAs string
	}{
		{"doc written by LibreOffice", doc, "application/x-ole-storage", DOC, ""},
		{"compound file without a WordDocument stream", renameOLEEntry(t, doc, "WordDocument", "Workbook"), "application/x-ole-storage", "", "application/x-ole-storage"},
		{"docx with a large first part", thumbFirst, "application/zip", DOCX, ""},
		{"zip with content types but no word/ part", buildZip(t, []zipEntry{
			{name: "docProps/thumbnail.jpeg", data: thumbnail, stored: true},
			{name: "[Content_Types].xml", data: []byte(contentTypesDOCX)},
		}), "application/zip", "", "application/zip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mimetype.Detect(tt.data).String(); got != tt.mimetype {
				t.Fatalf("mimetype alone says %s, want %s: this case no longer tests the fallback", got, tt.mimetype)
			}
			c, err := Check(bytes.NewReader(tt.data))
			if tt.kind != "" {
				if err != nil || c.Kind != tt.kind {
					t.Fatalf("got %q, %v; want %s", c.Kind, err, tt.kind)
				}
				return
			}
			r, ok := refusal.As(err)
			if !ok || r.Code != refusal.FileTypeNotAllowed || r.Extra["detectedType"] != tt.refusedAs {
				t.Fatalf("want FILE_TYPE_NOT_ALLOWED naming %s, got %v", tt.refusedAs, err)
			}
		})
	}
}

func TestRefusedTypeIsSaidInWords(t *testing.T) {
	for _, c := range []struct {
		name   string
		data   []byte
		vi, en string
	}{
		{"plain text", []byte("Nguyễn Văn A 001099012345"), "tệp văn bản, không phải PDF/Word", "a text file"},
		{"png image", pngImage(t), "tệp ảnh, không phải PDF/Word", "an image"},
		{"plain zip", buildZip(t, []zipEntry{{name: "a.txt", data: []byte("hello")}}), "tệp nén", "a compressed archive"},
		{"xlsx", xlsx(t), "bảng tính", "a spreadsheet"},
		{"program", fixtures.RenamedExecutable(t), "chương trình máy tính", "a program"},
	} {
		_, err := Check(bytes.NewReader(c.data))
		var r *refusal.Error
		if !errors.As(err, &r) || r.Code != refusal.FileTypeNotAllowed {
			t.Fatalf("%s: %v, want FILE_TYPE_NOT_ALLOWED", c.name, err)
		}
		if !strings.Contains(r.VI, c.vi) || !strings.Contains(r.EN, c.en) {
			t.Errorf("%s: %q / %q, want %q / %q", c.name, r.VI, r.EN, c.vi, c.en)
		}
	}
}
