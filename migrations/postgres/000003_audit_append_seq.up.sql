-- modify "audit_events" table
ALTER TABLE "audit_events" ALTER COLUMN "seq" DROP NOT NULL, ALTER COLUMN "prev_hash" DROP NOT NULL, ALTER COLUMN "hash" DROP NOT NULL, ADD COLUMN "append_seq" bigint NULL;
-- audit events take their append order from this sequence, so that writers never
-- wait on one another (internal/platform/audit)
CREATE SEQUENCE IF NOT EXISTS audit_events_append_seq;
