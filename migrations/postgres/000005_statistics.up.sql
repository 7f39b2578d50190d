-- create "signals" table
CREATE TABLE "signals" ("id" character varying NOT NULL, "kind" character varying NOT NULL, "unit_id" character varying NOT NULL, "unit_path" character varying NOT NULL, "officer_id" character varying NOT NULL DEFAULT '', "value" double precision NOT NULL, "threshold" double precision NOT NULL, "day" date NOT NULL, "detected_at" timestamptz NOT NULL, "subject_ids" jsonb NOT NULL, "reviewed_at" timestamptz NULL, "reviewed_by" character varying NULL, "review_note" character varying NULL, PRIMARY KEY ("id"));
-- create index "signal_kind_unit_id_officer_id_day" to table: "signals"
CREATE UNIQUE INDEX "signal_kind_unit_id_officer_id_day" ON "signals" ("kind", "unit_id", "officer_id", "day");
-- create index "signal_unit_path" to table: "signals"
CREATE INDEX "signal_unit_path" ON "signals" ("unit_path");
-- create "signal_settings" table
CREATE TABLE "signal_settings" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "name" character varying NOT NULL, "shared_phone_accounts" bigint NOT NULL, "desk_drop_off_factor" double precision NOT NULL, "lookup_budget_share" double precision NOT NULL, "opening_from" character varying NOT NULL, "opening_to" character varying NOT NULL, "unused_password_share" double precision NOT NULL, PRIMARY KEY ("id"));
-- create index "signal_settings_name_key" to table: "signal_settings"
CREATE UNIQUE INDEX "signal_settings_name_key" ON "signal_settings" ("name");
-- create "stats_days" table
CREATE TABLE "stats_days" ("id" character varying NOT NULL, "day" character varying NOT NULL, "unit_path" character varying NOT NULL DEFAULT '', "officer_id" character varying NOT NULL DEFAULT '', "metric" character varying NOT NULL, "kind" character varying NOT NULL DEFAULT '', "carrier" character varying NOT NULL DEFAULT '', "bucket" bigint NOT NULL DEFAULT 0, "n" bigint NOT NULL DEFAULT 0, PRIMARY KEY ("id"));
-- create index "statsday_day_unit_path_officer_id_metric_kind_carrier_bucket" to table: "stats_days"
CREATE UNIQUE INDEX "statsday_day_unit_path_officer_id_metric_kind_carrier_bucket" ON "stats_days" ("day", "unit_path", "officer_id", "metric", "kind", "carrier", "bucket");
-- create index "statsday_metric_day_unit_path" to table: "stats_days"
CREATE INDEX "statsday_metric_day_unit_path" ON "stats_days" ("metric", "day", "unit_path");
-- internal/domain/stats sums the roll-ups of a unit subtree by path prefix
CREATE INDEX stats_days_unit_path_prefix ON stats_days (unit_path text_pattern_ops, day);
