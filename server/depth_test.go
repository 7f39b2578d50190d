package server

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

func TestSelectionDepth(t *testing.T) {
	for q, want := range map[string]int{
		`{ a }`:                           1,
		`{ a { b { c } } }`:               3,
		`{ a { ... on X { b { c } } } }`:  3,
		`{ a { b } d { e { f { g } } } }`: 4,
		strings.Repeat("{ p ", 30) + strings.Repeat("}", 30): maxDepth + 1, // stops counting past the limit
	} {
		doc, err := parser.ParseQuery(&ast.Source{Input: q})
		if err != nil {
			t.Fatal(err)
		}
		if got := selectionDepth(doc.Operations[0].SelectionSet, 0, maxDepth); got != want {
			t.Errorf("%.40s: depth %d, want %d", q, got, want)
		}
	}
}
