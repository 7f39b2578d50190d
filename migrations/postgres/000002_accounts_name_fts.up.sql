-- Version 2 adds SQLite's FTS5 index of the accounts' folded names. PostgreSQL
-- has served the same searches with its trigram index since version 1; the
-- version exists on both databases so that one number names the schema.
SELECT 1;
