-- Failure notifications: see Sql/sqlite/0024_notifications.sql.
CREATE TABLE NotificationPreferences (
    UserId uuid NOT NULL,
    FlowId uuid NOT NULL,
    InApp SMALLINT NOT NULL,
    Email SMALLINT NOT NULL,
    UpdatedAt BIGINT NOT NULL,
    PRIMARY KEY (UserId, FlowId)
);
CREATE INDEX IX_NotificationPreferences_FlowId ON NotificationPreferences (FlowId);

CREATE TABLE NotificationSettings (
    UserId uuid NOT NULL PRIMARY KEY,
    Email TEXT NULL,
    DigestMinutes INTEGER NULL,
    LastSentAt BIGINT NULL,
    NextDueAt BIGINT NULL,
    ClaimId uuid NULL,
    Attempts INTEGER NOT NULL,
    Omitted INTEGER NOT NULL
);
CREATE INDEX IX_NotificationSettings_NextDueAt ON NotificationSettings (NextDueAt) WHERE NextDueAt IS NOT NULL;

CREATE TABLE Notifications (
    Id uuid NOT NULL PRIMARY KEY,
    UserId uuid NOT NULL,
    Kind TEXT NOT NULL,
    FlowId uuid NOT NULL,
    FlowName TEXT NOT NULL,
    RunId uuid NOT NULL,
    Error TEXT NULL,
    Count INTEGER NOT NULL,
    CreatedAt BIGINT NOT NULL,
    UpdatedAt BIGINT NOT NULL,
    ReadAt BIGINT NULL
);
CREATE INDEX IX_Notifications_User_Created ON Notifications (UserId, CreatedAt, Id);
CREATE INDEX IX_Notifications_User_Flow ON Notifications (UserId, FlowId, UpdatedAt);
CREATE INDEX IX_Notifications_User_Read ON Notifications (UserId, ReadAt);
CREATE INDEX IX_Notifications_RunId ON Notifications (RunId);

CREATE TABLE DigestItems (
    Id uuid NOT NULL PRIMARY KEY,
    UserId uuid NOT NULL,
    FlowId uuid NOT NULL,
    FlowName TEXT NOT NULL,
    RunId uuid NOT NULL,
    Error TEXT NULL,
    At BIGINT NOT NULL,
    ClaimId uuid NULL
);
CREATE INDEX IX_DigestItems_User_Claim ON DigestItems (UserId, ClaimId);

CREATE TABLE NotifiedRunFailures (
    RunId uuid NOT NULL,
    Attempt INTEGER NOT NULL,
    RecordedAt BIGINT NOT NULL,
    PRIMARY KEY (RunId, Attempt)
);
CREATE INDEX IX_NotifiedRunFailures_RecordedAt ON NotifiedRunFailures (RecordedAt);
