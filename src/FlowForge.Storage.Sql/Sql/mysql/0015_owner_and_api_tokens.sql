-- The owner and named API tokens: see Sql/sqlite/0017_owner_and_api_tokens.sql. MySQL cannot read the table an
-- UPDATE writes, so the oldest account is picked through a derived table.
ALTER TABLE Users ADD COLUMN IsOwner TINYINT NULL, ADD UNIQUE KEY UX_Users_IsOwner (IsOwner);
UPDATE Users SET IsOwner = 1
WHERE Id = (SELECT Id FROM (SELECT Id FROM Users ORDER BY CreatedAt, Id LIMIT 1) AS oldest);

CREATE TABLE IF NOT EXISTS ApiTokens (
    Id BINARY(16) NOT NULL PRIMARY KEY,
    UserId BINARY(16) NOT NULL,
    Name VARCHAR(400) NOT NULL,
    SecretHash CHAR(64) NOT NULL,
    CreatedAt BIGINT NOT NULL,
    ExpiresAt BIGINT NULL,
    LastUsedAt BIGINT NULL,
    UNIQUE KEY UX_ApiTokens_SecretHash (SecretHash),
    KEY IX_ApiTokens_UserId (UserId, CreatedAt)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
