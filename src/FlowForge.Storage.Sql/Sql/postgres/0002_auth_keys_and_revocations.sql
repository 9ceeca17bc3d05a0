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
