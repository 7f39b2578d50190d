package scans

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/testkit/fixtures"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

// openTestStore opens a Store on a fileblob bucket in dir.
func openTestStore(t *testing.T, dir string, key []byte) *Store {
	t.Helper()
	s, err := OpenStore(context.Background(), "file://"+filepath.ToSlash(dir)+"?no_tmp_dir=1", key)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func checked(t *testing.T, data []byte) Checked {
	t.Helper()
	c, err := Check(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// objectPath is where fileblob keeps an object on disk.
func objectPath(dir, key string) string { return filepath.Join(dir, filepath.FromSlash(key)) }

func TestStoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTestStore(t, dir, testKey(7))

	for _, data := range [][]byte{fixtures.PDF(t), fixtures.File(t, "sample.doc"), fixtures.File(t, "sample.docx")} {
		c := checked(t, data)
		key, err := s.Put(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if !validKey(key) {
			t.Errorf("Put returned key %q of the wrong shape", key)
		}
		got, err := s.Get(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("%s: Get returned %d bytes, want the %d put", c.Kind, len(got), len(data))
		}

		// At rest: ciphertext only, of the expected size, and nothing in the
		// sidecar metadata that relates to the file.
		raw, err := os.ReadFile(objectPath(dir, key))
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) != 1+12+len(data)+16 || raw[0] != keyID {
			t.Errorf("stored %d bytes starting %#x, want %d starting %#x", len(raw), raw[0], 1+12+len(data)+16, keyID)
		}
		if bytes.Contains(raw, data[:64]) || bytes.Contains(raw, []byte("%PDF")) || bytes.Contains(raw, []byte("Word")) {
			t.Error("plaintext visible in the stored object")
		}
		attrs, err := os.ReadFile(objectPath(dir, key) + ".attrs")
		if err != nil {
			t.Fatal(err)
		}
		for _, leak := range []string{c.SHA256, string(c.Kind), c.MIME, "scan." + string(c.Kind)} {
			if strings.Contains(string(attrs), leak) {
				t.Errorf("object metadata contains %q: %s", leak, attrs)
			}
		}
	}
}

func TestStorePutIsRandom(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTestStore(t, dir, testKey(7))
	c := checked(t, fixtures.PDF(t))
	k1, err := s.Put(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := s.Put(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if k1 == k2 || strings.Contains(k1, c.SHA256[:16]) {
		t.Errorf("keys %q, %q: want fresh random keys unrelated to the content", k1, k2)
	}
	a, _ := os.ReadFile(objectPath(dir, k1))
	b, _ := os.ReadFile(objectPath(dir, k2))
	if bytes.Equal(a[1:13], b[1:13]) || bytes.Equal(a, b) {
		t.Error("the same scan stored twice gave the same nonce or ciphertext")
	}
}

func TestStoreRefusesTamperedOrForeignObjects(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTestStore(t, dir, testKey(7))
	key, err := s.Put(ctx, checked(t, fixtures.PDF(t)))
	if err != nil {
		t.Fatal(err)
	}
	path := objectPath(dir, key)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	// Another key's name for copying the object over.
	other, err := s.Put(ctx, checked(t, fixtures.File(t, "sample.doc")))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		mutate func(b []byte) []byte
		key    string
		store  *Store
	}{
		{"ciphertext byte flipped", func(b []byte) []byte { b[40] ^= 1; return b }, key, s},
		{"tag byte flipped", func(b []byte) []byte { b[len(b)-1] ^= 0x80; return b }, key, s},
		{"nonce byte flipped", func(b []byte) []byte { b[5] ^= 1; return b }, key, s},
		{"truncated", func(b []byte) []byte { return b[:len(b)-1] }, key, s},
		{"too short to hold a tag", func(b []byte) []byte { return b[:20] }, key, s},
		{"unknown key id", func(b []byte) []byte { b[0] = 9; return b }, key, s},
		{"moved to another scan's name", func(b []byte) []byte {
			if err := os.WriteFile(objectPath(dir, other), b, 0o600); err != nil {
				t.Fatal(err)
			}
			return b
		}, other, s},
		{"wrong key", func(b []byte) []byte { return b }, key, openTestStore(t, dir, testKey(8))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(path, tt.mutate(bytes.Clone(orig)), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := tt.store.Get(ctx, tt.key)
			if err == nil {
				t.Fatalf("Get succeeded with %d bytes", len(got))
			}
		})
	}

	// Untouched, it still reads.
	if err := os.WriteFile(path, orig, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, key); err != nil {
		t.Fatalf("restored object: %v", err)
	}
}

func TestStoreDelete(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTestStore(t, dir, testKey(7))
	key, err := s.Put(ctx, checked(t, fixtures.PDF(t)))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(objectPath(dir, key)); !os.IsNotExist(err) {
		t.Errorf("object still on disk: %v", err)
	}
	if _, err := s.Get(ctx, key); err == nil {
		t.Error("Get after Delete succeeded")
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Errorf("second Delete: %v, want nil", err)
	}
}

func TestStoreRefusesMalformedKeys(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTestStore(t, dir, testKey(7))
	// A file outside the scans/ prefix that a path-like key would reach.
	if err := os.WriteFile(filepath.Join(dir, "secret"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"", "secret", "scans/../secret", "scans/" + strings.Repeat("A", 32),
		"scans/" + strings.Repeat("0", 31), "scans/" + strings.Repeat("0", 33), "../secret"} {
		if _, err := s.Get(ctx, key); err == nil || !strings.Contains(err.Error(), "malformed") {
			t.Errorf("Get(%q) = %v, want a malformed-key error", key, err)
		}
		if err := s.Delete(ctx, key); err == nil {
			t.Errorf("Delete(%q) succeeded", key)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "secret")); err != nil {
		t.Errorf("file outside the prefix touched: %v", err)
	}
}

func TestOpenStoreErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := OpenStore(ctx, "file://"+t.TempDir(), make([]byte, 16)); err == nil {
		t.Error("16-byte key accepted")
	}
	for _, u := range []string{
		"nosuch://bucket?secret_access_key=hunter2",
		"s3://bucket?region=x&secret_access_key=hunter2",
		"file://user:hunter2@host/dir",
	} {
		_, err := OpenStore(ctx, u, testKey(1))
		if err == nil {
			t.Fatalf("%s accepted", u)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error repeats the bucket URL's secret: %v", err)
		}
	}
}

func TestParseKey(t *testing.T) {
	want := make([]byte, 32)
	for i := range want {
		want[i] = byte(i * 7)
	}
	hexKey := hex.EncodeToString(want)
	b64Key := base64.StdEncoding.EncodeToString(want)

	good := []string{hexKey, strings.ToUpper(hexKey), b64Key, "  " + b64Key + "\n"}
	for _, s := range good {
		got, err := ParseKey(s)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("ParseKey(%q) = %x, %v", s, got, err)
		}
	}

	bad := []struct{ in, hint string }{
		{"", "empty"},
		{hexKey[:62], "neither"},
		{hexKey[:63] + "g", "not valid hex"},
		{base64.StdEncoding.EncodeToString(want[:16]), "16 bytes"},
		{base64.StdEncoding.EncodeToString(append(want, 1)), "33 bytes"},
		{base64.RawURLEncoding.EncodeToString(append(want[:31], 0xff)), "neither"},
		{"correct horse battery staple", "neither"},
	}
	for _, tt := range bad {
		_, err := ParseKey(tt.in)
		if err == nil {
			t.Errorf("ParseKey(%q) accepted", tt.in)
			continue
		}
		if !strings.Contains(err.Error(), tt.hint) || !strings.Contains(err.Error(), "32") {
			t.Errorf("ParseKey(%q) error %q: want it to say %q and how to give 32 bytes", tt.in, err, tt.hint)
		}
		if tt.in != "" && strings.Contains(err.Error(), strings.TrimSpace(tt.in)) {
			t.Errorf("error repeats the key: %v", err)
		}
	}
}

func TestServeHeaders(t *testing.T) {
	tests := []struct {
		kind        Kind
		contentType string
		filename    string
	}{
		{PDF, "application/pdf", "scan.pdf"},
		{DOC, "application/msword", "scan.doc"},
		{DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "scan.docx"},
		{Kind(`x"; filename="evil.html`), "application/octet-stream", "scan.bin"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			w := httptest.NewRecorder()
			ServeHeaders(w, tt.kind, 1234)
			want := map[string]string{
				"Content-Type":                 tt.contentType,
				"Content-Length":               "1234",
				"Content-Disposition":          `attachment; filename="` + tt.filename + `"`,
				"X-Content-Type-Options":       "nosniff",
				"Content-Security-Policy":      "default-src 'none'; sandbox",
				"Cache-Control":                "no-store",
				"Cross-Origin-Resource-Policy": "same-origin",
			}
			for k, v := range want {
				if got := w.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}
