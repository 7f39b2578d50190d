package store

import (
	"fmt"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/internal/rules/refusal"
)

// Page sizes of every list.
const (
	DefaultPageSize = 20
	MaxPageSize     = 200
	// ShortListPageSize is the size of a page that names none in the
	// lists that are short by nature and that clients read whole (units,
	// a desk's registrations, SMS, OIDC clients): they answered every row
	// before they were paged, and still answer up to this many (the API's
	// own cap on first/last).
	ShortListPageSize = 100
)

// Page is a Relay page request, the one shape every list takes: First/After
// forwards, Last/Before backwards. It lives here, beside the database, so
// that domain and platform lists (SMS history, audit trail) share it.
type Page struct {
	First  *int
	After  *ent.Cursor
	Last   *int
	Before *ent.Cursor
}

// Or gives the page size first when the request names none.
func (p Page) Or(first int) Page {
	if p.First == nil && p.Last == nil {
		p.First = &first
	}
	return p
}

// Check refuses a bad page request and fills in the default size.
func (p Page) Check() (Page, error) {
	bad := func(field string) error {
		return refusal.New(refusal.Validation,
			fmt.Sprintf("Số bản ghi mỗi trang phải từ 0 đến %d.", MaxPageSize),
			fmt.Sprintf("A page holds 0 to %d records.", MaxPageSize)).OnField(field)
	}
	switch {
	case p.First != nil && p.Last != nil:
		return p, refusal.New(refusal.Validation,
			"Chỉ dùng một trong hai tham số first và last.",
			"Use first or last, not both.").OnField("last")
	case p.First != nil && (*p.First < 0 || *p.First > MaxPageSize):
		return p, bad("first")
	case p.Last != nil && (*p.Last < 0 || *p.Last > MaxPageSize):
		return p, bad("last")
	case p.First == nil && p.Last == nil:
		n := DefaultPageSize
		p.First = &n
	}
	return p, nil
}
