package scans

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit/fixtures"
)

func TestCheckRefusesUnsafeOrIncompletePackages(t *testing.T) {
	doc := fixtures.File(t, "sample.doc")
	// The first directory sector's number, and a copy of the file whose
	// allocation table sends the directory chain back to its start.
	dirLoop := bytes.Clone(doc)
	first := binary.LittleEndian.Uint32(dirLoop[0x30:])
	fat0 := binary.LittleEndian.Uint32(dirLoop[0x4c:])
	binary.LittleEndian.PutUint32(dirLoop[(int(fat0)+1)*512+4*int(first):], first)
	dirOutside := bytes.Clone(doc)
	binary.LittleEndian.PutUint32(dirOutside[0x30:], 0x7fffff)

	tests := []struct {
		name   string
		data   []byte
		reason string
	}{
		{"docx with ../../evil.txt", minimalDOCX(t, zipEntry{name: "../../evil.txt", data: []byte("pwned")}), "unsafe_name"},
		{"docx with word/../../evil.txt", minimalDOCX(t, zipEntry{name: "word/../../evil.txt", data: []byte("pwned")}), "unsafe_name"},
		{"docx with an absolute path", minimalDOCX(t, zipEntry{name: "/etc/cron.d/evil", data: []byte("x")}), "unsafe_name"},
		{"docx with a backslash path", minimalDOCX(t, zipEntry{name: "word\\..\\..\\evil.txt", data: []byte("x")}), "unsafe_name"},
		{"docx with a drive letter", minimalDOCX(t, zipEntry{name: "C:/Windows/evil.dll", data: []byte("x")}), "unsafe_name"},
		{"docx with a NUL in a name", minimalDOCX(t, zipEntry{name: "word/media/a.png\x00.exe", data: []byte("x")}), "unsafe_name"},
		{"docx with an empty segment", minimalDOCX(t, zipEntry{name: "word//a.xml", data: []byte("x")}), "unsafe_name"},
		{"docx without word/document.xml", buildZip(t, []zipEntry{
			{name: "[Content_Types].xml", data: []byte(contentTypesDOCX)},
			{name: "_rels/.rels", data: []byte(relsDOCX)},
			{name: "word/styles.xml", data: []byte("<w:styles/>")},
		}), "damaged"},
		{"doc with an entry named ../evil", renameOLEEntry(t, doc, "\x01Ole", "../evil"), "unsafe_name"},
		{"doc with an entry named ..", renameOLEEntry(t, doc, "\x01Ole", ".."), "unsafe_name"},
		{"doc with an entry named C:x", renameOLEEntry(t, doc, "\x01Ole", "C:x"), "unsafe_name"},
		{"doc with an entry named a\\b", renameOLEEntry(t, doc, "\x01Ole", "a\\b"), "unsafe_name"},
		{"doc whose directory chain loops", dirLoop, "damaged"},
		{"doc whose directory lies outside the file", dirOutside, "damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Check(bytes.NewReader(tt.data))
			r, ok := refusal.As(err)
			if !ok || r.Code != refusal.Validation || r.Field != "scan" || r.Extra["reason"] != tt.reason {
				t.Fatalf("got %v (%v), want VALIDATION reason %s", err, r, tt.reason)
			}
			if bytes.Contains([]byte(r.VI+r.EN), []byte("evil")) {
				t.Errorf("the message repeats the name: %s", r.EN)
			}
		})
	}
}

func TestOLEDirectoryOfTheSample(t *testing.T) {
	names, err := oleDirectory(fixtures.File(t, "sample.doc"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"Root Entry": false, "WordDocument": false, "1Table": false}
	for _, n := range names {
		if _, ok := want[n]; ok {
			want[n] = true
		}
	}
	for n, found := range want {
		if !found {
			t.Errorf("no %q among %q", n, names)
		}
	}
}
