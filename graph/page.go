package graph

import (
	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/internal/platform/store"
)

// pageOf is the page request of a connection field's arguments, which every
// *.graphql file declares in Relay order: first, after, last, before.
func pageOf(first *int, after *ent.Cursor, last *int, before *ent.Cursor) store.Page {
	return store.Page{First: first, After: after, Last: last, Before: before}
}
