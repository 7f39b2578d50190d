package internal_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/motcua/motcua"

// layers ranks the module's packages by path prefix, highest first: a
// package may import packages of its own rank or lower, never higher. The
// longest matching prefix wins.
var layers = []struct {
	prefix string
	rank   int
}{
	{"cmd/", 7},
	{"internal/app", 6},
	{"internal/testkit/", 6}, // test support: nothing below may import it outside tests
	{"server", 5},
	{"graph", 4},
	{"internal/domain/", 3},
	{"internal/platform/", 2},
	{"internal/rules/", 2},
	{"ent", 1},
	{"migrations", 1},
	{"policy", 1},
	{"frontend", 1},
	{"internal", 0}, // this package: doc and tests only
}

func rankOf(rel string) (int, bool) {
	best, rank := -1, 0
	for _, l := range layers {
		p := strings.TrimSuffix(l.prefix, "/")
		if (rel == p || strings.HasPrefix(rel, p+"/")) && len(p) > best {
			best, rank = len(p), l.rank
		}
	}
	return rank, best >= 0
}

// packages lists the module's packages with their non-test imports of the module.
func packages(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, module+"/...")
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		rel := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/")
		if strings.Contains(rel, "node_modules/") {
			continue // Go code that an npm package ships (the SPA's tooling), not ours
		}
		var deps []string
		for _, imp := range fields[1:] {
			if imp == module || strings.HasPrefix(imp, module+"/") {
				deps = append(deps, strings.TrimPrefix(imp, module+"/"))
			}
		}
		pkgs[rel] = deps
	}
	return pkgs
}

// TestImportsPointDown fails on an import from a lower layer to a higher one.
func TestImportsPointDown(t *testing.T) {
	for pkg, deps := range packages(t) {
		from, ok := rankOf(pkg)
		if !ok {
			t.Errorf("%s belongs to no layer: move it under a layer folder (see internal/doc.go)", pkg)
			continue
		}
		for _, dep := range deps {
			to, _ := rankOf(dep)
			if to > from {
				t.Errorf("%s imports %s: an arrow against cmd → app → server → graph → domain → rules/platform → ent/policy", pkg, dep)
			}
		}
	}
}

// TestArchitectureTableListsEveryPackage: docs/ARCHITECTURE.md names every
// hand-written package (generated ent and gqlgen packages are covered by
// their parents).
func TestArchitectureTableListsEveryPackage(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	for pkg := range packages(t) {
		if pkg == "" || strings.HasPrefix(pkg, "ent/") && pkg != "ent/schema" || strings.HasPrefix(pkg, "graph/") {
			continue
		}
		if !bytes.Contains(doc, []byte("`"+pkg+"`")) {
			t.Errorf("docs/ARCHITECTURE.md does not name package `%s`", pkg)
		}
	}
}
