-- Version 1: the schema of the last release without versioned migrations
-- (Ent's tables, written by `make migration`) and, by hand, what PostgreSQL
-- needs beyond them: the trigram and unaccent extensions, an IMMUTABLE
-- unaccent usable in indexes, and the trigram/prefix indexes over the folded
-- search columns (folded in Go by vn.Fold, so both databases fold alike).
-- add the extensions the search indexes and motcua_unaccent use
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
-- create function "motcua_unaccent"
CREATE OR REPLACE FUNCTION motcua_unaccent(text) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
	AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
-- create "accounts" table
CREATE TABLE "accounts" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "id_number" character varying NOT NULL, "id_kind" character varying NOT NULL DEFAULT 'CCCD', "cmnd_number" character varying NULL, "tax_code" character varying NULL, "full_name" character varying NOT NULL, "name_folded" character varying NOT NULL, "date_of_birth" date NOT NULL, "phone" character varying NOT NULL, "email" character varying NULL, "status" character varying NOT NULL DEFAULT 'ACTIVE', "origin" character varying NOT NULL, "password_hash" character varying NULL, "must_change_password" boolean NOT NULL DEFAULT false, "initial_password_expires_at" timestamptz NULL, "initial_password_used_at" timestamptz NULL, "created_at_unit_id" character varying NULL, "created_by_officer_id" character varying NULL, PRIMARY KEY ("id"));
-- create index "accounts_id_number_key" to table: "accounts"
CREATE UNIQUE INDEX "accounts_id_number_key" ON "accounts" ("id_number");
-- create index "account_phone" to table: "accounts"
CREATE INDEX "account_phone" ON "accounts" ("phone");
-- create index "account_cmnd_number" to table: "accounts"
CREATE INDEX "account_cmnd_number" ON "accounts" ("cmnd_number");
-- create index "account_tax_code" to table: "accounts"
CREATE INDEX "account_tax_code" ON "accounts" ("tax_code");
-- create index "account_name_folded" to table: "accounts"
CREATE INDEX "account_name_folded" ON "accounts" ("name_folded");
-- create index "account_status" to table: "accounts"
CREATE INDEX "account_status" ON "accounts" ("status");
-- create index "account_created_by_officer_id_created_at" to table: "accounts"
CREATE INDEX "account_created_by_officer_id_created_at" ON "accounts" ("created_by_officer_id", "created_at");
-- create index "account_created_at_unit_id" to table: "accounts"
CREATE INDEX "account_created_at_unit_id" ON "accounts" ("created_at_unit_id");
-- create "audit_events" table
CREATE TABLE "audit_events" ("id" character varying NOT NULL, "seq" bigint NOT NULL, "at" timestamptz NOT NULL, "actor" character varying NOT NULL, "action" character varying NOT NULL, "target_type" character varying NOT NULL, "target_id" character varying NOT NULL, "detail" jsonb NULL, "unit_path" character varying NULL, "client_ip" character varying NULL, "prev_hash" character varying NOT NULL, "hash" character varying NOT NULL, PRIMARY KEY ("id"));
-- create index "audit_events_seq_key" to table: "audit_events"
CREATE UNIQUE INDEX "audit_events_seq_key" ON "audit_events" ("seq");
-- create index "auditevent_unit_path" to table: "audit_events"
CREATE INDEX "auditevent_unit_path" ON "audit_events" ("unit_path");
-- create index "auditevent_target_id" to table: "audit_events"
CREATE INDEX "auditevent_target_id" ON "audit_events" ("target_id");
-- create "budgets" table
CREATE TABLE "budgets" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "key" character varying NOT NULL, "used" bigint NOT NULL DEFAULT 0, "window_start" timestamptz NOT NULL, PRIMARY KEY ("id"));
-- create index "budgets_key_key" to table: "budgets"
CREATE UNIQUE INDEX "budgets_key_key" ON "budgets" ("key");
-- create "oidc_backchannel_deliveries" table
CREATE TABLE "oidc_backchannel_deliveries" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "account_id" character varying NOT NULL, "session_id" character varying NULL, "reason" character varying NOT NULL, "status" character varying NOT NULL DEFAULT 'PENDING', "attempts" bigint NOT NULL DEFAULT 0, "last_http_status" bigint NULL, "last_error" character varying NULL, "delivered_at" timestamptz NULL, "unit_path" character varying NOT NULL, "client_id" character varying NOT NULL, PRIMARY KEY ("id"));
-- create index "oidcbackchanneldelivery_client_id_created_at" to table: "oidc_backchannel_deliveries"
CREATE INDEX "oidcbackchanneldelivery_client_id_created_at" ON "oidc_backchannel_deliveries" ("client_id", "created_at");
-- create index "oidcbackchanneldelivery_unit_path" to table: "oidc_backchannel_deliveries"
CREATE INDEX "oidcbackchanneldelivery_unit_path" ON "oidc_backchannel_deliveries" ("unit_path");
-- create "oidc_clients" table
CREATE TABLE "oidc_clients" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "name" character varying NOT NULL, "name_folded" character varying NOT NULL, "unit_path" character varying NOT NULL, "redirect_uris" jsonb NOT NULL, "post_logout_redirect_uris" jsonb NULL, "backchannel_logout_uri" character varying NULL, "scopes" jsonb NOT NULL, "public" boolean NOT NULL DEFAULT false, "disabled" boolean NOT NULL DEFAULT false, "secret_hash" character varying NULL, "previous_secret_hash" character varying NULL, "previous_secret_expires_at" timestamptz NULL, "dev_demo" boolean NOT NULL DEFAULT false, "unit_id" character varying NOT NULL, PRIMARY KEY ("id"));
-- create index "oidcclient_unit_path" to table: "oidc_clients"
CREATE INDEX "oidcclient_unit_path" ON "oidc_clients" ("unit_path");
-- create index "oidcclient_name_folded" to table: "oidc_clients"
CREATE INDEX "oidcclient_name_folded" ON "oidc_clients" ("name_folded");
-- create "oidc_grants" table
CREATE TABLE "oidc_grants" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "account_id" character varying NOT NULL, "client_id" character varying NOT NULL, "scopes" jsonb NOT NULL, "granted_at" timestamptz NOT NULL, "last_used_at" timestamptz NULL, "revoked_at" timestamptz NULL, PRIMARY KEY ("id"));
-- create index "oidcgrant_account_id_client_id" to table: "oidc_grants"
CREATE UNIQUE INDEX "oidcgrant_account_id_client_id" ON "oidc_grants" ("account_id", "client_id");
-- create index "oidcgrant_client_id" to table: "oidc_grants"
CREATE INDEX "oidcgrant_client_id" ON "oidc_grants" ("client_id");
-- create "oidc_requests" table
CREATE TABLE "oidc_requests" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "client_id" character varying NOT NULL, "redirect_uri" character varying NOT NULL, "scopes" jsonb NOT NULL, "state" character varying NULL, "nonce" character varying NULL, "response_mode" character varying NULL, "code_challenge" character varying NOT NULL, "prompt" jsonb NULL, "max_age" bigint NULL, "ui_locales" jsonb NULL, "login_hint" character varying NULL, "hint_subject" character varying NULL, "expires_at" timestamptz NOT NULL, "account_id" character varying NULL, "session_id" character varying NULL, "auth_time" timestamptz NULL, "amr" jsonb NULL, "acr" character varying NULL, "done_at" timestamptz NULL, "denied_at" timestamptz NULL, "code_hash" character varying NULL, "code_issued_at" timestamptz NULL, "code_used_at" timestamptz NULL, PRIMARY KEY ("id"));
-- create index "oidc_requests_code_hash_key" to table: "oidc_requests"
CREATE UNIQUE INDEX "oidc_requests_code_hash_key" ON "oidc_requests" ("code_hash");
-- create index "oidcrequest_expires_at" to table: "oidc_requests"
CREATE INDEX "oidcrequest_expires_at" ON "oidc_requests" ("expires_at");
-- create "oidc_signing_keys" table
CREATE TABLE "oidc_signing_keys" ("id" character varying NOT NULL, "algorithm" character varying NOT NULL DEFAULT 'RS256', "public_der" bytea NOT NULL, "private_sealed" bytea NOT NULL, "created_at" timestamptz NOT NULL, "retired_at" timestamptz NULL, "published_until" timestamptz NULL, PRIMARY KEY ("id"));
-- create "oidc_tokens" table
CREATE TABLE "oidc_tokens" ("id" character varying NOT NULL, "kind" character varying NOT NULL, "token_hash" character varying NULL, "family_id" character varying NOT NULL, "account_id" character varying NOT NULL, "client_id" character varying NOT NULL, "scopes" jsonb NOT NULL, "auth_time" timestamptz NOT NULL, "amr" jsonb NULL, "acr" character varying NULL, "session_id" character varying NULL, "created_at" timestamptz NOT NULL, "expires_at" timestamptz NOT NULL, "rotated_at" timestamptz NULL, "revoked_at" timestamptz NULL, PRIMARY KEY ("id"));
-- create index "oidc_tokens_token_hash_key" to table: "oidc_tokens"
CREATE UNIQUE INDEX "oidc_tokens_token_hash_key" ON "oidc_tokens" ("token_hash");
-- create index "oidctoken_family_id" to table: "oidc_tokens"
CREATE INDEX "oidctoken_family_id" ON "oidc_tokens" ("family_id");
-- create index "oidctoken_account_id_client_id" to table: "oidc_tokens"
CREATE INDEX "oidctoken_account_id_client_id" ON "oidc_tokens" ("account_id", "client_id");
-- create index "oidctoken_expires_at" to table: "oidc_tokens"
CREATE INDEX "oidctoken_expires_at" ON "oidc_tokens" ("expires_at");
-- create "otp_challenges" table
CREATE TABLE "otp_challenges" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "purpose" character varying NOT NULL, "subject_id" character varying NOT NULL, "phone" character varying NOT NULL, "code_hash" character varying NOT NULL, "expires_at" timestamptz NOT NULL, "attempts" bigint NOT NULL DEFAULT 0, "superseded" boolean NOT NULL DEFAULT false, "consumed_at" timestamptz NULL, "registration_id" character varying NULL, PRIMARY KEY ("id"));
-- create index "otpchallenge_subject_id_created_at" to table: "otp_challenges"
CREATE INDEX "otpchallenge_subject_id_created_at" ON "otp_challenges" ("subject_id", "created_at");
-- create index "otpchallenge_phone_created_at" to table: "otp_challenges"
CREATE INDEX "otpchallenge_phone_created_at" ON "otp_challenges" ("phone", "created_at");
-- create "officers" table
CREATE TABLE "officers" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "can_create_citizen_accounts" boolean NOT NULL DEFAULT false, "super_admin" boolean NOT NULL DEFAULT false, "unit_path" character varying NULL, "account_id" character varying NOT NULL, "unit_id" character varying NULL, "admin_unit_id" character varying NULL, PRIMARY KEY ("id"));
-- create index "officers_account_id_key" to table: "officers"
CREATE UNIQUE INDEX "officers_account_id_key" ON "officers" ("account_id");
-- create index "officer_unit_path" to table: "officers"
CREATE INDEX "officer_unit_path" ON "officers" ("unit_path");
-- create "registrations" table
CREATE TABLE "registrations" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "code" character varying NOT NULL, "state" character varying NOT NULL DEFAULT 'DRAFT', "id_number" character varying NOT NULL, "open_id_number" character varying NULL, "full_name" character varying NOT NULL, "date_of_birth" date NOT NULL, "phone" character varying NOT NULL, "email" character varying NULL, "unit_path" character varying NOT NULL, "otp_sent_at" timestamptz NULL, "otp_expires_at" timestamptz NULL, "resend_available_at" timestamptz NULL, "expires_at" timestamptz NOT NULL, "completed_at" timestamptz NULL, "officer_id" character varying NOT NULL, "unit_id" character varying NOT NULL, "account_id" character varying NULL, PRIMARY KEY ("id"));
-- create index "registrations_code_key" to table: "registrations"
CREATE UNIQUE INDEX "registrations_code_key" ON "registrations" ("code");
-- create index "registrations_open_id_number_key" to table: "registrations"
CREATE UNIQUE INDEX "registrations_open_id_number_key" ON "registrations" ("open_id_number");
-- create index "registration_officer_id_created_at" to table: "registrations"
CREATE INDEX "registration_officer_id_created_at" ON "registrations" ("officer_id", "created_at");
-- create index "registration_state_expires_at" to table: "registrations"
CREATE INDEX "registration_state_expires_at" ON "registrations" ("state", "expires_at");
-- create index "registration_unit_path" to table: "registrations"
CREATE INDEX "registration_unit_path" ON "registrations" ("unit_path");
-- create "sms_messages" table
CREATE TABLE "sms_messages" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "kind" character varying NOT NULL, "phone" character varying NOT NULL, "status" character varying NOT NULL DEFAULT 'QUEUED', "provider" character varying NULL, "provider_message_id" character varying NULL, "attempts" bigint NOT NULL DEFAULT 0, "last_error" character varying NULL, "body_sealed" bytea NULL, "send_before" timestamptz NULL, "sent_at" timestamptz NULL, "final_at" timestamptz NULL, "account_id" character varying NULL, "officer_id" character varying NULL, "unit_path" character varying NULL, "registration_id" character varying NULL, PRIMARY KEY ("id"));
-- create index "smsmessage_status" to table: "sms_messages"
CREATE INDEX "smsmessage_status" ON "sms_messages" ("status");
-- create index "smsmessage_unit_path_created_at" to table: "sms_messages"
CREATE INDEX "smsmessage_unit_path_created_at" ON "sms_messages" ("unit_path", "created_at");
-- create index "smsmessage_provider_message_id" to table: "sms_messages"
CREATE INDEX "smsmessage_provider_message_id" ON "sms_messages" ("provider_message_id");
-- create "scans" table
CREATE TABLE "scans" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "kind" character varying NOT NULL, "size" bigint NOT NULL, "sha256" character varying NOT NULL, "storage_key" character varying NOT NULL, "deleted_at" timestamptz NULL, "registration_id" character varying NULL, PRIMARY KEY ("id"));
-- create index "scans_registration_id_key" to table: "scans"
CREATE UNIQUE INDEX "scans_registration_id_key" ON "scans" ("registration_id");
-- create "sessions" table
CREATE TABLE "sessions" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "token_hash" character varying NOT NULL, "last_seen_at" timestamptz NOT NULL, "expires_at" timestamptz NOT NULL, "idle_timeout_seconds" bigint NOT NULL DEFAULT 0, "revoked_at" timestamptz NULL, "password_change_only" boolean NOT NULL DEFAULT false, "client_ip" character varying NULL, "user_agent" character varying NULL, "account_id" character varying NOT NULL, PRIMARY KEY ("id"));
-- create index "sessions_token_hash_key" to table: "sessions"
CREATE UNIQUE INDEX "sessions_token_hash_key" ON "sessions" ("token_hash");
-- create index "session_account_id_revoked_at" to table: "sessions"
CREATE INDEX "session_account_id_revoked_at" ON "sessions" ("account_id", "revoked_at");
-- create "sign_in_throttles" table
CREATE TABLE "sign_in_throttles" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "key" character varying NOT NULL, "failures" bigint NOT NULL DEFAULT 0, "window_start" timestamptz NOT NULL, "locked_until" timestamptz NULL, PRIMARY KEY ("id"));
-- create index "sign_in_throttles_key_key" to table: "sign_in_throttles"
CREATE UNIQUE INDEX "sign_in_throttles_key_key" ON "sign_in_throttles" ("key");
-- create "units" table
CREATE TABLE "units" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "code" character varying NOT NULL, "name" character varying NOT NULL, "name_folded" character varying NOT NULL, "kind" character varying NOT NULL, "path" character varying NOT NULL, "is_service_desk" boolean NOT NULL DEFAULT false, "parent_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "units_units_children" FOREIGN KEY ("parent_id") REFERENCES "units" ("id") ON DELETE SET NULL);
-- create index "units_code_key" to table: "units"
CREATE UNIQUE INDEX "units_code_key" ON "units" ("code");
-- create index "unit_path" to table: "units"
CREATE INDEX "unit_path" ON "units" ("path");
-- create index "unit_name_folded" to table: "units"
CREATE INDEX "unit_name_folded" ON "units" ("name_folded");
-- create index "unit_is_service_desk" to table: "units"
CREATE INDEX "unit_is_service_desk" ON "units" ("is_service_desk");
-- modify "accounts" table
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_units_created_at_unit" FOREIGN KEY ("created_at_unit_id") REFERENCES "units" ("id") ON DELETE SET NULL, ADD CONSTRAINT "accounts_officers_created_accounts" FOREIGN KEY ("created_by_officer_id") REFERENCES "officers" ("id") ON DELETE SET NULL;
-- modify "oidc_backchannel_deliveries" table
ALTER TABLE "oidc_backchannel_deliveries" ADD CONSTRAINT "oidc_backchannel_deliveries_oidc_clients_backchannel_deliveries" FOREIGN KEY ("client_id") REFERENCES "oidc_clients" ("id") ON DELETE NO ACTION;
-- modify "oidc_clients" table
ALTER TABLE "oidc_clients" ADD CONSTRAINT "oidc_clients_units_unit" FOREIGN KEY ("unit_id") REFERENCES "units" ("id") ON DELETE NO ACTION;
-- modify "otp_challenges" table
ALTER TABLE "otp_challenges" ADD CONSTRAINT "otp_challenges_registrations_otp_challenges" FOREIGN KEY ("registration_id") REFERENCES "registrations" ("id") ON DELETE SET NULL;
-- modify "officers" table
ALTER TABLE "officers" ADD CONSTRAINT "officers_accounts_officer" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE NO ACTION, ADD CONSTRAINT "officers_units_unit" FOREIGN KEY ("unit_id") REFERENCES "units" ("id") ON DELETE SET NULL, ADD CONSTRAINT "officers_units_admin_unit" FOREIGN KEY ("admin_unit_id") REFERENCES "units" ("id") ON DELETE SET NULL;
-- modify "registrations" table
ALTER TABLE "registrations" ADD CONSTRAINT "registrations_officers_officer" FOREIGN KEY ("officer_id") REFERENCES "officers" ("id") ON DELETE NO ACTION, ADD CONSTRAINT "registrations_units_unit" FOREIGN KEY ("unit_id") REFERENCES "units" ("id") ON DELETE NO ACTION, ADD CONSTRAINT "registrations_accounts_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE SET NULL;
-- modify "sms_messages" table
ALTER TABLE "sms_messages" ADD CONSTRAINT "sms_messages_registrations_sms" FOREIGN KEY ("registration_id") REFERENCES "registrations" ("id") ON DELETE SET NULL;
-- modify "scans" table
ALTER TABLE "scans" ADD CONSTRAINT "scans_registrations_scan" FOREIGN KEY ("registration_id") REFERENCES "registrations" ("id") ON DELETE SET NULL;
-- modify "sessions" table
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_accounts_sessions" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE NO ACTION;
-- create the search indexes (by hand: Ent declares no operator class)
CREATE INDEX IF NOT EXISTS accounts_name_folded_trgm ON accounts USING gin (name_folded gin_trgm_ops);
CREATE INDEX IF NOT EXISTS accounts_name_folded_prefix ON accounts (name_folded text_pattern_ops);
CREATE INDEX IF NOT EXISTS units_name_folded_trgm ON units USING gin (name_folded gin_trgm_ops);
CREATE INDEX IF NOT EXISTS units_code_prefix ON units (code text_pattern_ops);
CREATE INDEX IF NOT EXISTS officers_unit_path_prefix ON officers (unit_path text_pattern_ops);
