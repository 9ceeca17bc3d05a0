-- Connections: a user's credentials to other apps. Secret holds the secret fields sealed by data protection
-- (authenticated encryption under the key ring), never plain text. Kind and Status are camel-case names
-- (apiKey, connected); Scopes is a JSON array of strings; Settings is JSON of non-secret settings. Version changes on
-- every update, so a refresh and a rename never overwrite each other unseen. Every read names the owner.
CREATE TABLE Connections (
    Id BLOB NOT NULL PRIMARY KEY,
    OwnerId BLOB NOT NULL,
    Name TEXT NOT NULL,
    Kind TEXT NOT NULL,
    Provider TEXT NULL,
    Secret BLOB NOT NULL,
    Status TEXT NOT NULL,
    StatusReason TEXT NULL,
    Scopes TEXT NOT NULL,
    ExpiresAt INTEGER NULL,
    CreatedAt INTEGER NOT NULL,
    UpdatedAt INTEGER NOT NULL,
    Version INTEGER NOT NULL,
    RateLimitCapacity INTEGER NULL,
    RateLimitPerSecond REAL NULL,
    Settings TEXT NULL
) WITHOUT ROWID;
CREATE INDEX IX_Connections_OwnerId ON Connections (OwnerId, Name);
