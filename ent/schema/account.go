package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/motcua/motcua/ent/schema/pulid"
)

// Account is a national-portal account: citizens, officers and admins alike.
type Account struct{ ent.Schema }

// Mixin of Account.
func (Account) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("AC"), TimeMixin{}}
}

// Fields of Account.
func (Account) Fields() []ent.Field {
	return []ent.Field{
		field.String("id_number").NotEmpty().MaxLen(12).Unique().
			Comment("12-digit personal identification number (CCCD), or a 9-digit CMND for old accounts").
			Annotations(entgql.Skip()),
		field.Enum("id_kind").Values("CCCD", "CMND").Default("CCCD"),
		field.String("cmnd_number").Optional().Nillable().MaxLen(12).
			Comment("the old 9-digit CMND kept as an alias for lookup and duplicate detection").
			Annotations(entgql.Skip()),
		field.String("tax_code").Optional().Nillable().MaxLen(14).
			Comment("a 10- or 13-digit tax code, when the account has one apart from the ID number").
			Annotations(entgql.Skip()),
		field.String("full_name").NotEmpty().Validate(maxRunes(100)).
			Annotations(entgql.OrderField("FULL_NAME")),
		field.String("name_folded").Validate(maxRunes(100)).
			Comment("vn.Fold(full_name): the search column").
			Annotations(entgql.Skip()),
		// In GraphQL as Account.dateOfBirth (graph/admin.graphql), nullable: an
		// account an admin sees only masked shows no date of birth.
		field.Time("date_of_birth").
			SchemaType(map[string]string{dialect.Postgres: "date"}).
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.String("phone").MaxLen(16).
			Comment("E.164").
			Annotations(entgql.Skip()),
		field.String("email").Optional().MaxLen(254).
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		field.Enum("status").Values("NOT_ACTIVATED", "ACTIVE", "LOCKED").Default("ACTIVE").
			Annotations(entgql.Type("AccountStatus")),
		field.Enum("origin").Values("SELF_REGISTERED", "ONE_STOP_DESK", "VNPOST", "IMPORTED").
			Annotations(entgql.Type("AccountOrigin")),
		field.String("password_hash").Optional().Sensitive().
			Comment("argon2id PHC string; empty for imported accounts until a reset").
			Annotations(entgql.Skip()),
		field.Bool("must_change_password").Default(false).
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		field.Time("initial_password_expires_at").Optional().Nillable().
			Comment("the SMS password works until then, and only for one sign-in").
			Annotations(entgql.Skip()),
		field.Time("initial_password_used_at").Optional().Nillable().
			Annotations(entgql.Skip()),
		field.String("created_by_officer_id").GoType(pulid.ID("")).Optional().Nillable().
			Annotations(entgql.Skip()),
		field.String("created_at_unit_id").GoType(pulid.ID("")).Optional().Nillable().
			Annotations(entgql.Skip()),
	}
}

// Edges of Account.
func (Account) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("officer", Officer.Type).Unique().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("sessions", Session.Type).Annotations(entgql.Skip()),
		edge.From("created_by", Officer.Type).Ref("created_accounts").Unique().
			Field("created_by_officer_id").Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("created_at_unit", Unit.Type).Unique().Field("created_at_unit_id").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

// Indexes of Account.
func (Account) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("phone"),
		index.Fields("cmnd_number"),
		index.Fields("tax_code"),
		index.Fields("name_folded"),
		index.Fields("status"),
		index.Fields("created_by_officer_id", "created_at"),
		// a level-1 admin's scope includes the accounts created at its desks
		index.Fields("created_at_unit_id"),
		// the signals of misuse read a day's (or a month's) desk-created
		// accounts; without it each run read every account (seconds at 10M)
		index.Fields("created_at").Annotations(entsql.IndexWhere("created_at_unit_id IS NOT NULL")).
			StorageKey("account_desk_created_at"),
	}
}

// Annotations of Account.
func (Account) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.MultiOrder()}
}

// Policy of Account.
func (Account) Policy() ent.Policy { return accountPolicy() }
