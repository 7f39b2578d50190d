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

// OTPChallenge is one code sent by SMS. Only its keyed hash is stored.
type OTPChallenge struct{ ent.Schema }

// Mixin of OTPChallenge.
func (OTPChallenge) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("OT"), TimeMixin{}}
}

// Fields of OTPChallenge.
func (OTPChallenge) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("purpose").Values("REGISTRATION", "RESET").Immutable(),
		field.String("subject_id").Immutable().Comment("registration id or account id"),
		field.String("phone").Immutable().Comment("E.164, for the per-phone send caps"),
		field.String("code_hash").Sensitive().Immutable(),
		field.Time("expires_at").Immutable(),
		field.Int("attempts").Default(0),
		field.Bool("superseded").Default(false),
		field.Time("consumed_at").Optional().Nillable(),
		field.String("registration_id").GoType(pulid.ID("")).Optional().Nillable().Immutable(),
	}
}

// Edges of OTPChallenge.
func (OTPChallenge) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("registration", Registration.Type).Ref("otp_challenges").Unique().
			Immutable().Field("registration_id"),
	}
}

// Indexes of OTPChallenge.
func (OTPChallenge) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("subject_id", "created_at"),
		index.Fields("phone", "created_at"),
		// internal/domain/stats: the days whose roll-ups to rebuild
		index.Fields("updated_at"),
	}
}

// Annotations of OTPChallenge.
func (OTPChallenge) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of OTPChallenge.
func (OTPChallenge) Policy() ent.Policy { return systemOnlyPolicy() }
