-- Failure notifications. Everything lives beside the accounts (shard 0 of a sharded store).
--
-- A user's choice, per flow, to be told when a run of it fails. Keyed by (user, flow): several users may watch one flow.
CREATE TABLE NotificationPreferences (
    UserId BLOB NOT NULL,
    FlowId BLOB NOT NULL,
    InApp INTEGER NOT NULL,
    Email INTEGER NOT NULL,
    UpdatedAt INTEGER NOT NULL,
    PRIMARY KEY (UserId, FlowId)
) WITHOUT ROWID;
CREATE INDEX IX_NotificationPreferences_FlowId ON NotificationPreferences (FlowId);

-- A user's email settings and digest schedule. Email NULL sends to the account's email; DigestMinutes NULL uses the
-- default. NextDueAt is set while failures wait for a digest (when it may be sent); a process claims the digest by
-- moving NextDueAt to the end of its lease and writing its ClaimId, so only one process sends it.
CREATE TABLE NotificationSettings (
    UserId BLOB NOT NULL PRIMARY KEY,
    Email TEXT NULL,
    DigestMinutes INTEGER NULL,
    LastSentAt INTEGER NULL,
    NextDueAt INTEGER NULL,
    ClaimId BLOB NULL,
    Attempts INTEGER NOT NULL,
    Omitted INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IX_NotificationSettings_NextDueAt ON NotificationSettings (NextDueAt) WHERE NextDueAt IS NOT NULL;

-- In-app notifications (the bell). Repeated failures of one flow shortly after each other update one row (Count).
CREATE TABLE Notifications (
    Id BLOB NOT NULL PRIMARY KEY,
    UserId BLOB NOT NULL,
    Kind TEXT NOT NULL,
    FlowId BLOB NOT NULL,
    FlowName TEXT NOT NULL,
    RunId BLOB NOT NULL,
    Error TEXT NULL,
    Count INTEGER NOT NULL,
    CreatedAt INTEGER NOT NULL,
    UpdatedAt INTEGER NOT NULL,
    ReadAt INTEGER NULL
) WITHOUT ROWID;
CREATE INDEX IX_Notifications_User_Created ON Notifications (UserId, CreatedAt, Id);
CREATE INDEX IX_Notifications_User_Flow ON Notifications (UserId, FlowId, UpdatedAt);
CREATE INDEX IX_Notifications_User_Read ON Notifications (UserId, ReadAt);
CREATE INDEX IX_Notifications_RunId ON Notifications (RunId);

-- Failures waiting for the user's next email digest; ClaimId names the digest being sent.
CREATE TABLE DigestItems (
    Id BLOB NOT NULL PRIMARY KEY,
    UserId BLOB NOT NULL,
    FlowId BLOB NOT NULL,
    FlowName TEXT NOT NULL,
    RunId BLOB NOT NULL,
    Error TEXT NULL,
    At INTEGER NOT NULL,
    ClaimId BLOB NULL
) WITHOUT ROWID;
CREATE INDEX IX_DigestItems_User_Claim ON DigestItems (UserId, ClaimId);

-- Failed runs already recorded, so that a failure seen by several processes (or twice) is recorded once.
CREATE TABLE NotifiedRunFailures (
    RunId BLOB NOT NULL,
    Attempt INTEGER NOT NULL,
    RecordedAt INTEGER NOT NULL,
    PRIMARY KEY (RunId, Attempt)
) WITHOUT ROWID;
CREATE INDEX IX_NotifiedRunFailures_RecordedAt ON NotifiedRunFailures (RecordedAt);
