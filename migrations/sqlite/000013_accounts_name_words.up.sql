-- A second FTS5 index of the accounts' folded names, of whole words: the
-- 'ascii' tokenizer (a word is a run of characters other than ASCII spaces and
-- punctuation; ASCII letters compared without case, like LIKE), detail=none
-- (rowids only: a word's list is a tenth of its trigrams'), external content
-- over accounts keyed by the rowid like accounts_name_fts (version 2). Beside it,
-- accounts_name_vocab: every space-separated word a folded name has had. A
-- search word is a substring of a name exactly when it is a substring of one of
-- the name's words, so a search looks up the words holding it in the
-- vocabulary and asks the index for names having one of them: the exact
-- matches, found without reading the accounts (docs/SEARCH.md). The vocabulary
-- only grows (a word no name has any more costs an empty lookup).
-- Triggers keep both in step in the same transaction as every insert, delete and
-- name change. After a VACUUM, rebuild like accounts_name_fts:
-- INSERT INTO accounts_name_words(accounts_name_words) VALUES ('rebuild').
-- Also a b-tree of the folded name and the id: tier 0 of a search (the name
-- equal to the search), newest first, is a range of it instead of a sort of
-- every account of that name (2,539 "nguyen van anh" in a million). Ent's
-- account_name_folded is its prefix, kept because ent/schema declares it.
CREATE INDEX accounts_name_folded_id ON accounts (name_folded, id);
CREATE VIRTUAL TABLE accounts_name_words USING fts5(name_folded, content='accounts', content_rowid='rowid', tokenize='ascii', detail='none', columnsize=0);
CREATE TABLE accounts_name_vocab (word text NOT NULL PRIMARY KEY) WITHOUT ROWID;
CREATE TRIGGER accounts_name_words_insert AFTER INSERT ON accounts BEGIN
  INSERT INTO accounts_name_words(rowid, name_folded) VALUES (new.rowid, new.name_folded);
  INSERT OR IGNORE INTO accounts_name_vocab(word) SELECT value FROM json_each('[' || replace(json_quote(new.name_folded), ' ', '","') || ']');
END;
CREATE TRIGGER accounts_name_words_delete AFTER DELETE ON accounts BEGIN
  INSERT INTO accounts_name_words(accounts_name_words, rowid, name_folded) VALUES ('delete', old.rowid, old.name_folded);
END;
CREATE TRIGGER accounts_name_words_update AFTER UPDATE OF name_folded ON accounts BEGIN
  INSERT INTO accounts_name_words(accounts_name_words, rowid, name_folded) VALUES ('delete', old.rowid, old.name_folded);
  INSERT INTO accounts_name_words(rowid, name_folded) VALUES (new.rowid, new.name_folded);
  INSERT OR IGNORE INTO accounts_name_vocab(word) SELECT value FROM json_each('[' || replace(json_quote(new.name_folded), ' ', '","') || ']');
END;
INSERT INTO accounts_name_words(accounts_name_words) VALUES ('rebuild');
INSERT INTO accounts_name_words(accounts_name_words) VALUES ('optimize');
INSERT OR IGNORE INTO accounts_name_vocab(word)
  SELECT j.value FROM accounts, json_each('[' || replace(json_quote(accounts.name_folded), ' ', '","') || ']') AS j;
