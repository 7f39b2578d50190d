package scans

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/rules/refusal"
)

// Limits on a .docx (a zip archive). A scan is a page or two of images; these
// are far above any real one and far below what would hurt the server.
const (
	maxDocxEntries = 1000
	// maxDocxUnzipped bounds the bytes decompressed across all entries,
	// counted while reading, since sizes in zip headers are the sender's word.
	maxDocxUnzipped = 50 * 1024 * 1024
	// An entry may expand to at most maxDocxRatio times its compressed size
	// (plus ratioSlack, so tiny XML parts that compress well still pass).
	// Word XML compresses about 5-20×; a bomb of zeros about 1000×.
	maxDocxRatio = 100
	ratioSlack   = 1024 * 1024
	// maxContentTypes bounds the [Content_Types].xml we keep in memory.
	maxContentTypes = 1024 * 1024
)

// Content types of the package's main part.
const (
	ctDocumentMain = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	// A .docm renamed .docx keeps this content type.
	ctMacroEnabledMain = "application/vnd.ms-word.document.macroEnabled.main+xml"
)

// checkDOCX opens the archive from the bytes and refuses anything unsafe:
// too many entries, a decompression bomb, encryption, a broken archive, or
// macros and ActiveX parts.
func checkDOCX(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return brokenDOCX()
	}
	if len(zr.File) > maxDocxEntries {
		return broken(
			fmt.Sprintf("Tệp DOCX có quá nhiều thành phần (tối đa %d).", maxDocxEntries),
			fmt.Sprintf("The DOCX file has too many parts (at most %d).", maxDocxEntries),
			"too_many_entries")
	}

	seen := make(map[string]bool, len(zr.File))
	var contentTypes []byte
	budget := int64(maxDocxUnzipped)
	for _, f := range zr.File {
		if !cleanPartName(f.Name) {
			return unsafeName("DOCX")
		}
		// Two entries with one name are read differently by different
		// readers; a real Word file never has them.
		name := strings.ToLower(f.Name)
		if seen[name] {
			return brokenDOCX()
		}
		seen[name] = true

		if f.Flags&0x1 != 0 { // general purpose bit 0: encrypted
			return encrypted("DOCX")
		}
		if isActivePart(name) {
			return macros()
		}

		keep := f.Name == "[Content_Types].xml"
		body, n, err := readEntry(f, budget, keep)
		if err != nil {
			return err
		}
		budget -= n
		if keep {
			contentTypes = body
		}
	}

	// The parts every Word document has (ECMA-376 part 2 §10.1.2.2 and the
	// main document part that [Content_Types].xml declares below).
	if contentTypes == nil || !seen["word/document.xml"] {
		return brokenDOCX()
	}
	return checkContentTypes(contentTypes)
}

// cleanPartName reports whether a zip entry name is a clean relative name:
// not empty, no NUL or other control character, no backslash, no colon
// (drive letters), not absolute, and no empty, "." or ".." segment (a
// trailing slash, a folder entry, is allowed). An unpacking tool would
// otherwise write outside its folder with it ("zip slip").
func cleanPartName(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || !utf8.ValidString(name) {
		return false
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || r == '\\' || r == ':' {
			return false
		}
	}
	segments := strings.Split(strings.TrimSuffix(name, "/"), "/")
	for _, seg := range segments {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// isWordPackage reports whether a zip holds an OOXML package with a word/
// folder: mimetype's own rule for .docx, applied to the whole central
// directory instead of the first 4 KB. checkDOCX then requires the main part
// to be declared a Word document.
func isWordPackage(data []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	hasTypes, hasWord := false, false
	for _, f := range zr.File {
		hasTypes = hasTypes || f.Name == "[Content_Types].xml"
		hasWord = hasWord || strings.HasPrefix(f.Name, "word/")
	}
	return hasTypes && hasWord
}

// isActivePart reports whether a part name (lower case) is a VBA project,
// an ActiveX control, or any other binary part (.bin: vbaProject.bin,
// activeX*.bin, embedded OLE objects, which is how executables ride inside
// Office files). A plain scan needs none of them.
func isActivePart(name string) bool {
	return strings.Contains(name, "vbaproject") ||
		strings.Contains(name, "vbadata") ||
		strings.HasPrefix(name, "word/activex/") ||
		path.Ext(name) == ".bin"
}

// readEntry decompresses one entry, counting the bytes actually produced, and
// refuses it when it expands past the ratio limit or the remaining budget.
// It returns the bytes only when keep is set.
func readEntry(f *zip.File, budget int64, keep bool) ([]byte, int64, error) {
	rc, err := f.Open()
	if err != nil {
		// Unsupported compression methods land here too.
		return nil, 0, brokenDOCX()
	}
	defer rc.Close()

	limit := min(budget, int64(maxDocxRatio)*int64(f.CompressedSize64)+ratioSlack)
	if keep {
		limit = min(limit, maxContentTypes)
	}
	var sink io.Writer = io.Discard
	var buf bytes.Buffer
	if keep {
		sink = &buf
	}
	// Read one byte past the limit to tell "exactly at" from "over".
	n, err := io.Copy(sink, io.LimitReader(rc, limit+1))
	if err != nil {
		// Corrupt deflate data and CRC mismatches (zip.ErrChecksum).
		return nil, n, brokenDOCX()
	}
	if n > limit {
		return nil, n, broken(
			"Tệp DOCX khi giải nén lớn bất thường so với kích thước tệp (nghi là bom nén).",
			"The DOCX file expands far beyond its size (a suspected zip bomb).",
			"zip_bomb")
	}
	if keep {
		return buf.Bytes(), n, nil
	}
	return nil, n, nil
}

// checkContentTypes reads [Content_Types].xml: the main part must be a plain
// Word document, and no part may be declared macro-enabled, a VBA project or
// an ActiveX control.
func checkContentTypes(data []byte) error {
	var types struct {
		Defaults []struct {
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Default"`
		Overrides []struct {
			PartName    string `xml:"PartName,attr"`
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Override"`
	}
	if err := xml.Unmarshal(data, &types); err != nil {
		return brokenDOCX()
	}
	all := make([]string, 0, len(types.Defaults)+len(types.Overrides))
	for _, d := range types.Defaults {
		all = append(all, d.ContentType)
	}
	hasMain := false
	for _, o := range types.Overrides {
		all = append(all, o.ContentType)
		if strings.EqualFold(strings.TrimSpace(o.ContentType), ctDocumentMain) {
			hasMain = true
		}
	}
	for _, ct := range all {
		ct = strings.ToLower(strings.TrimSpace(ct))
		// "macroenabled" covers ctMacroEnabledMain and the macro-enabled
		// template and add-in types.
		if strings.Contains(ct, "macroenabled") ||
			strings.Contains(ct, "vbaproject") ||
			strings.Contains(ct, "activex") {
			return macros()
		}
	}
	if !hasMain {
		// A template (.dotx) or another package that merely has a word/ folder.
		return typeNotAllowed("application/vnd.openxmlformats-package")
	}
	return nil
}

func brokenDOCX() *refusal.Error {
	return broken(
		"Tệp DOCX bị hỏng hoặc không đọc được; hãy lưu lại tệp rồi gửi lại.",
		"The DOCX file is damaged or unreadable; save it again and resend it.",
		"damaged")
}
