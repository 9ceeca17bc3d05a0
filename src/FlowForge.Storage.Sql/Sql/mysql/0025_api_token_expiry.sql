-- Serves purging expired API tokens (DeleteExpiredApiTokens) without reading the whole table.
CREATE INDEX IX_ApiTokens_ExpiresAt ON ApiTokens (ExpiresAt);
