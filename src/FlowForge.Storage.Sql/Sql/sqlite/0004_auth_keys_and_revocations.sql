-- Revoked tokens, by token id (jti), kept until the token would have expired anyway: every API process checks
-- them, so a token signed out on one process is refused by all. Keys shared by every process: token signing keys
-- (protected with data protection) and the data-protection key ring itself (encrypted with the key-ring secret).

CREATE TABLE RevokedTokens (
    TokenId TEXT NOT NULL PRIMARY KEY,
    ExpiresAt INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IX_RevokedTokens_ExpiresAt ON RevokedTokens (ExpiresAt);

CREATE TABLE AuthKeys (
    Purpose TEXT NOT NULL,
    Id TEXT NOT NULL,
    Material TEXT NOT NULL,
    CreatedAt INTEGER NOT NULL,
    PRIMARY KEY (Purpose, Id)
) WITHOUT ROWID;

-- The single signing key of earlier versions was kept here in plain text; keys now live in AuthKeys, protected.
-- Tokens it signed stop working: their holders sign in again.
DELETE FROM Settings WHERE Name = 'auth.signing-key';
