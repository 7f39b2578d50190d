-- create index "registration_completed_at" to table: "registrations"
CREATE INDEX CONCURRENTLY "registration_completed_at" ON "registrations" ("completed_at");
