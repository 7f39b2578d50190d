-- create index "registration_updated_at" to table: "registrations"
CREATE INDEX CONCURRENTLY "registration_updated_at" ON "registrations" ("updated_at");
