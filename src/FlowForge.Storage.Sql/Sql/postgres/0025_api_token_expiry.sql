-- Serves purging expired API tokens (DeleteExpiredApiTokens) without reading the whole table; lets token lookups use their index.
CREATE INDEX IX_ApiTokens_ExpiresAt ON ApiTokens (ExpiresAt);
-- Token lookups bind the hash as text; against CHAR(64) PostgreSQL compares as text and cannot use the unique index.
ALTER TABLE ApiTokens ALTER COLUMN SecretHash TYPE TEXT;
