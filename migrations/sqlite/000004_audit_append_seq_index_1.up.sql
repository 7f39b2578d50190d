-- On PostgreSQL version 4 builds the unique index of audit_events.append_seq
-- concurrently; SQLite built it in version 3. The version exists on both
-- databases so that one number names the schema.
SELECT 1;
