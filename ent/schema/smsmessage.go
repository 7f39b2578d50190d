package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/ent/schema/smsenum"
)

// SMSMessage is one SMS and its delivery status. The body is encrypted and
// wiped once the status is final.
type SMSMessage struct{ ent.Schema }

// Mixin of SMSMessage.
func (SMSMessage) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("SM"), TimeMixin{}}
}

// Fields of SMSMessage.
func (SMSMessage) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").GoType(smsenum.Kind("")).
			Immutable().Annotations(entgql.Type("SMSKind")),
		field.String("phone").Immutable().Annotations(entgql.Skip()),
		field.Enum("status").GoType(smsenum.Status("")).
			Default(string(smsenum.Queued)).Annotations(entgql.Type("SMSStatus")),
		field.String("provider").Optional(),
		field.String("provider_message_id").Optional().Annotations(entgql.Skip()),
		field.Int("attempts").Default(0),
		field.String("last_error").Optional(),
		field.Bytes("body_sealed").Optional().Nillable().Sensitive().
			Comment("AES-GCM sealed body; nil once final").Annotations(entgql.Skip()),
		field.Time("send_before").Optional().Nillable().
			Comment("an OTP is never sent after its code expired").Annotations(entgql.Skip()),
		field.Time("sent_at").Optional().Nillable(),
		field.Time("final_at").Optional().Nillable(),
		field.String("registration_id").GoType(pulid.ID("")).Optional().Nillable().Immutable().
			Annotations(entgql.Skip()),
		field.String("account_id").GoType(pulid.ID("")).Optional().Nillable().Immutable().
			Annotations(entgql.Skip()),
		field.String("officer_id").Optional().Immutable().Annotations(entgql.Skip()),
		field.String("unit_path").Optional().Immutable().Annotations(entgql.Skip()),
	}
}

// Edges of SMSMessage.
func (SMSMessage) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("registration", Registration.Type).Ref("sms").Unique().Immutable().
			Field("registration_id").Annotations(entgql.Skip()),
	}
}

// Indexes of SMSMessage.
func (SMSMessage) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("status"),
		index.Fields("unit_path", "created_at"),
		index.Fields("provider_message_id"),
		// internal/domain/stats: the days whose roll-ups to rebuild, and their rows
		index.Fields("updated_at"),
		index.Fields("created_at"),
	}
}

// Annotations of SMSMessage.
func (SMSMessage) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy of SMSMessage.
func (SMSMessage) Policy() ent.Policy { return smsPolicy() }
