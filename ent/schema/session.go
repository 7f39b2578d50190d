package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/motcua/motcua/ent/schema/pulid"
)

// Session is a signed-in browser or client. Only a hash of its token is kept.
type Session struct{ ent.Schema }

// Mixin of Session.
func (Session) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("SE"), TimeMixin{}}
}

// Fields of Session.
func (Session) Fields() []ent.Field {
	return []ent.Field{
		field.String("token_hash").Unique().Sensitive().Immutable().Annotations(entgql.Skip()),
		field.String("account_id").GoType(pulid.ID("")).Immutable().Annotations(entgql.Skip()),
		field.Time("last_seen_at"),
		field.Time("expires_at").Comment("absolute expiry"),
		field.Int("idle_timeout_seconds").Default(0).Comment("0: no idle timeout").
			Annotations(entgql.Skip()),
		field.Time("revoked_at").Optional().Nillable(),
		field.Bool("password_change_only").Default(false).
			Comment("signed in with an initial or expired password: may only change it"),
		field.String("client_ip").Optional().MaxLen(64).Annotations(entgql.Skip()),
		field.String("user_agent").Optional().MaxLen(256),
	}
}

// Edges of Session.
func (Session) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Ref("sessions").Unique().Required().Immutable().
			Field("account_id").Annotations(entgql.Skip()),
	}
}

// Indexes of Session.
func (Session) Indexes() []ent.Index {
	return []ent.Index{index.Fields("account_id", "revoked_at")}
}

// Policy of Session.
func (Session) Policy() ent.Policy { return sessionPolicy() }
