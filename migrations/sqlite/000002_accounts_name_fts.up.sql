-- An FTS5 index of the accounts' folded names with the trigram tokenizer (any
-- substring of three characters or more), as an external-content table over
-- accounts (it stores no copy of the names) keyed by the accounts' rowid.
-- Triggers keep it in step in the same transaction as every insert, delete and
-- name change; it is filled once here from the accounts that already exist.
-- The rowid of a table without an INTEGER PRIMARY KEY may change on VACUUM:
-- after a VACUUM, run INSERT INTO accounts_name_fts(accounts_name_fts) VALUES ('rebuild').
-- docs/SEARCH.md says how searches use it.
CREATE VIRTUAL TABLE accounts_name_fts USING fts5(name_folded, content='accounts', content_rowid='rowid', tokenize='trigram');
CREATE TRIGGER accounts_name_fts_insert AFTER INSERT ON accounts BEGIN
  INSERT INTO accounts_name_fts(rowid, name_folded) VALUES (new.rowid, new.name_folded);
END;
CREATE TRIGGER accounts_name_fts_delete AFTER DELETE ON accounts BEGIN
  INSERT INTO accounts_name_fts(accounts_name_fts, rowid, name_folded) VALUES ('delete', old.rowid, old.name_folded);
END;
CREATE TRIGGER accounts_name_fts_update AFTER UPDATE OF name_folded ON accounts BEGIN
  INSERT INTO accounts_name_fts(accounts_name_fts, rowid, name_folded) VALUES ('delete', old.rowid, old.name_folded);
  INSERT INTO accounts_name_fts(rowid, name_folded) VALUES (new.rowid, new.name_folded);
END;
INSERT INTO accounts_name_fts(accounts_name_fts) VALUES ('rebuild');
