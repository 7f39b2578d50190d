package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/policy"
)

// StatsDay is one daily roll-up figure: how many of metric (of kind and
// carrier, in histogram bucket) the desk at unit_path and the officer had on
// a calendar day in Asia/Ho_Chi_Minh. Statistics read only these rows and
// sum them over a unit subtree by path prefix (internal/domain/stats,
// docs/RULES.md "Statistics").
type StatsDay struct{ ent.Schema }

// Mixin of StatsDay.
func (StatsDay) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("SD")}
}

// Fields of StatsDay.
func (StatsDay) Fields() []ent.Field {
	return []ent.Field{
		field.String("day").NotEmpty().MaxLen(10).Comment("YYYY-MM-DD, local time"),
		field.String("unit_path").Default("").Comment("the desk's path; \"\" for messages of no desk (password resets)"),
		field.String("officer_id").Default("").Comment("\"\" for figures kept per desk only"),
		field.String("metric").NotEmpty(),
		field.String("kind").Default(""),
		field.String("carrier").Default(""),
		field.Int("bucket").Default(0),
		field.Int64("n").Default(0),
	}
}

// Indexes of StatsDay.
func (StatsDay) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("day", "unit_path", "officer_id", "metric", "kind", "carrier", "bucket").Unique(),
		// A chart reads one or a few metrics over a period: the rows it sums
		// are found without reading the other metrics'.
		index.Fields("metric", "day", "unit_path"),
	}
}

// Annotations of StatsDay.
func (StatsDay) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of StatsDay: read and written by internal/domain/stats as the
// system, after it decided with the policy (object stats, action read).
func (StatsDay) Policy() ent.Policy { return systemOnlyPolicy() }

// StatsUnitDay is the coarse roll-up: the StatsDay rows of a day summed
// over the desks below one unit at depth level (0: the whole country, path
// ""; 1: a province; 2: its children), without the officer.
// The wide charts read it instead of every desk's rows; it is rebuilt from
// the desk rows in the same transaction, so both always agree
// (docs/RULES.md "Statistics"). A level's rows never mix with another's: a
// sum reads exactly one level per path.
type StatsUnitDay struct{ ent.Schema }

// Mixin of StatsUnitDay.
func (StatsUnitDay) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("SU")}
}

// Fields of StatsUnitDay.
func (StatsUnitDay) Fields() []ent.Field {
	return []ent.Field{
		field.String("day").NotEmpty().MaxLen(10).Comment("YYYY-MM-DD, local time"),
		field.Int("level").NonNegative().Comment("depth of the unit: 0 the country, 1 a province, ..."),
		field.String("unit_path").Default("").Comment("the unit's path; \"\" at level 0"),
		field.String("metric").NotEmpty(),
		field.String("kind").Default(""),
		field.String("carrier").Default(""),
		field.Int("bucket").Default(0),
		field.Int64("n").Default(0),
	}
}

// Indexes of StatsUnitDay.
func (StatsUnitDay) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("day", "level", "unit_path", "metric", "kind", "carrier", "bucket").Unique(),
		// A chart of one unit (or the country) reads one level of one
		// path: its days are one range of this index, and n is in it, so
		// the sum is read from the index alone (docs/PERFORMANCE.md "S9").
		index.Fields("metric", "level", "unit_path", "day", "n"),
	}
}

// Annotations of StatsUnitDay.
func (StatsUnitDay) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of StatsUnitDay: as StatsDay's.
func (StatsUnitDay) Policy() ent.Policy { return systemOnlyPolicy() }

// Signal is a sign of possible misuse found by the signals job
// (docs/RULES.md "Signals"): one per kind × unit × officer × day.
type Signal struct{ ent.Schema }

// Mixin of Signal.
func (Signal) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("SG")}
}

// Fields of Signal.
func (Signal) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Values("SHARED_PHONE", "DESK_DROP_OFF", "LOOKUP_BUDGET", "AFTER_HOURS", "UNUSED_PASSWORDS").Immutable(),
		field.String("unit_id").GoType(pulid.ID("")).Immutable(),
		field.String("unit_path").Immutable(),
		field.String("officer_id").Default("").Immutable().Comment("\"\" when the signal concerns no one officer"),
		field.Float("value"),
		field.Float("threshold"),
		field.Time("day").Immutable().SchemaType(map[string]string{dialect.Postgres: "date"}),
		field.Time("detected_at"),
		field.JSON("subject_ids", []string{}).Comment("ids of the accounts or registrations behind it, at most 50"),
		field.Time("reviewed_at").Optional().Nillable(),
		field.String("reviewed_by").GoType(pulid.ID("")).Optional().Nillable(),
		field.String("review_note").Optional().Nillable().Validate(maxRunes(1000)),
	}
}

// Indexes of Signal.
func (Signal) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("kind", "unit_id", "officer_id", "day").Unique(),
		index.Fields("unit_path"),
	}
}

// Annotations of Signal.
func (Signal) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of Signal: admins within scope read; writes are the stats
// package's, as the system.
func (Signal) Policy() ent.Policy {
	return readPolicy(scoped(policy.ObjStats, policy.ActRead, nil))
}

// SignalSetting holds the thresholds of the signals: one row for the whole
// installation, written by the super admin (defaults in internal/domain/stats).
type SignalSetting struct{ ent.Schema }

// Mixin of SignalSetting.
func (SignalSetting) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("SS"), TimeMixin{}}
}

// Fields of SignalSetting.
func (SignalSetting) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Unique().NotEmpty().Comment("\"default\": the one set"),
		field.Int("shared_phone_accounts"),
		field.Float("desk_drop_off_factor"),
		field.Float("lookup_budget_share"),
		field.String("opening_from").MaxLen(5),
		field.String("opening_to").MaxLen(5),
		field.Float("unused_password_share"),
	}
}

// Annotations of SignalSetting.
func (SignalSetting) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy of SignalSetting.
func (SignalSetting) Policy() ent.Policy { return systemOnlyPolicy() }
