-- The owner: the account created by first-run setup. IsOwner is 1 for the owner and NULL for everyone else, so a
-- unique index lets at most one account be the owner, even when two setups race. On a server that already has
-- accounts, the oldest becomes the owner.
ALTER TABLE Users ADD COLUMN IsOwner INTEGER NULL;
CREATE UNIQUE INDEX UX_Users_IsOwner ON Users (IsOwner);
UPDATE Users SET IsOwner = 1 WHERE Id = (SELECT Id FROM Users ORDER BY CreatedAt, Id LIMIT 1);

-- Named API tokens for scripts. The secret is never stored: a token is looked up by the SHA-256 (hex) of its secret.
-- ExpiresAt is NULL for a token that does not expire; LastUsedAt is updated at most once a minute.
CREATE TABLE ApiTokens (
    Id BLOB NOT NULL PRIMARY KEY,
    UserId BLOB NOT NULL,
    Name TEXT NOT NULL,
    SecretHash TEXT NOT NULL,
    CreatedAt INTEGER NOT NULL,
    ExpiresAt INTEGER NULL,
    LastUsedAt INTEGER NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX UX_ApiTokens_SecretHash ON ApiTokens (SecretHash);
CREATE INDEX IX_ApiTokens_UserId ON ApiTokens (UserId, CreatedAt);
