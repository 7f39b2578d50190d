package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/motcua/motcua/ent/schema/pulid"
)

// Budget counts the uses of a limited action under one key (for example an
// officer's citizen lookups per minute) in a window that starts with the
// first use after the previous window ended. It is in the database so that
// every replica draws on the same budget; the budget package takes from it
// with conditional updates.
type Budget struct{ ent.Schema }

// Mixin of Budget.
func (Budget) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("BU"), TimeMixin{}}
}

// Fields of Budget.
func (Budget) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").Unique().NotEmpty().MaxLen(200).
			Comment("\"<action>:<subject>:<limit>\", e.g. \"lookup:OF…:minute\""),
		field.Int("used").Default(0).NonNegative(),
		field.Time("window_start"),
	}
}

// Annotations of Budget.
func (Budget) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of Budget.
func (Budget) Policy() ent.Policy { return systemOnlyPolicy() }
