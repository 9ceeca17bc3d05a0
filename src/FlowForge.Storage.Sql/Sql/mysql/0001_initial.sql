-- FlowForge schema, MySQL 8 and MariaDB 10.6+: the tables, columns and meaning of the SQLite schema
-- (Sql/sqlite) as its migrations leave it. Guids are BINARY(16) in RFC 4122 byte order, times BIGINT
-- microseconds since the Unix epoch (UTC), statuses their enum names, JSON documents LONGTEXT exactly as
-- written. Text compares byte by byte (utf8mb4_bin), as in SQLite: node ids 'a' and 'A' are two nodes.
-- Every statement is IF NOT EXISTS and indexes are declared with their table: DDL commits implicitly, so a
-- migration interrupted half-way must be able to run again.
-- MySQL has no partial indexes: the composite indexes on NodeInstances start with Status, so the recovery
-- sweep and the timer poll still seek to the few rows they look for.

CREATE TABLE IF NOT EXISTS Users (
    Id BINARY(16) NOT NULL PRIMARY KEY,
    Email VARCHAR(320) NOT NULL,    -- lower-cased by the store, so uniqueness is case-insensitive
    PasswordHash TEXT NOT NULL,
    CreatedAt BIGINT NOT NULL,
    UNIQUE KEY UX_Users_Email (Email)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS Settings (
    Name VARCHAR(255) NOT NULL PRIMARY KEY,
    Value LONGTEXT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS Flows (
    Id BINARY(16) NOT NULL PRIMARY KEY,
    OwnerId BINARY(16) NOT NULL,
    Name TEXT NOT NULL,
    CurrentVersion INT NOT NULL,
    CreatedAt BIGINT NOT NULL,
    UpdatedAt BIGINT NOT NULL,
    DeletedAt BIGINT NULL,
    KEY IX_Flows_Owner_Created (OwnerId, DeletedAt, CreatedAt, Id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS FlowVersions (
    FlowId BINARY(16) NOT NULL,
    Version INT NOT NULL,
    Name TEXT NOT NULL,
    Json LONGTEXT NOT NULL,
    CreatedAt BIGINT NOT NULL,
    PRIMARY KEY (FlowId, Version)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- A unique index allows any number of NULLs, so runs without a key never collide.
CREATE TABLE IF NOT EXISTS Runs (
    Id BINARY(16) NOT NULL PRIMARY KEY,
    OwnerId BINARY(16) NOT NULL,
    FlowId BINARY(16) NOT NULL,
    FlowVersion INT NOT NULL,
    Status VARCHAR(16) NOT NULL,
    IdempotencyKey VARCHAR(255) NULL,
    RemainingNodes INT NOT NULL,    -- nodes not yet finished; the run succeeds when it reaches 0
    Error LONGTEXT NULL,
    CreatedAt BIGINT NOT NULL,
    StartedAt BIGINT NULL,
    FinishedAt BIGINT NULL,
    UNIQUE KEY UX_Runs_IdempotencyKey (OwnerId, FlowId, IdempotencyKey),
    KEY IX_Runs_Flow_Created (FlowId, OwnerId, CreatedAt, Id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS RunInputs (
    RunId BINARY(16) NOT NULL PRIMARY KEY,
    InputJson LONGTEXT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS NodeInstances (
    RunId BINARY(16) NOT NULL,
    NodeId VARCHAR(500) NOT NULL,
    Ordinal INT NOT NULL,           -- position in the plan, for listing in plan order
    Type VARCHAR(255) NOT NULL,
    IsTrigger TINYINT NOT NULL,
    Status VARCHAR(16) NOT NULL,
    Version BIGINT NOT NULL,        -- bumped by every change: the optimistic claim compares it
    Attempt INT NOT NULL,
    PendingParents INT NOT NULL,    -- incoming edges not yet resolved
    ActiveParents INT NOT NULL,     -- resolved incoming edges that were taken
    ReadyAt BIGINT NULL,
    StartedAt BIGINT NULL,
    FinishedAt BIGINT NULL,
    LeaseUntil BIGINT NULL,
    WaitUntil BIGINT NULL,          -- set while Running on a durable timer
    Output LONGTEXT NULL,
    Error LONGTEXT NULL,
    PRIMARY KEY (RunId, NodeId),
    -- Ready nodes by age (stale-message resend, start-up rebuild).
    KEY IX_NodeInstances_Ready (Status, ReadyAt),
    -- Running nodes: WaitUntil NULL then by lease (expired leases, orphans), WaitUntil set by due time (timers).
    KEY IX_NodeInstances_Running (Status, WaitUntil, LeaseUntil)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- InnoDB keeps the AUTO_INCREMENT counter across restarts (MySQL 8, MariaDB 10.6): an id is never reused,
-- so a late acknowledgement cannot delete a newer message.
CREATE TABLE IF NOT EXISTS Outbox (
    Id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    Kind VARCHAR(16) NOT NULL,
    RunId BINARY(16) NOT NULL,
    NodeId VARCHAR(500) NOT NULL,
    Version BIGINT NOT NULL,
    FlowId BINARY(16) NOT NULL,
    FlowVersion INT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Idempotency keys of runs when runs are spread over several databases (Storage:Shards): shard 0 records
-- which run id a key was first given to, and the run is written to that id's shard.
CREATE TABLE IF NOT EXISTS IdempotencyKeys (
    OwnerId BINARY(16) NOT NULL,
    FlowId BINARY(16) NOT NULL,
    IdempotencyKey VARCHAR(255) NOT NULL,
    RunId BINARY(16) NOT NULL,
    PRIMARY KEY (OwnerId, FlowId, IdempotencyKey)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
