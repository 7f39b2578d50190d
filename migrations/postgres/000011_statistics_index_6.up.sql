-- create index "smsmessage_created_at" to table: "sms_messages"
CREATE INDEX CONCURRENTLY "smsmessage_created_at" ON "sms_messages" ("created_at");
