-- Failure notifications: see Sql/sqlite/0024_notifications.sql.
CREATE TABLE IF NOT EXISTS NotificationPreferences (
    UserId BINARY(16) NOT NULL,
    FlowId BINARY(16) NOT NULL,
    InApp TINYINT NOT NULL,
    Email TINYINT NOT NULL,
    UpdatedAt BIGINT NOT NULL,
    PRIMARY KEY (UserId, FlowId),
    KEY IX_NotificationPreferences_FlowId (FlowId)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS NotificationSettings (
    UserId BINARY(16) NOT NULL PRIMARY KEY,
    Email VARCHAR(320) NULL,
    DigestMinutes INT NULL,
    LastSentAt BIGINT NULL,
    NextDueAt BIGINT NULL,
    ClaimId BINARY(16) NULL,
    Attempts INT NOT NULL,
    Omitted INT NOT NULL,
    KEY IX_NotificationSettings_NextDueAt (NextDueAt)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS Notifications (
    Id BINARY(16) NOT NULL PRIMARY KEY,
    UserId BINARY(16) NOT NULL,
    Kind VARCHAR(32) NOT NULL,
    FlowId BINARY(16) NOT NULL,
    FlowName VARCHAR(400) NOT NULL,
    RunId BINARY(16) NOT NULL,
    Error TEXT NULL,
    Count INT NOT NULL,
    CreatedAt BIGINT NOT NULL,
    UpdatedAt BIGINT NOT NULL,
    ReadAt BIGINT NULL,
    KEY IX_Notifications_User_Created (UserId, CreatedAt, Id),
    KEY IX_Notifications_User_Flow (UserId, FlowId, UpdatedAt),
    KEY IX_Notifications_User_Read (UserId, ReadAt),
    KEY IX_Notifications_RunId (RunId)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS DigestItems (
    Id BINARY(16) NOT NULL PRIMARY KEY,
    UserId BINARY(16) NOT NULL,
    FlowId BINARY(16) NOT NULL,
    FlowName VARCHAR(400) NOT NULL,
    RunId BINARY(16) NOT NULL,
    Error TEXT NULL,
    At BIGINT NOT NULL,
    ClaimId BINARY(16) NULL,
    KEY IX_DigestItems_User_Claim (UserId, ClaimId)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS NotifiedRunFailures (
    RunId BINARY(16) NOT NULL,
    Attempt INT NOT NULL,
    RecordedAt BIGINT NOT NULL,
    PRIMARY KEY (RunId, Attempt),
    KEY IX_NotifiedRunFailures_RecordedAt (RecordedAt)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
