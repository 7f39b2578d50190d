-- On PostgreSQL version 10 builds an index of an existing table CONCURRENTLY, in a
-- file of its own; SQLite built it in version 5. The version exists on both
-- databases so that one number names the schema.
SELECT 1;
