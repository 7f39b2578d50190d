-- create "stats_unit_days" table
CREATE TABLE "stats_unit_days" ("id" character varying NOT NULL, "day" character varying NOT NULL, "level" bigint NOT NULL, "unit_path" character varying NOT NULL DEFAULT '', "metric" character varying NOT NULL, "kind" character varying NOT NULL DEFAULT '', "carrier" character varying NOT NULL DEFAULT '', "bucket" bigint NOT NULL DEFAULT 0, "n" bigint NOT NULL DEFAULT 0, PRIMARY KEY ("id"));
-- create index "statsunitday_day_level_unit_path_metric_kind_carrier_bucket" to table: "stats_unit_days"
CREATE UNIQUE INDEX "statsunitday_day_level_unit_path_metric_kind_carrier_bucket" ON "stats_unit_days" ("day", "level", "unit_path", "metric", "kind", "carrier", "bucket");
-- create index "statsunitday_metric_level_unit_path_day_n" to table: "stats_unit_days"
CREATE INDEX "statsunitday_metric_level_unit_path_day_n" ON "stats_unit_days" ("metric", "level", "unit_path", "day", "n");
