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

// Unit is an agency, province, commune or one-stop desk, in a tree.
type Unit struct{ ent.Schema }

// Mixin of Unit.
func (Unit) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("UN"), TimeMixin{}}
}

// Fields of Unit.
func (Unit) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").NotEmpty().MaxLen(35).Unique().
			Comment("agency electronic identifier (mã định danh), QCVN 102:2016").
			Annotations(entgql.OrderField("CODE")),
		field.String("name").NotEmpty().Validate(maxRunes(300)).
			Annotations(entgql.OrderField("NAME")),
		field.String("name_folded").Validate(maxRunes(300)).
			Comment("vn.Fold(name): the search column, identical on SQLite and PostgreSQL").
			Annotations(entgql.Skip()),
		field.Enum("kind").Values("MINISTRY", "PROVINCE", "COMMUNE", "AGENCY"),
		field.String("path").
			Comment("materialised path of ids from the root, \"/UN…/UN…/\": a subtree is a prefix").
			Annotations(entgql.Skip()),
		field.Bool("is_service_desk").Default(false).
			Comment("derived from the name by vn.IsServiceDeskName whenever the name is written"),
		field.String("parent_id").GoType(pulid.ID("")).Optional().Nillable().
			Annotations(entgql.Skip()),
	}
}

// Edges of Unit.
func (Unit) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("children", Unit.Type).
			Annotations(entgql.RelayConnection()).
			From("parent").Unique().Field("parent_id"),
		edge.From("officers", Officer.Type).Ref("unit").
			Annotations(entgql.Skip()),
	}
}

// Indexes of Unit.
func (Unit) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("path"),
		index.Fields("name_folded"),
		index.Fields("is_service_desk"),
	}
}

// Annotations of Unit.
func (Unit) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}

// Policy of Unit.
func (Unit) Policy() ent.Policy { return unitPolicy() }
