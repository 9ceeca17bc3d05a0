-- Connections: see Sql/sqlite/0022_connections.sql.
CREATE TABLE IF NOT EXISTS Connections (
    Id BINARY(16) NOT NULL PRIMARY KEY,
    OwnerId BINARY(16) NOT NULL,
    Name VARCHAR(400) NOT NULL,
    Kind VARCHAR(32) NOT NULL,
    Provider VARCHAR(200) NULL,
    Secret MEDIUMBLOB NOT NULL,
    Status VARCHAR(32) NOT NULL,
    StatusReason TEXT NULL,
    Scopes TEXT NOT NULL,
    ExpiresAt BIGINT NULL,
    CreatedAt BIGINT NOT NULL,
    UpdatedAt BIGINT NOT NULL,
    Version BIGINT NOT NULL,
    RateLimitCapacity INT NULL,
    RateLimitPerSecond DOUBLE NULL,
    Settings MEDIUMTEXT NULL,
    KEY IX_Connections_OwnerId (OwnerId, Name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
