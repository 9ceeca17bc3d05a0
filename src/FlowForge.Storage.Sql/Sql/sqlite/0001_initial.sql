-- FlowForge schema, SQLite.
-- Guids are 16-byte BLOBs, times INTEGER microseconds since the Unix epoch (UTC), statuses their enum
-- names, JSON documents TEXT exactly as written.
-- No FOREIGN KEY clauses: the store writes a run and its node instances in one transaction, and
-- enforcing them would add an index probe to every write on the hot path.

CREATE TABLE Users (
    Id BLOB NOT NULL PRIMARY KEY,
    Email TEXT NOT NULL,            -- lower-cased by the store, so uniqueness is case-insensitive
    PasswordHash TEXT NOT NULL,
    CreatedAt INTEGER NOT NULL
);
CREATE UNIQUE INDEX UX_Users_Email ON Users (Email);

CREATE TABLE Settings (
    Name TEXT NOT NULL PRIMARY KEY,
    Value TEXT NOT NULL
);

CREATE TABLE Flows (
    Id BLOB NOT NULL PRIMARY KEY,
    OwnerId BLOB NOT NULL,
    Name TEXT NOT NULL,
    CurrentVersion INTEGER NOT NULL,
    CreatedAt INTEGER NOT NULL,
    UpdatedAt INTEGER NOT NULL,
    DeletedAt INTEGER NULL
);
CREATE INDEX IX_Flows_Owner_Created ON Flows (OwnerId, CreatedAt, Id) WHERE DeletedAt IS NULL;

CREATE TABLE FlowVersions (
    FlowId BLOB NOT NULL,
    Version INTEGER NOT NULL,
    Name TEXT NOT NULL,
    Json TEXT NOT NULL,
    CreatedAt INTEGER NOT NULL,
    PRIMARY KEY (FlowId, Version)
);

CREATE TABLE Runs (
    Id BLOB NOT NULL PRIMARY KEY,
    OwnerId BLOB NOT NULL,
    FlowId BLOB NOT NULL,
    FlowVersion INTEGER NOT NULL,
    Status TEXT NOT NULL,
    InputJson TEXT NOT NULL,
    IdempotencyKey TEXT NULL,
    RemainingNodes INTEGER NOT NULL, -- nodes not yet finished; the run succeeds when it reaches 0
    Error TEXT NULL,
    CreatedAt INTEGER NOT NULL,
    StartedAt INTEGER NULL,
    FinishedAt INTEGER NULL
);
CREATE UNIQUE INDEX UX_Runs_IdempotencyKey ON Runs (OwnerId, FlowId, IdempotencyKey) WHERE IdempotencyKey IS NOT NULL;
CREATE INDEX IX_Runs_Flow_Created ON Runs (FlowId, OwnerId, CreatedAt, Id);

CREATE TABLE NodeInstances (
    RunId BLOB NOT NULL,
    NodeId TEXT NOT NULL,
    Ordinal INTEGER NOT NULL,        -- position in the plan, for listing in plan order
    Type TEXT NOT NULL,
    IsTrigger INTEGER NOT NULL,
    Status TEXT NOT NULL,
    Version INTEGER NOT NULL,        -- bumped by every change: the optimistic claim compares it
    Attempt INTEGER NOT NULL,
    PendingParents INTEGER NOT NULL, -- incoming edges not yet resolved
    ActiveParents INTEGER NOT NULL,  -- resolved incoming edges that were taken
    ReadyAt INTEGER NULL,
    StartedAt INTEGER NULL,
    FinishedAt INTEGER NULL,
    LeaseUntil INTEGER NULL,
    WaitUntil INTEGER NULL,          -- set while Running on a durable timer
    Output TEXT NULL,
    Error TEXT NULL,
    PRIMARY KEY (RunId, NodeId)
);
-- Partial indexes hold only the few rows the recovery sweep and the timer poll look for.
CREATE INDEX IX_NodeInstances_Ready ON NodeInstances (ReadyAt) WHERE Status = 'Ready';
CREATE INDEX IX_NodeInstances_Leases ON NodeInstances (LeaseUntil) WHERE Status = 'Running' AND WaitUntil IS NULL;
CREATE INDEX IX_NodeInstances_Timers ON NodeInstances (WaitUntil) WHERE Status = 'Running' AND WaitUntil IS NOT NULL;

-- AUTOINCREMENT: an id is never reused, so a late acknowledgement cannot delete a newer message.
CREATE TABLE Outbox (
    Id INTEGER PRIMARY KEY AUTOINCREMENT,
    Kind TEXT NOT NULL,
    RunId BLOB NOT NULL,
    NodeId TEXT NOT NULL,
    Version INTEGER NOT NULL,
    FlowId BLOB NOT NULL,
    FlowVersion INTEGER NOT NULL
);
