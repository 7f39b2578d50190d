// Package frontend holds the single-page app and exposes its built assets.
//
// `npm run build` (run by `make build` and `make run`) writes dist/; the Go
// binary embeds whatever is there. A checkout that has not built the SPA
// still compiles: dist/ then holds only .gitkeep and the server says how to
// build it.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built SPA (the contents of dist/).
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // "dist" is a literal that go:embed guarantees exists
	}
	return sub
}
