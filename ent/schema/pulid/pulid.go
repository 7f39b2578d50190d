// Package pulid is the identifier of every entity: a ULID behind a two-letter
// type prefix ("AC01J…" is an account).
//
// The prefix lets node(id:) find the table without a lookup, the ULID sorts by
// creation time (newest-first lists are an index scan), and the identifiers
// reveal neither counts nor neighbours, unlike sequential integers.
// After entgql's todopulid example.
package pulid

import (
	"database/sql/driver"
	"fmt"
	"io"
	"strconv"

	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"
	"github.com/oklog/ulid/v2"
)

// ID is a prefixed ULID.
type ID string

// New returns a new ID with the given two-letter prefix. ulid.Make is safe for
// concurrent use and monotonic within a millisecond.
func New(prefix string) ID { return ID(prefix + ulid.Make().String()) }

// Prefix is the type prefix of the ID ("" when too short).
func (u ID) Prefix() string {
	if len(u) < 2 {
		return ""
	}
	return string(u[:2])
}

// UnmarshalGQL implements graphql.Unmarshaler.
func (u *ID) UnmarshalGQL(v any) error { return u.Scan(v) }

// MarshalGQL implements graphql.Marshaler.
func (u ID) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(u))) }

// Scan implements sql.Scanner.
func (u *ID) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		return fmt.Errorf("pulid: expected a value")
	case string:
		*u = ID(v)
	case []byte:
		*u = ID(string(v))
	case ID:
		*u = v
	default:
		return fmt.Errorf("pulid: unexpected type %T", v)
	}
	return nil
}

// Value implements driver.Valuer.
func (u ID) Value() (driver.Value, error) { return string(u), nil }

// Mixin gives a schema its prefixed id field.
type Mixin struct {
	mixin.Schema
	prefix string
}

// MixinWithPrefix returns the id mixin for one entity type.
func MixinWithPrefix(prefix string) Mixin { return Mixin{prefix: prefix} }

// Fields is the id field.
func (m Mixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").GoType(ID("")).
			DefaultFunc(func() ID { return New(m.prefix) }).
			Immutable(),
	}
}

// Annotation records the prefix of a type.
type Annotation struct{ Prefix string }

// Name implements schema.Annotation.
func (Annotation) Name() string { return "PULID" }

// Annotations returns the prefix annotation.
func (m Mixin) Annotations() []schema.Annotation {
	return []schema.Annotation{Annotation{Prefix: m.prefix}}
}
