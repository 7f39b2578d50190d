-- create index "otpchallenge_updated_at" to table: "otp_challenges"
CREATE INDEX `otpchallenge_updated_at` ON `otp_challenges` (`updated_at`);
-- create index "registration_updated_at" to table: "registrations"
CREATE INDEX `registration_updated_at` ON `registrations` (`updated_at`);
-- create index "registration_created_at" to table: "registrations"
CREATE INDEX `registration_created_at` ON `registrations` (`created_at`);
-- create index "registration_completed_at" to table: "registrations"
CREATE INDEX `registration_completed_at` ON `registrations` (`completed_at`);
-- create index "smsmessage_updated_at" to table: "sms_messages"
CREATE INDEX `smsmessage_updated_at` ON `sms_messages` (`updated_at`);
-- create index "smsmessage_created_at" to table: "sms_messages"
CREATE INDEX `smsmessage_created_at` ON `sms_messages` (`created_at`);
-- create "signals" table
CREATE TABLE `signals` (`id` text NOT NULL, `kind` text NOT NULL, `unit_id` text NOT NULL, `unit_path` text NOT NULL, `officer_id` text NOT NULL DEFAULT (''), `value` real NOT NULL, `threshold` real NOT NULL, `day` datetime NOT NULL, `detected_at` datetime NOT NULL, `subject_ids` json NOT NULL, `reviewed_at` datetime NULL, `reviewed_by` text NULL, `review_note` text NULL, PRIMARY KEY (`id`));
-- create index "signal_kind_unit_id_officer_id_day" to table: "signals"
CREATE UNIQUE INDEX `signal_kind_unit_id_officer_id_day` ON `signals` (`kind`, `unit_id`, `officer_id`, `day`);
-- create index "signal_unit_path" to table: "signals"
CREATE INDEX `signal_unit_path` ON `signals` (`unit_path`);
-- create "signal_settings" table
CREATE TABLE `signal_settings` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `shared_phone_accounts` integer NOT NULL, `desk_drop_off_factor` real NOT NULL, `lookup_budget_share` real NOT NULL, `opening_from` text NOT NULL, `opening_to` text NOT NULL, `unused_password_share` real NOT NULL, PRIMARY KEY (`id`));
-- create index "signal_settings_name_key" to table: "signal_settings"
CREATE UNIQUE INDEX `signal_settings_name_key` ON `signal_settings` (`name`);
-- create "stats_days" table
CREATE TABLE `stats_days` (`id` text NOT NULL, `day` text NOT NULL, `unit_path` text NOT NULL DEFAULT (''), `officer_id` text NOT NULL DEFAULT (''), `metric` text NOT NULL, `kind` text NOT NULL DEFAULT (''), `carrier` text NOT NULL DEFAULT (''), `bucket` integer NOT NULL DEFAULT (0), `n` integer NOT NULL DEFAULT (0), PRIMARY KEY (`id`));
-- create index "statsday_day_unit_path_officer_id_metric_kind_carrier_bucket" to table: "stats_days"
CREATE UNIQUE INDEX `statsday_day_unit_path_officer_id_metric_kind_carrier_bucket` ON `stats_days` (`day`, `unit_path`, `officer_id`, `metric`, `kind`, `carrier`, `bucket`);
-- create index "statsday_metric_day_unit_path" to table: "stats_days"
CREATE INDEX `statsday_metric_day_unit_path` ON `stats_days` (`metric`, `day`, `unit_path`);
