package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/motcua/motcua/ent/schema/pulid"
)

// AuditEvent is one line of the append-only, hash-chained audit trail.
//
// Writers append an event with its append_seq and no chain fields; the
// sealer (internal/platform/audit) later gives it its place in the chain
// (seq, prev_hash, hash). See docs/ARCHITECTURE.md, "Audit trail".
type AuditEvent struct{ ent.Schema }

// Mixin of AuditEvent.
func (AuditEvent) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("AU")}
}

// Fields of AuditEvent.
func (AuditEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("seq").Optional().Nillable().Unique().Immutable().
			Comment("position in the chain, from 1; empty until the sealer chains the event").Annotations(entgql.Skip()),
		field.Int64("append_seq").Optional().Unique().Immutable().
			Comment("order of appending (a sequence; empty on events sealed as they were written); the sealer chains in this order").
			Annotations(entgql.Skip()),
		field.Time("at").Default(time.Now).Immutable().Annotations(entgql.OrderField("AT")),
		field.String("actor").Immutable().Comment("account id, or \"system\""),
		field.String("action").Immutable(),
		field.String("target_type").Immutable(),
		field.String("target_id").Immutable(),
		field.JSON("detail", map[string]any{}).Optional().Immutable().
			Annotations(entgql.Type("Map")),
		field.String("unit_path").Optional().Immutable().
			Comment("the unit the event concerns, for admins' scope").Annotations(entgql.Skip()),
		field.String("client_ip").Optional().Immutable().MaxLen(64),
		field.String("prev_hash").Optional().Immutable().Comment("empty until sealed").Annotations(entgql.Skip()),
		field.String("hash").Optional().Immutable().Comment("empty until sealed").Annotations(entgql.Skip()),
	}
}

// Indexes of AuditEvent.
func (AuditEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("unit_path"), index.Fields("target_id")}
}

// Annotations of AuditEvent.
func (AuditEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy of AuditEvent.
func (AuditEvent) Policy() ent.Policy { return auditPolicy() }
