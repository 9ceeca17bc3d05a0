-- OAuth states and named locks: see Sql/sqlite/0025_oauth_states_and_locks.sql.
CREATE TABLE OAuthStates (
    StateHash CHAR(64) NOT NULL PRIMARY KEY,
    UserId uuid NOT NULL,
    Provider TEXT NOT NULL,
    BindingHash CHAR(64) NOT NULL,
    RedirectUri TEXT NOT NULL,
    ConnectionId uuid NULL,
    ProtectedData bytea NOT NULL,
    CreatedAt BIGINT NOT NULL,
    ExpiresAt BIGINT NOT NULL
);
CREATE INDEX IX_OAuthStates_ExpiresAt ON OAuthStates (ExpiresAt);

CREATE TABLE Locks (
    Name VARCHAR(200) NOT NULL PRIMARY KEY,
    Holder VARCHAR(200) NOT NULL,
    ExpiresAt BIGINT NOT NULL
);
