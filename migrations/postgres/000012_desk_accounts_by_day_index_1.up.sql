-- create index "account_desk_created_at" to table: "accounts"
CREATE INDEX CONCURRENTLY "account_desk_created_at" ON "accounts" ("created_at") WHERE created_at_unit_id IS NOT NULL;
