package server

import (
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// spa serves the built single-page app; client-side routes fall back to
// index.html. Without a build it says how to make one.
func spa(dist fs.FS) http.Handler {
	if dist == nil {
		return notBuilt()
	}
	if _, err := fs.Stat(dist, "index.html"); err != nil {
		return notBuilt()
	}
	files := http.FileServerFS(dist)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy",
			"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "+
				"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name == "" {
			name = "index.html"
		}
		if _, err := fs.Stat(dist, name); err != nil {
			// A client-side route: the app decides what to show.
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/"
			w.Header().Set("Cache-Control", "no-cache")
			files.ServeHTTP(w, r2)
			return
		}
		if strings.HasPrefix(name, "assets/") {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(w, r)
	})
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
