package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/motcua/motcua/ent/schema/pulid"
)

// Officer is an account brought into user management: its unit and grants.
type Officer struct{ ent.Schema }

// Mixin of Officer.
func (Officer) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("OF"), TimeMixin{}}
}

// Fields of Officer.
func (Officer) Fields() []ent.Field {
	return []ent.Field{
		field.String("account_id").GoType(pulid.ID("")).Immutable().Unique().
			Annotations(entgql.Skip()),
		field.String("unit_id").GoType(pulid.ID("")).Optional().Nillable().
			Annotations(entgql.Skip()),
		field.Bool("can_create_citizen_accounts").Default(false).
			Comment("the grant of source §2 step 3; only ever true while the unit is a service desk").
			Annotations(entgql.Skip()),
		field.Bool("super_admin").Default(false).Annotations(entgql.Skip()),
		field.String("admin_unit_id").GoType(pulid.ID("")).Optional().Nillable().
			Comment("a level-1 admin acts inside this unit's subtree").
			Annotations(entgql.Skip()),
		// unit_path duplicates the unit's path so that scope filters are one indexed prefix match.
		field.String("unit_path").Optional().Annotations(entgql.Skip()),
	}
}

// Edges of Officer.
func (Officer) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Ref("officer").Unique().Required().Immutable().
			Field("account_id"),
		edge.To("unit", Unit.Type).Unique().Field("unit_id"),
		edge.To("admin_unit", Unit.Type).Unique().Field("admin_unit_id").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("created_accounts", Account.Type).Annotations(entgql.Skip()),
	}
}

// Indexes of Officer.
func (Officer) Indexes() []ent.Index {
	return []ent.Index{index.Fields("unit_path")}
}

// Annotations of Officer.
func (Officer) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy of Officer.
func (Officer) Policy() ent.Policy { return officerPolicy() }
