-- create index "registration_created_at" to table: "registrations"
CREATE INDEX CONCURRENTLY "registration_created_at" ON "registrations" ("created_at");
