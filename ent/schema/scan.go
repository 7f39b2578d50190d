package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/motcua/motcua/ent/schema/pulid"
)

// Scan is the uploaded ID-card scan of a registration, stored encrypted.
type Scan struct{ ent.Schema }

// Mixin of Scan.
func (Scan) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("SC"), TimeMixin{}}
}

// Fields of Scan.
func (Scan) Fields() []ent.Field {
	return []ent.Field{
		field.String("kind").Immutable().Comment("pdf, doc or docx, by content"),
		field.Int64("size").Immutable(),
		field.String("sha256").Immutable(),
		field.String("storage_key").Immutable().Sensitive(),
		field.Time("deleted_at").Optional().Nillable(),
		field.String("registration_id").GoType(pulid.ID("")).Optional().Unique().Immutable(),
	}
}

// Edges of Scan.
func (Scan) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("registration", Registration.Type).Ref("scan").Unique().Immutable().
			Field("registration_id"),
	}
}

// Annotations of Scan.
func (Scan) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of Scan.
func (Scan) Policy() ent.Policy { return systemOnlyPolicy() }
