-- Revoked tokens and shared keys: see Sql/sqlite/0004_auth_keys_and_revocations.sql. IF NOT EXISTS throughout:
-- DDL commits implicitly, so an interrupted migration must be able to run again.

CREATE TABLE IF NOT EXISTS RevokedTokens (
    TokenId VARCHAR(64) NOT NULL PRIMARY KEY,
    ExpiresAt BIGINT NOT NULL,
    KEY IX_RevokedTokens_ExpiresAt (ExpiresAt)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS AuthKeys (
    Purpose VARCHAR(64) NOT NULL,
    Id VARCHAR(128) NOT NULL,
    Material LONGTEXT NOT NULL,
    CreatedAt BIGINT NOT NULL,
    PRIMARY KEY (Purpose, Id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The single signing key of earlier versions was kept here in plain text; keys now live in AuthKeys, protected.
-- Tokens it signed stop working: their holders sign in again.
DELETE FROM Settings WHERE Name = 'auth.signing-key';
