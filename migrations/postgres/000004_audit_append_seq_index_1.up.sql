-- create index "audit_events_append_seq_key" to table: "audit_events"
CREATE UNIQUE INDEX CONCURRENTLY "audit_events_append_seq_key" ON "audit_events" ("append_seq");
