package scans

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"

	"github.com/motcua/motcua/internal/rules/refusal"
)

// checkPDF accepts only a file that parses as a PDF from its first byte to
// its last, and carries no active content.
//
// No pure-Go PDF reader on the project's module list is an approved
// release, and a full reader is far more than this needs, so this is a small
// strict checker of the file structure (ISO 32000-1 §7.5), linear in the
// file's size:
//
//   - the header "%PDF-d.d" on the first line;
//   - the whole file, in order, is made of indirect objects ("n g obj …
//     endobj", a stream's bytes bounded by its /Length or its endstream),
//     cross-reference tables with their trailers, "startxref n", comments and
//     white space: nothing else, so an executable, an HTML page or the EICAR
//     string behind the header (or between objects) is refused;
//   - the last startxref points at a cross-reference table or stream, every
//     /Prev and /XRefStm at another, every object the cross-reference
//     sections say is in use starts exactly where they say (and every
//     compressed one lies in an object stream), the newest trailer names a
//     /Root, and the last startxref is followed by %%EOF;
//   - no name (after #xx escapes are decoded) is /JavaScript, /JS, /Launch,
//     /EF, /EmbeddedFile, /RichMedia or /XFA, in any object, trailer or object
//     stream (decompressed: FlateDecode with or without a PNG predictor; any
//     other filter on an object stream cannot be checked and is refused);
//   - an encrypted file is refused: its object streams cannot be read.
//
// Decompression is bounded by pdfInflateFactor times the file's size.
func checkPDF(data []byte) error {
	p := &pdfFile{
		data: data, objAt: map[int]objKey{}, ints: map[int]int64{}, objStms: map[int]bool{},
		sections: map[int]*xrefSection{}, budget: pdfInflateFactor*int64(len(data)) + 1<<20,
	}
	if err := p.scan(); err != nil {
		return err
	}
	return p.verify()
}

// Limits of the checker.
const (
	pdfMaxDepth      = 64   // nesting of arrays and dictionaries
	pdfInflateFactor = 20   // decompressed object and xref streams, times the file size
	pdfMaxSkip       = 16   // white space tolerated before an object an xref entry points at
	pdfMaxKept       = 4096 // elements of an array kept for the checks
)

// Names whose presence makes a PDF active: scripts, actions that run
// programs, attached files (how executables ride inside PDFs), Flash/media
// and XFA forms (which carry scripts).
var pdfActiveNames = map[string]bool{
	"JavaScript": true, "JS": true, "Launch": true,
	// An attached file is a file specification with an /EF dictionary
	// pointing at an /EmbeddedFile stream; an empty /EmbeddedFiles name tree,
	// which some writers (go-pdf/fpdf) always add, attaches nothing.
	"EF": true, "EmbeddedFile": true, "RichMedia": true, "XFA": true,
}

type objKey struct{ num, gen int }

// xrefSection is one cross-reference table (with its trailer) or stream.
type xrefSection struct {
	entries []xrefEntry
	dict    map[string]pdfValue
}

type xrefEntry struct {
	num  int
	typ  int   // 0 free, 1 in use at offset a, 2 compressed in object stream a
	a, b int64 // offset and generation, or object stream and index
}

// lengthRef is a stream whose /Length is an indirect object, checked once
// every object is known.
type lengthRef struct {
	num       int
	found     int // bytes between "stream" and "endstream"
	tolerance int // end-of-line bytes before "endstream"
}

type pdfFile struct {
	data      []byte
	objAt     map[int]objKey // offset → object starting there
	ints      map[int]int64  // object number → its value, for integer objects
	objStms   map[int]bool   // object numbers of object streams
	sections  map[int]*xrefSection
	lengths   []lengthRef
	trailer   map[string]pdfValue // the last trailer or xref stream dictionary
	startxref int64
	haveStart bool
	encrypted bool
	opaque    bool  // an object stream could not be decoded
	budget    int64 // decompressed bytes still allowed
	active    bool
}

// pdfError is a structural failure; detail says what, in fixed words.
type pdfError struct{ detail string }

func (e *pdfError) Error() string { return "pdf: " + e.detail }

func damaged(detail string) error { return &pdfError{detail} }

// refusal turns a checker failure into what the citizen's officer sees.
func pdfRefusal(err error) error {
	var pe *pdfError
	if errors.As(err, &pe) {
		return refusal.New(refusal.Validation,
			"Tệp PDF bị hỏng hoặc chứa dữ liệu không phải PDF; hãy quét hoặc lưu lại thành PDF rồi gửi lại.",
			"The PDF file is damaged or holds data that is not PDF; scan or save it again as a PDF and resend it.").
			OnField(field).With("reason", "damaged").With("detail", pe.detail)
	}
	return err
}

func activePDF() *refusal.Error {
	return refusal.New(refusal.FileTypeNotAllowed,
		"Tệp PDF có JavaScript, lệnh chạy chương trình hoặc tệp đính kèm nên không được chấp nhận; hãy quét hoặc in lại thành PDF thông thường.",
		"PDF files with JavaScript, launch actions or attached files are not accepted; scan or print the document again to a plain PDF.").
		OnField(field).With("reason", "active_content")
}

func undecidablePDF() *refusal.Error {
	return broken(
		"Tệp PDF dùng cách nén không kiểm tra được; hãy quét hoặc lưu lại thành PDF thông thường.",
		"The PDF file uses a compression that cannot be checked; scan or save it again as a plain PDF.",
		"unsupported")
}

// scan reads the file from its header to its end.
func (p *pdfFile) scan() error {
	d := p.data
	if len(d) < 8 || !bytes.HasPrefix(d, []byte("%PDF-")) || !isDigit(d[5]) || d[6] != '.' || !isDigit(d[7]) {
		return pdfRefusal(damaged("no PDF header"))
	}
	lx := &pdfLexer{data: d, pos: 8, p: p}
	for {
		start := lx.skipSpace()
		if start >= len(d) {
			break
		}
		t, err := lx.next()
		if err != nil {
			return pdfRefusal(err)
		}
		switch {
		case t.kind == tokInt:
			if err := p.object(lx, start, t); err != nil {
				return pdfRefusal(err)
			}
			p.haveStart = false
		case t.is("xref"):
			if err := p.table(lx, start); err != nil {
				return pdfRefusal(err)
			}
			p.haveStart = false
		case t.is("trailer"):
			// A trailer without its table: only hybrid files put one there;
			// its dictionary is read and checked like any other.
			v, err := lx.value(0)
			if err != nil || v.kind != vDict {
				return pdfRefusal(damaged("bad trailer"))
			}
			p.trailer = v.dict
			p.haveStart = false
		case t.is("startxref"):
			n, err := lx.next()
			if err != nil || n.kind != tokInt {
				return pdfRefusal(damaged("bad startxref"))
			}
			p.startxref, p.haveStart = n.i, true
		default:
			return pdfRefusal(damaged("bytes outside any PDF object"))
		}
		if p.active {
			return activePDF()
		}
	}
	return p.scanned(lx)
}

// scanned is the verdict on a file scan read to its end with lx.
func (p *pdfFile) scanned(lx *pdfLexer) error {
	if p.active {
		return activePDF()
	}
	if p.encrypted {
		return encrypted("PDF")
	}
	if p.opaque {
		return undecidablePDF()
	}
	if !p.haveStart {
		return pdfRefusal(damaged("no startxref at the end"))
	}
	if !lx.sawEOF {
		return pdfRefusal(damaged("no %%EOF after the last startxref"))
	}
	return nil
}

// object reads "num gen obj value [stream…endstream] endobj" at start.
func (p *pdfFile) object(lx *pdfLexer, start int, num pdfToken) error {
	gen, err := lx.next()
	if err != nil || gen.kind != tokInt {
		return damaged("bytes outside any PDF object")
	}
	kw, err := lx.next()
	if err != nil || !kw.is("obj") {
		return damaged("bytes outside any PDF object")
	}
	if num.i > 1<<23 || gen.i > 65535 {
		return damaged("object number out of range")
	}
	key := objKey{int(num.i), int(gen.i)}
	p.objAt[start] = key
	v, err := lx.value(0)
	if err != nil {
		return err
	}
	t, err := lx.next()
	if err != nil {
		return err
	}
	if t.is("stream") {
		if v.kind != vDict {
			return damaged("a stream without a dictionary")
		}
		body, err := p.stream(lx, v.dict)
		if err != nil {
			return err
		}
		if err := p.special(start, key, v.dict, body); err != nil {
			return err
		}
		if t, err = lx.next(); err != nil {
			return err
		}
	}
	if !t.is("endobj") {
		return damaged("an object without endobj")
	}
	if v.kind == vInt {
		p.ints[key.num] = v.i
	}
	return nil
}

// stream reads a stream's bytes after the keyword "stream" and the
// keyword "endstream" after them.
func (p *pdfFile) stream(lx *pdfLexer, dict map[string]pdfValue) ([]byte, error) {
	d := p.data
	i := lx.pos
	switch {
	case i+1 < len(d) && d[i] == '\r' && d[i+1] == '\n':
		i += 2
	case i < len(d) && (d[i] == '\n' || d[i] == '\r'):
		i++
	default:
		return nil, damaged("stream keyword not followed by an end of line")
	}
	start := i
	// endAt reports whether "endstream" follows at e, after at most one end
	// of line, and returns the position after it.
	endAt := func(e int) (int, bool) {
		for k := 0; k < 2 && e < len(d) && (d[e] == '\r' || d[e] == '\n'); k++ {
			e++
		}
		if bytes.HasPrefix(d[e:], []byte("endstream")) {
			return e + len("endstream"), true
		}
		return 0, false
	}
	l := dict["Length"]
	if l.kind == vInt && l.i >= 0 && l.i <= int64(len(d)-start) {
		if after, ok := endAt(start + int(l.i)); ok {
			lx.pos = after
			return d[start : start+int(l.i)], nil
		}
	}
	// No usable direct /Length: the data ends at the first endstream, as
	// readers recover it.
	k := bytes.Index(d[start:], []byte("endstream"))
	if k < 0 {
		return nil, damaged("a stream without endstream")
	}
	end := start + k
	trimmed := end
	for n := 0; n < 2 && trimmed > start && (d[trimmed-1] == '\n' || d[trimmed-1] == '\r'); n++ {
		trimmed--
	}
	if l.kind == vRef {
		p.lengths = append(p.lengths, lengthRef{num: l.ref.num, found: trimmed - start, tolerance: end - trimmed})
	} else if l.kind != vInt {
		return nil, damaged("a stream without /Length")
	}
	lx.pos = end + len("endstream")
	return d[start:trimmed], nil
}

// special reads what the checker needs from object streams and
// cross-reference streams.
func (p *pdfFile) special(start int, key objKey, dict map[string]pdfValue, body []byte) error {
	typ := dict["Type"]
	if typ.kind != vName || (typ.name != "ObjStm" && typ.name != "XRef") {
		return nil
	}
	decoded, err := p.decode(dict, body)
	if errors.Is(err, errOpaque) {
		if typ.name == "XRef" {
			return damaged("a cross-reference stream that cannot be decoded")
		}
		// Encrypted files land here; decided at the end of the scan.
		p.opaque = true
		p.objStms[key.num] = true
		return nil
	}
	if err != nil {
		return err
	}
	if typ.name == "ObjStm" {
		p.objStms[key.num] = true
		return p.objectStream(dict, decoded)
	}
	sec, err := xrefStreamEntries(dict, decoded)
	if err != nil {
		return err
	}
	p.sections[start] = sec
	p.trailerDict(dict)
	return nil
}

var errOpaque = errors.New("pdf: stream cannot be decoded")

// decode undoes a stream's FlateDecode (and PNG predictor), within the
// budget. Any other filter is errOpaque.
func (p *pdfFile) decode(dict map[string]pdfValue, body []byte) ([]byte, error) {
	f := dict["Filter"]
	if f.kind == vArray && len(f.arr) == 1 {
		f = f.arr[0]
	}
	parms := dict["DecodeParms"]
	if parms.kind == vArray && len(parms.arr) == 1 {
		parms = parms.arr[0]
	}
	switch {
	case f.kind == vNull:
		return body, nil
	case f.kind == vName && (f.name == "FlateDecode" || f.name == "Fl"):
	default:
		return nil, errOpaque
	}
	zr, err := zlib.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, errOpaque
	}
	out, err := io.ReadAll(io.LimitReader(zr, p.budget+1))
	if err != nil && len(out) == 0 {
		return nil, errOpaque
	}
	if int64(len(out)) > p.budget {
		return nil, undecidablePDF()
	}
	p.budget -= int64(len(out))
	if parms.kind != vDict {
		return out, nil
	}
	return unpredict(out, parms.dict)
}

// unpredict undoes a PNG predictor (ISO 32000-1 §7.4.4.4).
func unpredict(data []byte, parms map[string]pdfValue) ([]byte, error) {
	pred := parms["Predictor"]
	if pred.kind == vNull || (pred.kind == vInt && pred.i == 1) {
		return data, nil
	}
	if pred.kind != vInt || pred.i < 10 || pred.i > 15 {
		return nil, errOpaque
	}
	colors, bpc, cols := intOr(parms["Colors"], 1), intOr(parms["BitsPerComponent"], 8), intOr(parms["Columns"], 1)
	if colors < 1 || colors > 32 || (bpc != 1 && bpc != 2 && bpc != 4 && bpc != 8 && bpc != 16) || cols < 1 || cols > 1<<20 {
		return nil, damaged("bad predictor parameters")
	}
	bpp := max(1, int(colors*bpc/8))
	row := int((colors*bpc*cols + 7) / 8)
	if len(data)%(row+1) != 0 {
		return nil, damaged("predicted data not in whole rows")
	}
	out := make([]byte, 0, len(data)/(row+1)*row)
	prev := make([]byte, row)
	for i := 0; i < len(data); i += row + 1 {
		filter, cur := data[i], data[i+1:i+1+row]
		line := make([]byte, row)
		for j := range row {
			var a, b, c int
			if j >= bpp {
				a, c = int(line[j-bpp]), int(prev[j-bpp])
			}
			b = int(prev[j])
			var x int
			switch filter {
			case 0:
			case 1:
				x = a
			case 2:
				x = b
			case 3:
				x = (a + b) / 2
			case 4:
				x = paeth(a, b, c)
			default:
				return nil, damaged("bad PNG predictor row")
			}
			line[j] = cur[j] + byte(x)
		}
		out = append(out, line...)
		prev = line
	}
	return out, nil
}

func paeth(a, b, c int) int {
	p := a + b - c
	pa, pb, pc := abs(p-a), abs(p-b), abs(p-c)
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func intOr(v pdfValue, def int64) int64 {
	if v.kind == vInt {
		return v.i
	}
	return def
}

// objectStream checks the objects of a decoded object stream: N pairs
// "number offset", then from /First the objects themselves (no obj/endobj,
// no streams), each starting where its pair says.
func (p *pdfFile) objectStream(dict map[string]pdfValue, data []byte) error {
	n, first := dict["N"], dict["First"]
	if n.kind != vInt || first.kind != vInt || n.i < 0 || first.i < 0 || first.i > int64(len(data)) || n.i > int64(len(data)) {
		return damaged("bad object stream")
	}
	head := &pdfLexer{data: data[:first.i], p: p}
	offsets := make([]int64, 0, n.i)
	for range n.i {
		num, err1 := head.next()
		off, err2 := head.next()
		if err1 != nil || err2 != nil || num.kind != tokInt || off.kind != tokInt {
			return damaged("bad object stream")
		}
		offsets = append(offsets, off.i)
	}
	if head.skipSpace() != len(head.data) {
		return damaged("bad object stream")
	}
	body := &pdfLexer{data: data[first.i:], p: p}
	starts := map[int64]bool{}
	for {
		at := body.skipSpace()
		if at >= len(body.data) {
			break
		}
		starts[int64(at)] = true
		if _, err := body.value(0); err != nil {
			return err
		}
	}
	for _, off := range offsets {
		if !starts[off] {
			return damaged("an object stream's offsets do not match its objects")
		}
	}
	return nil
}

// table reads "xref", its subsections and the trailer after them.
func (p *pdfFile) table(lx *pdfLexer, start int) error {
	sec := &xrefSection{}
	for {
		t, err := lx.next()
		if err != nil {
			return err
		}
		if t.is("trailer") {
			break
		}
		count, err := lx.next()
		if t.kind != tokInt || err != nil || count.kind != tokInt || t.i < 0 || count.i < 0 {
			return damaged("bad cross-reference table")
		}
		for i := range count.i {
			off, err1 := lx.next()
			gen, err2 := lx.next()
			use, err3 := lx.next()
			if err1 != nil || err2 != nil || err3 != nil || off.kind != tokInt || gen.kind != tokInt {
				return damaged("bad cross-reference table")
			}
			e := xrefEntry{num: int(t.i + i), a: off.i, b: gen.i}
			switch {
			case use.is("n"):
				e.typ = 1
			case use.is("f"):
			default:
				return damaged("bad cross-reference table")
			}
			sec.entries = append(sec.entries, e)
		}
	}
	v, err := lx.value(0)
	if err != nil || v.kind != vDict {
		return damaged("bad trailer")
	}
	sec.dict = v.dict
	p.sections[start] = sec
	p.trailerDict(v.dict)
	return nil
}

func (p *pdfFile) trailerDict(d map[string]pdfValue) {
	p.trailer = d
	if _, ok := d["Encrypt"]; ok {
		p.encrypted = true
	}
}

// xrefStreamEntries reads a decoded cross-reference stream (§7.5.8).
func xrefStreamEntries(dict map[string]pdfValue, data []byte) (*xrefSection, error) {
	w := dict["W"]
	if w.kind != vArray || len(w.arr) != 3 {
		return nil, damaged("bad cross-reference stream")
	}
	var widths [3]int
	total := 0
	for i, x := range w.arr {
		if x.kind != vInt || x.i < 0 || x.i > 8 {
			return nil, damaged("bad cross-reference stream")
		}
		widths[i] = int(x.i)
		total += int(x.i)
	}
	size := dict["Size"]
	if total == 0 || size.kind != vInt || size.i < 0 {
		return nil, damaged("bad cross-reference stream")
	}
	index := []pdfValue{{kind: vInt}, size}
	switch ix := dict["Index"]; ix.kind {
	case vArray:
		index = ix.arr
	case vLongArray:
		return nil, damaged("a cross-reference stream with too many subsections")
	}
	if len(index)%2 != 0 {
		return nil, damaged("bad cross-reference stream")
	}
	sec := &xrefSection{dict: dict}
	pos := 0
	for i := 0; i < len(index); i += 2 {
		first, count := index[i], index[i+1]
		if first.kind != vInt || count.kind != vInt || first.i < 0 || count.i < 0 ||
			count.i > int64((len(data)-pos)/total) {
			return nil, damaged("bad cross-reference stream")
		}
		for k := range count.i {
			var f [3]int64
			for j, wd := range widths {
				for range wd {
					f[j] = f[j]<<8 | int64(data[pos])
					pos++
				}
			}
			if widths[0] == 0 {
				f[0] = 1
			}
			sec.entries = append(sec.entries, xrefEntry{num: int(first.i + k), typ: int(f[0]), a: f[1], b: f[2]})
		}
	}
	return sec, nil
}

// objectAt is the object that starts at offset off (white space before it
// allowed, as the cross-reference tables of some writers point there).
func (p *pdfFile) objectAt(off int64) (objKey, bool) {
	if off <= 0 || off >= int64(len(p.data)) {
		return objKey{}, false
	}
	for i := int(off); i < len(p.data) && i <= int(off)+pdfMaxSkip; i++ {
		if k, ok := p.objAt[i]; ok {
			return k, true
		}
		if !isSpace(p.data[i]) {
			break
		}
	}
	return objKey{}, false
}

// sectionAt reports whether a cross-reference section starts at offset off
// (white space before it allowed).
func (p *pdfFile) sectionAt(off int64) bool {
	if off < 0 || off >= int64(len(p.data)) {
		return false
	}
	for i := int(off); i < len(p.data) && i <= int(off)+pdfMaxSkip; i++ {
		if _, ok := p.sections[i]; ok {
			return true
		}
		if !isSpace(p.data[i]) {
			break
		}
	}
	return false
}

// verify checks what the cross-reference sections say against what the
// scan found.
func (p *pdfFile) verify() error {
	at, section := p.objectAt, p.sectionAt
	if !section(p.startxref) {
		return pdfRefusal(damaged("startxref does not point at a cross-reference section"))
	}
	for _, sec := range p.sections {
		for _, key := range []string{"Prev", "XRefStm"} {
			if v, ok := sec.dict[key]; ok && (v.kind != vInt || !section(v.i)) {
				return pdfRefusal(damaged("/" + key + " does not point at a cross-reference section"))
			}
		}
		for _, e := range sec.entries {
			switch e.typ {
			case 1:
				if k, ok := at(e.a); !ok || k.num != e.num || int64(k.gen) != e.b {
					return pdfRefusal(damaged("the cross-reference table points where there is no such object"))
				}
			case 2:
				if !p.objStms[int(e.a)] {
					return pdfRefusal(damaged("an object in an object stream that does not exist"))
				}
			}
		}
	}
	// A linearized file names the /Root in its first-page trailer only.
	hasRoot := p.trailer["Root"].kind == vRef
	for _, sec := range p.sections {
		hasRoot = hasRoot || sec.dict["Root"].kind == vRef
	}
	if !hasRoot {
		return pdfRefusal(damaged("no /Root in the trailer"))
	}
	for _, l := range p.lengths {
		v, ok := p.ints[l.num]
		if !ok || v < int64(l.found) || v > int64(l.found+l.tolerance) {
			return pdfRefusal(damaged("a stream's /Length does not match its data"))
		}
	}
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
