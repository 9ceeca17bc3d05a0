-- Connections: see Sql/sqlite/0022_connections.sql.
CREATE TABLE Connections (
    Id uuid NOT NULL PRIMARY KEY,
    OwnerId uuid NOT NULL,
    Name TEXT NOT NULL,
    Kind TEXT NOT NULL,
    Provider TEXT NULL,
    Secret bytea NOT NULL,
    Status TEXT NOT NULL,
    StatusReason TEXT NULL,
    Scopes TEXT NOT NULL,
    ExpiresAt BIGINT NULL,
    CreatedAt BIGINT NOT NULL,
    UpdatedAt BIGINT NOT NULL,
    Version BIGINT NOT NULL,
    RateLimitCapacity INTEGER NULL,
    RateLimitPerSecond DOUBLE PRECISION NULL,
    Settings TEXT NULL
);
CREATE INDEX IX_Connections_OwnerId ON Connections (OwnerId, Name);
