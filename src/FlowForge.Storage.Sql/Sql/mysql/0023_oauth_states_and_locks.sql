-- OAuth states and named locks: see Sql/sqlite/0025_oauth_states_and_locks.sql.
CREATE TABLE IF NOT EXISTS OAuthStates (
    StateHash CHAR(64) NOT NULL PRIMARY KEY,
    UserId BINARY(16) NOT NULL,
    Provider VARCHAR(100) NOT NULL,
    BindingHash CHAR(64) NOT NULL,
    RedirectUri VARCHAR(2000) NOT NULL,
    ConnectionId BINARY(16) NULL,
    ProtectedData BLOB NOT NULL,
    CreatedAt BIGINT NOT NULL,
    ExpiresAt BIGINT NOT NULL,
    KEY IX_OAuthStates_ExpiresAt (ExpiresAt)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS Locks (
    Name VARCHAR(200) NOT NULL PRIMARY KEY,
    Holder VARCHAR(200) NOT NULL,
    ExpiresAt BIGINT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
