-- Version 13 adds SQLite's word index of the accounts' folded names and its
-- vocabulary. PostgreSQL serves the same searches with its trigram index; the
-- version exists on both databases so that one number names the schema.
SELECT 1;
