package server

import (
	"bytes"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// precompressed lists the copies the SPA build writes next to a compressible
// file (frontend/scripts/compress-dist.mjs), in the order preferred when the
// client accepts several equally: brotli is smaller than gzip.
var precompressed = []struct{ coding, suffix string }{
	{"br", ".br"},
	{"gzip", ".gz"},
}

// serveFile writes the file name of dist, or one of its precompressed copies
// when the request's Accept-Encoding allows it. Compressing at build time
// costs nothing per request, and a phone on a slow network downloads a
// quarter of the bytes. Every response of a file that has copies varies by
// Accept-Encoding, so a shared cache never gives brotli to a client that did
// not ask for it.
func serveFile(w http.ResponseWriter, r *http.Request, dist fs.FS, name string) {
	var offered []string
	for _, p := range precompressed {
		if isFile(dist, name+p.suffix) {
			offered = append(offered, p.coding)
		}
	}
	file := name
	if len(offered) > 0 {
		w.Header().Add("Vary", "Accept-Encoding")
		if coding := negotiateEncoding(r.Header.Values("Accept-Encoding"), offered); coding != "" {
			for _, p := range precompressed {
				if p.coding == coding {
					file = name + p.suffix
				}
			}
			w.Header().Set("Content-Encoding", coding)
		}
	}
	f, err := dist.Open(file)
	if err != nil {
		w.Header().Del("Content-Encoding")
		http.Error(w, "cannot read the file", http.StatusInternalServerError)
		return
	}
	defer f.Close()
	content, err := seeker(f)
	if err != nil {
		w.Header().Del("Content-Encoding")
		http.Error(w, "cannot read the file", http.StatusInternalServerError)
		return
	}
	// The name without the suffix gives the Content-Type (text/javascript,
	// not application/gzip). Embedded files have no modification time.
	http.ServeContent(w, r, name, time.Time{}, content)
}

// seeker returns f as a seeker: embedded files are one; a file of another
// file system may not be, and is read into memory.
func seeker(f fs.File) (io.ReadSeeker, error) {
	if rs, ok := f.(io.ReadSeeker); ok {
		return rs, nil
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(b), nil
}

// negotiateEncoding picks from offered (in order of preference) the content
// coding that the Accept-Encoding header values rate highest (RFC 9110
// §12.5.3): a coding named with q=0 is refused, "*" stands for any coding not
// named, and a header that names none of them means no coding. It returns ""
// for the identity (uncompressed) response.
func negotiateEncoding(header []string, offered []string) string {
	named := map[string]float64{}
	star := -1.0
	for _, value := range header {
		for _, part := range strings.Split(value, ",") {
			coding, q := parseQuality(part)
			switch coding {
			case "":
			case "*":
				star = q
			default:
				named[coding] = q
			}
		}
	}
	best, bestQ := "", 0.0
	for _, coding := range offered {
		q, ok := named[coding]
		if !ok {
			q = max(star, 0)
		}
		if q > bestQ {
			best, bestQ = coding, q
		}
	}
	return best
}

// parseQuality splits one element of Accept-Encoding ("gzip;q=0.8") into its
// lower-cased coding and its weight (1 when absent, 0 when malformed).
func parseQuality(part string) (string, float64) {
	coding, params, _ := strings.Cut(part, ";")
	coding = strings.ToLower(strings.TrimSpace(coding))
	q := 1.0
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f < 0 || f > 1 {
			f = 0
		}
		q = f
	}
	return coding, q
}
