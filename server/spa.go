package server

import (
	"io/fs"
	"net/http"
	"path"
	"strings"
)

const spaCSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// spa serves the built single-page app; client-side routes fall back to
// index.html. Without a build it says how to make one.
//
// Files under assets/ carry a content hash in their name (the bundler writes
// them so), so they are cached for a year as immutable; everything else is
// revalidated. A missing file under assets/ is a 404, not the app: a page
// still running an older build must not receive HTML for a script. The build
// also writes brotli and gzip copies next to compressible files, served by
// content negotiation (see serveFile).
func spa(dist fs.FS) http.Handler {
	if dist == nil {
		return notBuilt()
	}
	if _, err := fs.Stat(dist, "index.html"); err != nil {
		return notBuilt()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", spaCSP)
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		asset := strings.HasPrefix(name, "assets/")
		if !isFile(dist, name) {
			if asset {
				w.Header().Set("Cache-Control", "no-cache")
				http.NotFound(w, r)
				return
			}
			// A client-side route: the app decides what to show.
			name = "index.html"
		}
		if asset {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		serveFile(w, r, dist, name)
	})
}

// isFile reports whether name is a regular file of dist (not a folder).
func isFile(dist fs.FS, name string) bool {
	if name == "" || name == "." {
		return false
	}
	st, err := fs.Stat(dist, name)
	return err == nil && st.Mode().IsRegular()
}

func notBuilt() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(`<!doctype html><meta charset="utf-8"><title>motcua</title>` + //nolint:errcheck
			`<p>motcua is running. The web app is not built into this binary: run <code>make build</code>.` +
			` GraphiQL: <a href="/playground">/playground</a>.</p>`))
	})
}
