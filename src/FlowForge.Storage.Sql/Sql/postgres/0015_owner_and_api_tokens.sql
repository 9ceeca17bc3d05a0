-- The owner and named API tokens: see Sql/sqlite/0017_owner_and_api_tokens.sql.
ALTER TABLE Users ADD COLUMN IsOwner SMALLINT NULL;
CREATE UNIQUE INDEX UX_Users_IsOwner ON Users (IsOwner);
UPDATE Users SET IsOwner = 1 WHERE Id = (SELECT Id FROM Users ORDER BY CreatedAt, Id LIMIT 1);

CREATE TABLE ApiTokens (
    Id uuid NOT NULL PRIMARY KEY,
    UserId uuid NOT NULL,
    Name TEXT NOT NULL,
    SecretHash CHAR(64) NOT NULL,
    CreatedAt BIGINT NOT NULL,
    ExpiresAt BIGINT NULL,
    LastUsedAt BIGINT NULL
);
CREATE UNIQUE INDEX UX_ApiTokens_SecretHash ON ApiTokens (SecretHash);
CREATE INDEX IX_ApiTokens_UserId ON ApiTokens (UserId, CreatedAt);
