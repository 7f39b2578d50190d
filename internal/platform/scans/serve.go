package scans

import (
	"net/http"
	"strconv"
)

// ServeHeaders sets the response headers for sending a scan to authorised
// staff. The scan is always a download named "scan.<ext>": never rendered in
// the page, never sniffed into another type, never cached, and never
// embeddable by another site. Call it before writing the body.
func ServeHeaders(w http.ResponseWriter, c Kind, size int) {
	h := w.Header()
	h.Set("Content-Type", c.MIME())
	h.Set("Content-Length", strconv.Itoa(size))
	h.Set("Content-Disposition", `attachment; filename="scan.`+c.extension()+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "no-store")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
}

// extension is the file extension for a kind; an unknown kind downloads as
// an opaque .bin rather than trusting the value.
func (k Kind) extension() string {
	switch k {
	case PDF, DOC, DOCX:
		return string(k)
	}
	return "bin"
}
