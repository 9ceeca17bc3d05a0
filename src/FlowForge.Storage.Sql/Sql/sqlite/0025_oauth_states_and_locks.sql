-- OAuth authorizations in progress, found by the SHA-256 (hex) of their state parameter and deleted when used. The
-- PKCE verifier and any client secret are in ProtectedData, sealed by the connection secret protector.
CREATE TABLE OAuthStates (
    StateHash TEXT NOT NULL PRIMARY KEY,
    UserId BLOB NOT NULL,
    Provider TEXT NOT NULL,
    BindingHash TEXT NOT NULL,
    RedirectUri TEXT NOT NULL,
    ConnectionId BLOB NULL,
    ProtectedData BLOB NOT NULL,
    CreatedAt INTEGER NOT NULL,
    ExpiresAt INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IX_OAuthStates_ExpiresAt ON OAuthStates (ExpiresAt);

-- Named locks shared by every process, each a lease that runs out at ExpiresAt.
CREATE TABLE Locks (
    Name TEXT NOT NULL PRIMARY KEY,
    Holder TEXT NOT NULL,
    ExpiresAt INTEGER NOT NULL
) WITHOUT ROWID;
