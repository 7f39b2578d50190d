-- create "accounts" table
CREATE TABLE `accounts` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `id_number` text NOT NULL, `id_kind` text NOT NULL DEFAULT ('CCCD'), `cmnd_number` text NULL, `tax_code` text NULL, `full_name` text NOT NULL, `name_folded` text NOT NULL, `date_of_birth` datetime NOT NULL, `phone` text NOT NULL, `email` text NULL, `status` text NOT NULL DEFAULT ('ACTIVE'), `origin` text NOT NULL, `password_hash` text NULL, `must_change_password` bool NOT NULL DEFAULT (false), `initial_password_expires_at` datetime NULL, `initial_password_used_at` datetime NULL, `created_at_unit_id` text NULL, `created_by_officer_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `accounts_units_created_at_unit` FOREIGN KEY (`created_at_unit_id`) REFERENCES `units` (`id`) ON DELETE SET NULL, CONSTRAINT `accounts_officers_created_accounts` FOREIGN KEY (`created_by_officer_id`) REFERENCES `officers` (`id`) ON DELETE SET NULL);
-- create index "accounts_id_number_key" to table: "accounts"
CREATE UNIQUE INDEX `accounts_id_number_key` ON `accounts` (`id_number`);
-- create index "account_phone" to table: "accounts"
CREATE INDEX `account_phone` ON `accounts` (`phone`);
-- create index "account_cmnd_number" to table: "accounts"
CREATE INDEX `account_cmnd_number` ON `accounts` (`cmnd_number`);
-- create index "account_tax_code" to table: "accounts"
CREATE INDEX `account_tax_code` ON `accounts` (`tax_code`);
-- create index "account_name_folded" to table: "accounts"
CREATE INDEX `account_name_folded` ON `accounts` (`name_folded`);
-- create index "account_status" to table: "accounts"
CREATE INDEX `account_status` ON `accounts` (`status`);
-- create index "account_created_by_officer_id_created_at" to table: "accounts"
CREATE INDEX `account_created_by_officer_id_created_at` ON `accounts` (`created_by_officer_id`, `created_at`);
-- create index "account_created_at_unit_id" to table: "accounts"
CREATE INDEX `account_created_at_unit_id` ON `accounts` (`created_at_unit_id`);
-- create "audit_events" table
CREATE TABLE `audit_events` (`id` text NOT NULL, `seq` integer NOT NULL, `at` datetime NOT NULL, `actor` text NOT NULL, `action` text NOT NULL, `target_type` text NOT NULL, `target_id` text NOT NULL, `detail` json NULL, `unit_path` text NULL, `client_ip` text NULL, `prev_hash` text NOT NULL, `hash` text NOT NULL, PRIMARY KEY (`id`));
-- create index "audit_events_seq_key" to table: "audit_events"
CREATE UNIQUE INDEX `audit_events_seq_key` ON `audit_events` (`seq`);
-- create index "auditevent_unit_path" to table: "audit_events"
CREATE INDEX `auditevent_unit_path` ON `audit_events` (`unit_path`);
-- create index "auditevent_target_id" to table: "audit_events"
CREATE INDEX `auditevent_target_id` ON `audit_events` (`target_id`);
-- create "budgets" table
CREATE TABLE `budgets` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `key` text NOT NULL, `used` integer NOT NULL DEFAULT (0), `window_start` datetime NOT NULL, PRIMARY KEY (`id`));
-- create index "budgets_key_key" to table: "budgets"
CREATE UNIQUE INDEX `budgets_key_key` ON `budgets` (`key`);
-- create "oidc_backchannel_deliveries" table
CREATE TABLE `oidc_backchannel_deliveries` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `account_id` text NOT NULL, `session_id` text NULL, `reason` text NOT NULL, `status` text NOT NULL DEFAULT ('PENDING'), `attempts` integer NOT NULL DEFAULT (0), `last_http_status` integer NULL, `last_error` text NULL, `delivered_at` datetime NULL, `unit_path` text NOT NULL, `client_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `oidc_backchannel_deliveries_oidc_clients_backchannel_deliveries` FOREIGN KEY (`client_id`) REFERENCES `oidc_clients` (`id`) ON DELETE NO ACTION);
-- create index "oidcbackchanneldelivery_client_id_created_at" to table: "oidc_backchannel_deliveries"
CREATE INDEX `oidcbackchanneldelivery_client_id_created_at` ON `oidc_backchannel_deliveries` (`client_id`, `created_at`);
-- create index "oidcbackchanneldelivery_unit_path" to table: "oidc_backchannel_deliveries"
CREATE INDEX `oidcbackchanneldelivery_unit_path` ON `oidc_backchannel_deliveries` (`unit_path`);
-- create "oidc_clients" table
CREATE TABLE `oidc_clients` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `name_folded` text NOT NULL, `unit_path` text NOT NULL, `redirect_uris` json NOT NULL, `post_logout_redirect_uris` json NULL, `backchannel_logout_uri` text NULL, `scopes` json NOT NULL, `public` bool NOT NULL DEFAULT (false), `disabled` bool NOT NULL DEFAULT (false), `secret_hash` text NULL, `previous_secret_hash` text NULL, `previous_secret_expires_at` datetime NULL, `dev_demo` bool NOT NULL DEFAULT (false), `unit_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `oidc_clients_units_unit` FOREIGN KEY (`unit_id`) REFERENCES `units` (`id`) ON DELETE NO ACTION);
-- create index "oidcclient_unit_path" to table: "oidc_clients"
CREATE INDEX `oidcclient_unit_path` ON `oidc_clients` (`unit_path`);
-- create index "oidcclient_name_folded" to table: "oidc_clients"
CREATE INDEX `oidcclient_name_folded` ON `oidc_clients` (`name_folded`);
-- create "oidc_grants" table
CREATE TABLE `oidc_grants` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `account_id` text NOT NULL, `client_id` text NOT NULL, `scopes` json NOT NULL, `granted_at` datetime NOT NULL, `last_used_at` datetime NULL, `revoked_at` datetime NULL, PRIMARY KEY (`id`));
-- create index "oidcgrant_account_id_client_id" to table: "oidc_grants"
CREATE UNIQUE INDEX `oidcgrant_account_id_client_id` ON `oidc_grants` (`account_id`, `client_id`);
-- create index "oidcgrant_client_id" to table: "oidc_grants"
CREATE INDEX `oidcgrant_client_id` ON `oidc_grants` (`client_id`);
-- create "oidc_requests" table
CREATE TABLE `oidc_requests` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `client_id` text NOT NULL, `redirect_uri` text NOT NULL, `scopes` json NOT NULL, `state` text NULL, `nonce` text NULL, `response_mode` text NULL, `code_challenge` text NOT NULL, `prompt` json NULL, `max_age` integer NULL, `ui_locales` json NULL, `login_hint` text NULL, `hint_subject` text NULL, `expires_at` datetime NOT NULL, `account_id` text NULL, `session_id` text NULL, `auth_time` datetime NULL, `amr` json NULL, `acr` text NULL, `done_at` datetime NULL, `denied_at` datetime NULL, `code_hash` text NULL, `code_issued_at` datetime NULL, `code_used_at` datetime NULL, PRIMARY KEY (`id`));
-- create index "oidc_requests_code_hash_key" to table: "oidc_requests"
CREATE UNIQUE INDEX `oidc_requests_code_hash_key` ON `oidc_requests` (`code_hash`);
-- create index "oidcrequest_expires_at" to table: "oidc_requests"
CREATE INDEX `oidcrequest_expires_at` ON `oidc_requests` (`expires_at`);
-- create "oidc_signing_keys" table
CREATE TABLE `oidc_signing_keys` (`id` text NOT NULL, `algorithm` text NOT NULL DEFAULT ('RS256'), `public_der` blob NOT NULL, `private_sealed` blob NOT NULL, `created_at` datetime NOT NULL, `retired_at` datetime NULL, `published_until` datetime NULL, PRIMARY KEY (`id`));
-- create "oidc_tokens" table
CREATE TABLE `oidc_tokens` (`id` text NOT NULL, `kind` text NOT NULL, `token_hash` text NULL, `family_id` text NOT NULL, `account_id` text NOT NULL, `client_id` text NOT NULL, `scopes` json NOT NULL, `auth_time` datetime NOT NULL, `amr` json NULL, `acr` text NULL, `session_id` text NULL, `created_at` datetime NOT NULL, `expires_at` datetime NOT NULL, `rotated_at` datetime NULL, `revoked_at` datetime NULL, PRIMARY KEY (`id`));
-- create index "oidc_tokens_token_hash_key" to table: "oidc_tokens"
CREATE UNIQUE INDEX `oidc_tokens_token_hash_key` ON `oidc_tokens` (`token_hash`);
-- create index "oidctoken_family_id" to table: "oidc_tokens"
CREATE INDEX `oidctoken_family_id` ON `oidc_tokens` (`family_id`);
-- create index "oidctoken_account_id_client_id" to table: "oidc_tokens"
CREATE INDEX `oidctoken_account_id_client_id` ON `oidc_tokens` (`account_id`, `client_id`);
-- create index "oidctoken_expires_at" to table: "oidc_tokens"
CREATE INDEX `oidctoken_expires_at` ON `oidc_tokens` (`expires_at`);
-- create "otp_challenges" table
CREATE TABLE `otp_challenges` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `purpose` text NOT NULL, `subject_id` text NOT NULL, `phone` text NOT NULL, `code_hash` text NOT NULL, `expires_at` datetime NOT NULL, `attempts` integer NOT NULL DEFAULT (0), `superseded` bool NOT NULL DEFAULT (false), `consumed_at` datetime NULL, `registration_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `otp_challenges_registrations_otp_challenges` FOREIGN KEY (`registration_id`) REFERENCES `registrations` (`id`) ON DELETE SET NULL);
-- create index "otpchallenge_subject_id_created_at" to table: "otp_challenges"
CREATE INDEX `otpchallenge_subject_id_created_at` ON `otp_challenges` (`subject_id`, `created_at`);
-- create index "otpchallenge_phone_created_at" to table: "otp_challenges"
CREATE INDEX `otpchallenge_phone_created_at` ON `otp_challenges` (`phone`, `created_at`);
-- create "officers" table
CREATE TABLE `officers` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `can_create_citizen_accounts` bool NOT NULL DEFAULT (false), `super_admin` bool NOT NULL DEFAULT (false), `unit_path` text NULL, `account_id` text NOT NULL, `unit_id` text NULL, `admin_unit_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `officers_accounts_officer` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE NO ACTION, CONSTRAINT `officers_units_unit` FOREIGN KEY (`unit_id`) REFERENCES `units` (`id`) ON DELETE SET NULL, CONSTRAINT `officers_units_admin_unit` FOREIGN KEY (`admin_unit_id`) REFERENCES `units` (`id`) ON DELETE SET NULL);
-- create index "officers_account_id_key" to table: "officers"
CREATE UNIQUE INDEX `officers_account_id_key` ON `officers` (`account_id`);
-- create index "officer_unit_path" to table: "officers"
CREATE INDEX `officer_unit_path` ON `officers` (`unit_path`);
-- create "registrations" table
CREATE TABLE `registrations` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `code` text NOT NULL, `state` text NOT NULL DEFAULT ('DRAFT'), `id_number` text NOT NULL, `open_id_number` text NULL, `full_name` text NOT NULL, `date_of_birth` datetime NOT NULL, `phone` text NOT NULL, `email` text NULL, `unit_path` text NOT NULL, `otp_sent_at` datetime NULL, `otp_expires_at` datetime NULL, `resend_available_at` datetime NULL, `expires_at` datetime NOT NULL, `completed_at` datetime NULL, `officer_id` text NOT NULL, `unit_id` text NOT NULL, `account_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `registrations_officers_officer` FOREIGN KEY (`officer_id`) REFERENCES `officers` (`id`) ON DELETE NO ACTION, CONSTRAINT `registrations_units_unit` FOREIGN KEY (`unit_id`) REFERENCES `units` (`id`) ON DELETE NO ACTION, CONSTRAINT `registrations_accounts_account` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE SET NULL);
-- create index "registrations_code_key" to table: "registrations"
CREATE UNIQUE INDEX `registrations_code_key` ON `registrations` (`code`);
-- create index "registrations_open_id_number_key" to table: "registrations"
CREATE UNIQUE INDEX `registrations_open_id_number_key` ON `registrations` (`open_id_number`);
-- create index "registration_officer_id_created_at" to table: "registrations"
CREATE INDEX `registration_officer_id_created_at` ON `registrations` (`officer_id`, `created_at`);
-- create index "registration_state_expires_at" to table: "registrations"
CREATE INDEX `registration_state_expires_at` ON `registrations` (`state`, `expires_at`);
-- create index "registration_unit_path" to table: "registrations"
CREATE INDEX `registration_unit_path` ON `registrations` (`unit_path`);
-- create "sms_messages" table
CREATE TABLE `sms_messages` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `kind` text NOT NULL, `phone` text NOT NULL, `status` text NOT NULL DEFAULT ('QUEUED'), `provider` text NULL, `provider_message_id` text NULL, `attempts` integer NOT NULL DEFAULT (0), `last_error` text NULL, `body_sealed` blob NULL, `send_before` datetime NULL, `sent_at` datetime NULL, `final_at` datetime NULL, `account_id` text NULL, `officer_id` text NULL, `unit_path` text NULL, `registration_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `sms_messages_registrations_sms` FOREIGN KEY (`registration_id`) REFERENCES `registrations` (`id`) ON DELETE SET NULL);
-- create index "smsmessage_status" to table: "sms_messages"
CREATE INDEX `smsmessage_status` ON `sms_messages` (`status`);
-- create index "smsmessage_unit_path_created_at" to table: "sms_messages"
CREATE INDEX `smsmessage_unit_path_created_at` ON `sms_messages` (`unit_path`, `created_at`);
-- create index "smsmessage_provider_message_id" to table: "sms_messages"
CREATE INDEX `smsmessage_provider_message_id` ON `sms_messages` (`provider_message_id`);
-- create "scans" table
CREATE TABLE `scans` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `kind` text NOT NULL, `size` integer NOT NULL, `sha256` text NOT NULL, `storage_key` text NOT NULL, `deleted_at` datetime NULL, `registration_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `scans_registrations_scan` FOREIGN KEY (`registration_id`) REFERENCES `registrations` (`id`) ON DELETE SET NULL);
-- create index "scans_registration_id_key" to table: "scans"
CREATE UNIQUE INDEX `scans_registration_id_key` ON `scans` (`registration_id`);
-- create "sessions" table
CREATE TABLE `sessions` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `token_hash` text NOT NULL, `last_seen_at` datetime NOT NULL, `expires_at` datetime NOT NULL, `idle_timeout_seconds` integer NOT NULL DEFAULT (0), `revoked_at` datetime NULL, `password_change_only` bool NOT NULL DEFAULT (false), `client_ip` text NULL, `user_agent` text NULL, `account_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `sessions_accounts_sessions` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE NO ACTION);
-- create index "sessions_token_hash_key" to table: "sessions"
CREATE UNIQUE INDEX `sessions_token_hash_key` ON `sessions` (`token_hash`);
-- create index "session_account_id_revoked_at" to table: "sessions"
CREATE INDEX `session_account_id_revoked_at` ON `sessions` (`account_id`, `revoked_at`);
-- create "sign_in_throttles" table
CREATE TABLE `sign_in_throttles` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `key` text NOT NULL, `failures` integer NOT NULL DEFAULT (0), `window_start` datetime NOT NULL, `locked_until` datetime NULL, PRIMARY KEY (`id`));
-- create index "sign_in_throttles_key_key" to table: "sign_in_throttles"
CREATE UNIQUE INDEX `sign_in_throttles_key_key` ON `sign_in_throttles` (`key`);
-- create "units" table
CREATE TABLE `units` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `code` text NOT NULL, `name` text NOT NULL, `name_folded` text NOT NULL, `kind` text NOT NULL, `path` text NOT NULL, `is_service_desk` bool NOT NULL DEFAULT (false), `parent_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `units_units_children` FOREIGN KEY (`parent_id`) REFERENCES `units` (`id`) ON DELETE SET NULL);
-- create index "units_code_key" to table: "units"
CREATE UNIQUE INDEX `units_code_key` ON `units` (`code`);
-- create index "unit_path" to table: "units"
CREATE INDEX `unit_path` ON `units` (`path`);
-- create index "unit_name_folded" to table: "units"
CREATE INDEX `unit_name_folded` ON `units` (`name_folded`);
-- create index "unit_is_service_desk" to table: "units"
CREATE INDEX `unit_is_service_desk` ON `units` (`is_service_desk`);
