// Package scans checks and stores the citizen's ID-card scan uploaded at the
// one-stop desk (source document §3 step 1: one file, doc, docx or pdf, at
// most 5 MB).
//
// A scan is personal data (Decree 13/2023/NĐ-CP, Law 91/2025/QH15): Check
// decides what a file is from its content alone, Store keeps it encrypted at
// rest under a random key, and ServeHeaders makes a browser download it
// rather than render it.
package scans

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"

	"github.com/gabriel-vasile/mimetype"

	"github.com/motcua/motcua/internal/rules/refusal"
)

// MaxBytes is the largest scan accepted: 5 MiB, 5,242,880 bytes exactly.
// The source document says "5 MB"; we read it as 5 MiB, the larger of the two
// readings, so that no file a desk officer's tools call "5 MB" is refused.
const MaxBytes = 5 * 1024 * 1024

// field is the input field a scan refusal is about (StartRegistrationInput.scan).
const field = "scan"

// Kind is an accepted scan format.
type Kind string

// The accepted formats.
const (
	PDF  Kind = "pdf"
	DOC  Kind = "doc"
	DOCX Kind = "docx"
)

// The MIME types Check accepts, as gabriel-vasile/mimetype names them.
const (
	mimePDF  = "application/pdf"
	mimeDOC  = "application/msword"
	mimeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

// MIME is the media type a scan of this kind is served with.
func (k Kind) MIME() string {
	switch k {
	case PDF:
		return mimePDF
	case DOC:
		return mimeDOC
	case DOCX:
		return mimeDOCX
	}
	return "application/octet-stream"
}

// Checked is a scan that passed Check.
type Checked struct {
	Kind   Kind
	MIME   string
	Size   int64
	SHA256 string // hex of the SHA-256 of Data
	Data   []byte
}

// Check reads a scan and decides whether to accept it. It reads at most
// MaxBytes+1 bytes, so a client cannot make the server buffer more than that.
// The type comes from the content, never from the file name or the content
// type the client claims. A *refusal.Error on field "scan" says why a file is
// refused; any other error is a failure to read.
func Check(r io.Reader) (Checked, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return Checked{}, fmt.Errorf("scans: read upload: %w", err)
	}
	if len(data) == 0 {
		return Checked{}, refusal.New(refusal.Validation,
			"Tệp quét thẻ căn cước trống (0 byte).",
			"The ID-card scan is empty (0 bytes).").OnField(field)
	}
	if len(data) > MaxBytes {
		return Checked{}, refusal.New(refusal.FileTooLarge,
			"Tệp quét vượt quá 5 MB (5.242.880 byte).",
			"The scan is larger than 5 MB (5,242,880 bytes).").
			OnField(field).With("maxBytes", MaxBytes)
	}

	kind, detected := classify(data)
	switch kind {
	case PDF:
		err = checkPDF(data)
	case DOC:
		err = checkDOC(data)
	case DOCX:
		err = checkDOCX(data)
	default:
		if detected == "application/x-ole-storage" && oleEntry(data, oleEncryptedPackage) != nil {
			// A password-protected .docx is an OLE file around an
			// encrypted package; say so rather than "wrong type".
			return Checked{}, encrypted("DOCX")
		}
		return Checked{}, typeNotAllowed(detected)
	}
	if err != nil {
		return Checked{}, err
	}

	sum := sha256.Sum256(data)
	return Checked{
		Kind:   kind,
		MIME:   kind.MIME(),
		Size:   int64(len(data)),
		SHA256: hex.EncodeToString(sum[:]),
		Data:   data,
	}, nil
}

// classify decides the kind from the content with gabriel-vasile/mimetype.
// It returns "" and the detected media type for anything not accepted.
//
// mimetype looks at the first 4 KB only (its issue #815), and the marks that
// tell a Word file from other Office files often lie further in: a compound
// file's directory usually sits near its end (testdata/sample.doc, written
// by LibreOffice, is reported as the generic application/x-ole-storage), and
// an OOXML package may start with a large part such as a thumbnail. Raising the limit
// with mimetype.SetLimit would change a process-wide setting, so when
// mimetype can only say "some compound file" or "some zip", the whole file is
// looked at here instead. checkDOC and checkDOCX then examine it fully.
func classify(data []byte) (Kind, string) {
	m := mimetype.Detect(data)
	switch {
	case m.Is(mimePDF):
		return PDF, ""
	case m.Is(mimeDOC):
		return DOC, ""
	case m.Is(mimeDOCX):
		return DOCX, ""
	case m.Is("application/x-ole-storage") && isWordCompoundFile(data):
		return DOC, ""
	case m.Is("application/zip") && isWordPackage(data):
		return DOCX, ""
	}
	return "", m.String()
}

// typeNotAllowed says in words what kind of file came (a text file, an
// image…), never anything read from inside it; the media type goes in the
// refusal's details for programs and logs, not in the sentence a desk
// officer reads.
func typeNotAllowed(detected string) *refusal.Error {
	media, _, err := mime.ParseMediaType(detected)
	if err != nil {
		media = "application/octet-stream"
	}
	vi, en := describeType(media)
	return refusal.New(refusal.FileTypeNotAllowed,
		"Tệp quét phải là PDF hoặc Word (DOC, DOCX); tệp đã chọn là "+vi+", không phải PDF/Word.",
		"The scan must be a PDF or Word file (DOC, DOCX); the file chosen is "+en+", not a PDF or Word file.").
		OnField(field).With("detectedType", media)
}

// describeType names a refused media type the way a person would.
func describeType(media string) (vi, en string) {
	top, sub, _ := strings.Cut(media, "/")
	switch {
	case top == "text" || strings.HasSuffix(sub, "+xml") || sub == "xml" || sub == "json" || sub == "rtf":
		return "tệp văn bản", "a text file"
	case top == "image":
		return "tệp ảnh", "an image"
	case top == "audio":
		return "tệp âm thanh", "an audio file"
	case top == "video":
		return "tệp video", "a video"
	case strings.Contains(sub, "spreadsheet") || strings.Contains(sub, "excel"):
		return "bảng tính", "a spreadsheet"
	case strings.Contains(sub, "presentation") || strings.Contains(sub, "powerpoint"):
		return "bản trình chiếu", "a presentation"
	case strings.Contains(sub, "openxmlformats") || sub == "x-ole-storage":
		return "tệp Office không phải văn bản Word", "an Office file that is not a Word document"
	case sub == "zip" || sub == "x-7z-compressed" || sub == "x-rar-compressed" || sub == "gzip" || sub == "x-tar" || sub == "x-bzip2" || sub == "x-xz":
		return "tệp nén", "a compressed archive"
	case strings.Contains(sub, "executable") || sub == "x-msdownload" || sub == "x-elf" || strings.HasPrefix(sub, "x-mach") || sub == "x-sharedlib":
		return "chương trình máy tính", "a program"
	}
	return "tệp không rõ định dạng", "a file of an unknown kind"
}

// macros refuses a Word file that carries macros or active content: a .docm
// renamed .docx, or a .doc with a VBA project.
func macros() *refusal.Error {
	return refusal.New(refusal.FileTypeNotAllowed,
		"Tệp Word có macro hoặc nội dung thực thi nên không được chấp nhận; hãy lưu lại thành PDF hoặc DOCX thông thường.",
		"Word files with macros or active content are not accepted; save the scan again as PDF or a plain DOCX.").
		OnField(field).With("reason", "macros")
}

// encrypted refuses a password-protected file: staff cannot open it.
func encrypted(format string) *refusal.Error {
	return broken(
		"Tệp "+format+" được đặt mật khẩu hoặc mã hóa; hãy gửi tệp không mã hóa.",
		"The "+format+" file is password-protected or encrypted; send it unencrypted.",
		"encrypted")
}

// broken refuses a file whose container cannot be read safely.
func broken(vi, en, reason string) *refusal.Error {
	return refusal.New(refusal.Validation, vi, en).OnField(field).With("reason", reason)
}

// Names of compound-file directory entries, as stored (see oleEntry).
var (
	// Every Word 97-2003 file has a "WordDocument" stream ([MS-DOC] 2.1.1).
	oleWordDocument = utf16Name("WordDocument")
	// Office's password protection of OOXML files ([MS-OFFCRYPTO] 2.3.4).
	oleEncryptedPackage = utf16Name("EncryptedPackage")
	// A VBA project lives in the "Macros" storage, with a "_VBA_PROJECT"
	// stream inside its "VBA" storage.
	oleVBANames = [][]byte{utf16Name("Macros"), utf16Name("_VBA_PROJECT")}
)

// Directory entry types ([MS-CFB] 2.6.1).
const oleStream = 2

// isWordCompoundFile reports whether a compound file holds a WordDocument
// stream, which makes it a Word 97-2003 document.
func isWordCompoundFile(data []byte) bool {
	e := oleEntry(data, oleWordDocument)
	return e != nil && e[66] == oleStream
}

// checkDOC refuses a .doc whose directory cannot be walked, has an entry
// with an unsafe name, has no WordDocument stream, or carries macros.
func checkDOC(data []byte) error {
	for _, name := range oleVBANames {
		if oleEntry(data, name) != nil {
			return macros()
		}
	}
	names, err := oleDirectory(data)
	switch {
	case errors.Is(err, errOLEUnsafeName):
		return unsafeName("DOC")
	case err != nil:
		return brokenDOC()
	}
	hasWord := false
	for _, n := range names {
		switch strings.ToLower(n) {
		case "worddocument":
			hasWord = true
		case "macros", "_vba_project":
			return macros()
		}
	}
	if !hasWord {
		return brokenDOC()
	}
	return nil
}

func brokenDOC() *refusal.Error {
	return broken(
		"Tệp DOC bị hỏng hoặc không đọc được; hãy lưu lại tệp rồi gửi lại.",
		"The DOC file is damaged or unreadable; save it again and resend it.",
		"damaged")
}

// unsafeName refuses an archive or compound file with an entry whose name is
// not a clean relative name: a tool that unpacks it could write outside its
// folder ("../../evil.txt", "/etc/x", "C:\x").
func unsafeName(format string) *refusal.Error {
	return broken(
		"Tệp "+format+" có thành phần mang tên không hợp lệ (đường dẫn ra ngoài thư mục); hãy lưu lại tệp rồi gửi lại.",
		"The "+format+" file has a part with an unsafe name (a path leading out of its folder); save it again and resend it.",
		"unsafe_name")
}

// oleEntry finds the compound-file directory entry with the given name
// (UTF-16LE with its NUL; compared ignoring ASCII case, as the format
// compares names) and returns its 128 bytes, or nil.
//
// It does not follow the file's sector chains; it is a byte search with one
// safeguard. A directory entry is a 128-byte record whose name starts the
// record, followed at offset 64 by the name's length in bytes including the
// NUL. Directory sectors are whole sectors after the 512- or 4096-byte
// header, so every entry starts at a file offset that is a multiple of 128.
// Looking only there, and requiring the length field to agree, finds every
// real entry however the directory chain is laid out, while document text
// that happens to spell "Macros" does not match. A stray match can only
// refuse a file, never let a macro through.
func oleEntry(data, name []byte) []byte {
	for off := 0; off+128 <= len(data); off += 128 {
		e := data[off : off+128]
		if int(e[64])|int(e[65])<<8 == len(name) && bytes.EqualFold(e[:len(name)], name) {
			return e
		}
	}
	return nil
}

// utf16Name is a directory entry name as stored: UTF-16LE with a NUL
// terminator. The names used here are ASCII.
func utf16Name(s string) []byte {
	b := make([]byte, 0, 2*len(s)+2)
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return append(b, 0, 0)
}
