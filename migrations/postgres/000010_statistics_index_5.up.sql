-- create index "smsmessage_updated_at" to table: "sms_messages"
CREATE INDEX CONCURRENTLY "smsmessage_updated_at" ON "sms_messages" ("updated_at");
