-- create "stats_unit_days" table
CREATE TABLE `stats_unit_days` (`id` text NOT NULL, `day` text NOT NULL, `level` integer NOT NULL, `unit_path` text NOT NULL DEFAULT (''), `metric` text NOT NULL, `kind` text NOT NULL DEFAULT (''), `carrier` text NOT NULL DEFAULT (''), `bucket` integer NOT NULL DEFAULT (0), `n` integer NOT NULL DEFAULT (0), PRIMARY KEY (`id`));
-- create index "statsunitday_day_level_unit_path_metric_kind_carrier_bucket" to table: "stats_unit_days"
CREATE UNIQUE INDEX `statsunitday_day_level_unit_path_metric_kind_carrier_bucket` ON `stats_unit_days` (`day`, `level`, `unit_path`, `metric`, `kind`, `carrier`, `bucket`);
-- create index "statsunitday_metric_level_unit_path_day_n" to table: "stats_unit_days"
CREATE INDEX `statsunitday_metric_level_unit_path_day_n` ON `stats_unit_days` (`metric`, `level`, `unit_path`, `day`, `n`);
