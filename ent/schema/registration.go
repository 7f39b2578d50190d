package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/motcua/motcua/ent/schema/pulid"
)

// Registration is one desk case of source §3: a citizen's account being created.
type Registration struct{ ent.Schema }

// Mixin of Registration.
func (Registration) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("RG"), TimeMixin{}}
}

// Fields of Registration.
func (Registration) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").Unique().Immutable().Comment("short code printed on the request form"),
		field.Enum("state").Values("DRAFT", "OTP_SENT", "CREATED", "CANCELLED", "EXPIRED").
			Default("DRAFT").Annotations(entgql.Type("RegistrationState")),
		field.String("id_number").Immutable().Annotations(entgql.Skip()),
		field.String("open_id_number").Optional().Nillable().Unique().
			Comment("= id_number while the case is open: one open case per ID number across all desks").
			Annotations(entgql.Skip()),
		field.String("full_name").Immutable(),
		field.Time("date_of_birth").Immutable().
			SchemaType(map[string]string{dialect.Postgres: "date"}).
			Annotations(entgql.Type("Date"), entgql.Skip(entgql.SkipWhereInput)),
		field.String("phone").Immutable().Annotations(entgql.Skip()),
		field.String("email").Optional().Immutable().Annotations(entgql.Skip(entgql.SkipWhereInput)),
		field.String("officer_id").GoType(pulid.ID("")).Immutable().Annotations(entgql.Skip()),
		field.String("unit_id").GoType(pulid.ID("")).Immutable().Annotations(entgql.Skip()),
		field.String("unit_path").Immutable().Annotations(entgql.Skip()),
		field.String("account_id").GoType(pulid.ID("")).Optional().Nillable().Annotations(entgql.Skip()),
		field.Time("otp_sent_at").Optional().Nillable(),
		field.Time("otp_expires_at").Optional().Nillable(),
		field.Time("resend_available_at").Optional().Nillable(),
		field.Time("expires_at").Comment("an idle case expires 24 h after its last change").
			Annotations(entgql.Skip()),
		field.Time("completed_at").Optional().Nillable(),
	}
}

// Edges of Registration.
func (Registration) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("officer", Officer.Type).Unique().Required().Immutable().Field("officer_id"),
		edge.To("unit", Unit.Type).Unique().Required().Immutable().Field("unit_id"),
		edge.To("account", Account.Type).Unique().Field("account_id"),
		edge.To("scan", Scan.Type).Unique().Annotations(entgql.Skip()),
		edge.To("sms", SMSMessage.Type).Annotations(entgql.Skip()),
		edge.To("otp_challenges", OTPChallenge.Type).Annotations(entgql.Skip()),
	}
}

// Indexes of Registration.
func (Registration) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("officer_id", "created_at"),
		index.Fields("state", "expires_at"),
		index.Fields("unit_path"),
		// internal/domain/stats: the days whose roll-ups to rebuild, and their rows
		index.Fields("updated_at"),
		index.Fields("created_at"),
		index.Fields("completed_at"),
	}
}

// Annotations of Registration.
func (Registration) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy of Registration.
func (Registration) Policy() ent.Policy { return registrationPolicy() }
