-- create index "otpchallenge_updated_at" to table: "otp_challenges"
CREATE INDEX CONCURRENTLY "otpchallenge_updated_at" ON "otp_challenges" ("updated_at");
