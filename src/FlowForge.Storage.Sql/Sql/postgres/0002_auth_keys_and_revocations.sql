-- Revoked tokens and shared keys: see Sql/sqlite/0004_auth_keys_and_revocations.sql.

CREATE TABLE RevokedTokens (
    TokenId TEXT NOT NULL PRIMARY KEY,
    ExpiresAt BIGINT NOT NULL
);
CREATE INDEX IX_RevokedTokens_ExpiresAt ON RevokedTokens (ExpiresAt);

CREATE TABLE AuthKeys (
    Purpose TEXT NOT NULL,
    Id TEXT NOT NULL,
    Material TEXT NOT NULL,
    CreatedAt BIGINT NOT NULL,
    PRIMARY KEY (Purpose, Id)
);

-- The single signing key of earlier versions was kept here in plain text; keys now live in AuthKeys, protected.
-- Tokens it signed stop working: their holders sign in again.
DELETE FROM Settings WHERE Name = 'auth.signing-key';
