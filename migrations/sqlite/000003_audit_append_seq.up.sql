-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_audit_events" table
CREATE TABLE `new_audit_events` (`id` text NOT NULL, `seq` integer NULL, `append_seq` integer NULL, `at` datetime NOT NULL, `actor` text NOT NULL, `action` text NOT NULL, `target_type` text NOT NULL, `target_id` text NOT NULL, `detail` json NULL, `unit_path` text NULL, `client_ip` text NULL, `prev_hash` text NULL, `hash` text NULL, PRIMARY KEY (`id`));
-- copy rows from old table "audit_events" to new temporary table "new_audit_events"
INSERT INTO `new_audit_events` (`id`, `seq`, `at`, `actor`, `action`, `target_type`, `target_id`, `detail`, `unit_path`, `client_ip`, `prev_hash`, `hash`) SELECT `id`, `seq`, `at`, `actor`, `action`, `target_type`, `target_id`, `detail`, `unit_path`, `client_ip`, `prev_hash`, `hash` FROM `audit_events`;
-- drop "audit_events" table after copying rows
DROP TABLE `audit_events`;
-- rename temporary table "new_audit_events" to "audit_events"
ALTER TABLE `new_audit_events` RENAME TO `audit_events`;
-- create index "audit_events_seq_key" to table: "audit_events"
CREATE UNIQUE INDEX `audit_events_seq_key` ON `audit_events` (`seq`);
-- create index "audit_events_append_seq_key" to table: "audit_events"
CREATE UNIQUE INDEX `audit_events_append_seq_key` ON `audit_events` (`append_seq`);
-- create index "auditevent_unit_path" to table: "audit_events"
CREATE INDEX `auditevent_unit_path` ON `audit_events` (`unit_path`);
-- create index "auditevent_target_id" to table: "audit_events"
CREATE INDEX `auditevent_target_id` ON `audit_events` (`target_id`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
