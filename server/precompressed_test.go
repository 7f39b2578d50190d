package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestNegotiateEncoding(t *testing.T) {
	both := []string{"br", "gzip"}
	for _, c := range []struct {
		header  string
		offered []string
		want    string
	}{
		{"", both, ""},
		{"gzip, deflate, br, zstd", both, "br"}, // Chromium
		{"gzip, deflate", both, "gzip"},         // an old client
		{"br", []string{"gzip"}, ""},            // only gzip was built
		{"identity", both, ""},
		{"br;q=0, gzip", both, "gzip"},
		{"BR;Q=0.5, gzip;q=0.9", both, "gzip"},
		{"gzip;q=0.5, br;q=0.5", both, "br"}, // a tie goes to the smaller copy
		{"*", both, "br"},
		{"*;q=0", both, ""},
		{"gzip;q=0, *", both, "br"},
		{"br;q=0, *;q=0.3", both, "gzip"},
		{"gzip;q=abc", both, ""}, // a malformed weight refuses
		{"gzip;q=2", both, ""},
		{" gzip ; q=1.0 ", both, "gzip"},
	} {
		if got := negotiateEncoding([]string{c.header}, c.offered); got != c.want {
			t.Errorf("Accept-Encoding %q, offered %v: %q, want %q", c.header, c.offered, got, c.want)
		}
	}
	// Several header lines count as one list.
	if got := negotiateEncoding([]string{"br;q=0", "gzip"}, both); got != "gzip" {
		t.Errorf("two header lines: %q, want gzip", got)
	}
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := io.WriteString(zw, s); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSPAServesPrecompressedAssets is long because it is one scenario told
// in order: its steps share what the first ones set up and each checks what
// the one before left.
func TestSPAServesPrecompressedAssets(t *testing.T) {
	js := strings.Repeat("console.log('một cửa');\n", 200)
	dist := fstest.MapFS{
		"index.html":            {Data: []byte("<!doctype html><title>app</title>")},
		"index.html.gz":         {Data: gzipped(t, "<!doctype html><title>app</title>")},
		"assets/app-AbC1.js":    {Data: []byte(js)},
		"assets/app-AbC1.js.gz": {Data: gzipped(t, js)},
		"assets/app-AbC1.js.br": {Data: []byte("brotli bytes")},
		"assets/logo-9f.png":    {Data: []byte("\x89PNG not compressed")},
	}
	h := spa(dist)
	get := func(path, acceptEncoding string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	t.Run("brotli when accepted", func(t *testing.T) {
		rec := get("/assets/app-AbC1.js", "gzip, deflate, br")
		if rec.Code != http.StatusOK || rec.Body.String() != "brotli bytes" {
			t.Fatalf("%d %q, want the .br copy", rec.Code, rec.Body.String())
		}
		hdr := rec.Header()
		if hdr.Get("Content-Encoding") != "br" || !strings.HasPrefix(hdr.Get("Content-Type"), "text/javascript") {
			t.Errorf("Content-Encoding %q, Content-Type %q", hdr.Get("Content-Encoding"), hdr.Get("Content-Type"))
		}
		if hdr.Get("Vary") != "Accept-Encoding" {
			t.Errorf("Vary %q", hdr.Get("Vary"))
		}
		if hdr.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("Cache-Control %q", hdr.Get("Cache-Control"))
		}
	})

	t.Run("gzip decodes to the file", func(t *testing.T) {
		rec := get("/assets/app-AbC1.js", "gzip")
		if rec.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding %q", rec.Header().Get("Content-Encoding"))
		}
		if rec.Body.Len() >= len(js) {
			t.Errorf("gzip body %d bytes, not smaller than %d", rec.Body.Len(), len(js))
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil || string(plain) != js {
			t.Errorf("decoded %d bytes (%v), want the original %d", len(plain), err, len(js))
		}
	})

	t.Run("identity without Accept-Encoding", func(t *testing.T) {
		rec := get("/assets/app-AbC1.js", "")
		if rec.Body.String() != js || rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("body %d bytes, Content-Encoding %q", rec.Body.Len(), rec.Header().Get("Content-Encoding"))
		}
		if rec.Header().Get("Vary") != "Accept-Encoding" {
			t.Errorf("Vary %q: the identity answer varies too", rec.Header().Get("Vary"))
		}
	})

	t.Run("a refused coding is not sent", func(t *testing.T) {
		rec := get("/assets/app-AbC1.js", "br;q=0, gzip;q=0")
		if rec.Body.String() != js || rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("Content-Encoding %q", rec.Header().Get("Content-Encoding"))
		}
	})

	t.Run("files without copies", func(t *testing.T) {
		rec := get("/assets/logo-9f.png", "br, gzip")
		if rec.Header().Get("Content-Encoding") != "" || rec.Header().Get("Vary") != "" {
			t.Errorf("Content-Encoding %q, Vary %q", rec.Header().Get("Content-Encoding"), rec.Header().Get("Vary"))
		}
		if rec.Header().Get("Content-Type") != "image/png" {
			t.Errorf("Content-Type %q", rec.Header().Get("Content-Type"))
		}
	})

	t.Run("client routes get index.html, compressed, revalidated", func(t *testing.T) {
		for _, path := range []string{"/", "/officer/registrations/RG01", "/assets"} {
			rec := get(path, "gzip")
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "gzip" {
				t.Errorf("%s: %d, Content-Encoding %q", path, rec.Code, rec.Header().Get("Content-Encoding"))
			}
			if rec.Header().Get("Cache-Control") != "no-cache" || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
				t.Errorf("%s: Cache-Control %q, Content-Type %q", path, rec.Header().Get("Cache-Control"), rec.Header().Get("Content-Type"))
			}
		}
	})

	t.Run("a missing asset is a 404, not the app", func(t *testing.T) {
		rec := get("/assets/app-OLD1.js", "br")
		if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "<title>app") {
			t.Errorf("%d %q", rec.Code, rec.Body.String())
		}
		if rec.Header().Get("Cache-Control") == "public, max-age=31536000, immutable" {
			t.Error("a 404 must not be cached as immutable")
		}
	})

	t.Run("ranges apply to the copy sent", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/assets/app-AbC1.js", nil)
		req.Header.Set("Accept-Encoding", "br")
		req.Header.Set("Range", "bytes=0-5")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusPartialContent || rec.Body.String() != "brotli" {
			t.Errorf("%d %q", rec.Code, rec.Body.String())
		}
	})
}
