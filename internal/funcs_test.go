package internal_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// maxFuncLines is the length past which a function must say why it is long.
const maxFuncLines = 60

// longFuncs lists the functions of the hand-written .go files under root
// (tests included; generated files, testdata and node_modules left out)
// longer than maxFuncLines whose doc comment does not say "Long because".
func longFuncs(t *testing.T, root string) []string {
	t.Helper()
	fset := token.NewFileSet()
	var long []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (name == "node_modules" || name == "testdata" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		if ast.IsGenerated(f) {
			return nil
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			start, end := fset.Position(fn.Pos()), fset.Position(fn.End())
			if n := end.Line - start.Line + 1; n > maxFuncLines && !saysWhyLong(fn.Doc) {
				rel, _ := filepath.Rel(root, path)
				long = append(long, rel+":"+strconv.Itoa(start.Line)+" "+fn.Name.Name+" ("+strconv.Itoa(n)+" lines)")
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", root, err)
	}
	return long
}

// saysWhyLong reports whether a doc comment gives the reason a function is
// long ("Long because …", "It is long because …").
func saysWhyLong(doc *ast.CommentGroup) bool {
	return doc != nil && strings.Contains(strings.Join(strings.Fields(strings.ToLower(doc.Text())), " "), "long because")
}

// TestFunctionsAreShortOrSayWhy fails listing every hand-written function
// over maxFuncLines lines whose doc comment has no "Long because": split it
// along its steps, or say in its doc comment why it reads best whole.
func TestFunctionsAreShortOrSayWhy(t *testing.T) {
	for _, f := range longFuncs(t, "..") {
		t.Errorf("%s: split it, or say in its doc comment why it is long (\"Long because …\")", f)
	}
}
