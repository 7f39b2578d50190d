package store_test

import (
	"testing"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/internal/platform/store"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/internal/testkit"
)

func TestPageCheck(t *testing.T) {
	n := func(i int) *int { return &i }
	cur := &ent.Cursor{ID: "AC01"}
	for _, tt := range []struct {
		page  store.Page
		field string // refused on this field; "" when accepted
	}{
		{store.Page{First: n(-1)}, "first"},
		{store.Page{First: n(store.MaxPageSize + 1)}, "first"},
		{store.Page{Last: n(-1)}, "last"},
		{store.Page{Last: n(store.MaxPageSize + 1), Before: cur}, "last"},
		{store.Page{First: n(1), Last: n(1)}, "last"},
		{store.Page{First: n(0)}, ""},
		{store.Page{First: n(store.MaxPageSize), After: cur}, ""},
		{store.Page{Last: n(3), Before: cur}, ""},
	} {
		got, err := tt.page.Check()
		if tt.field != "" {
			testkit.RefusedOn(t, err, refusal.Validation, tt.field)
			continue
		}
		if err != nil {
			t.Errorf("%+v refused: %v", tt.page, err)
			continue
		}
		if got != tt.page {
			t.Errorf("%+v checked into %+v: a valid page is kept as asked", tt.page, got)
		}
	}
}

// A page that names no size gets the default, forwards, and keeps its cursors.
func TestPageCheckDefault(t *testing.T) {
	cur := &ent.Cursor{ID: "AC01"}
	got, err := store.Page{After: cur}.Check()
	if err != nil {
		t.Fatal(err)
	}
	if got.First == nil || *got.First != store.DefaultPageSize || got.Last != nil || got.After != cur || got.Before != nil {
		t.Errorf("default page: %+v", got)
	}
}

// TestPageOr: a page that names no size takes the one given; one that
// names a size keeps it, forwards or backwards.
func TestPageOr(t *testing.T) {
	five := 5
	if got := (store.Page{}).Or(100); got.First == nil || *got.First != 100 || got.Last != nil {
		t.Errorf("no size: %+v", got)
	}
	if got := (store.Page{First: &five}).Or(100); *got.First != 5 {
		t.Errorf("first 5: %+v", got)
	}
	if got := (store.Page{Last: &five}).Or(100); got.First != nil || *got.Last != 5 {
		t.Errorf("last 5: %+v", got)
	}
}
