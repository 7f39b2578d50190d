package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/motcua/motcua/ent/schema/pulid"
)

// SignInThrottle counts failed sign-ins per account or per client address,
// in the database so that every replica sees the same counts.
type SignInThrottle struct{ ent.Schema }

// Mixin of SignInThrottle.
func (SignInThrottle) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("TH"), TimeMixin{}}
}

// Fields of SignInThrottle.
func (SignInThrottle) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").Unique().Comment("\"account:<id>\" or \"ip:<address>\""),
		field.Int("failures").Default(0),
		field.Time("window_start"),
		field.Time("locked_until").Optional().Nillable(),
	}
}

// Annotations of SignInThrottle.
func (SignInThrottle) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of SignInThrottle.
func (SignInThrottle) Policy() ent.Policy { return systemOnlyPolicy() }
