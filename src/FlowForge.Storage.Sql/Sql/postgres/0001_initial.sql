-- FlowForge schema, PostgreSQL: the tables, columns and meaning of the SQLite schema (Sql/sqlite) as its
-- migrations leave it, in PostgreSQL's types. Guids are uuid, times BIGINT microseconds since the Unix
-- epoch (UTC), statuses their enum names, JSON documents TEXT exactly as written.
-- No FOREIGN KEY clauses, as in SQLite: a run and its node instances are written in one transaction.

CREATE TABLE Users (
    Id uuid NOT NULL PRIMARY KEY,
    Email TEXT NOT NULL,            -- lower-cased by the store, so uniqueness is case-insensitive
    PasswordHash TEXT NOT NULL,
    CreatedAt BIGINT NOT NULL
);
CREATE UNIQUE INDEX UX_Users_Email ON Users (Email);

CREATE TABLE Settings (
    Name TEXT NOT NULL PRIMARY KEY,
    Value TEXT NOT NULL
);

CREATE TABLE Flows (
    Id uuid NOT NULL PRIMARY KEY,
    OwnerId uuid NOT NULL,
    Name TEXT NOT NULL,
    CurrentVersion INTEGER NOT NULL,
    CreatedAt BIGINT NOT NULL,
    UpdatedAt BIGINT NOT NULL,
    DeletedAt BIGINT NULL
);
CREATE INDEX IX_Flows_Owner_Created ON Flows (OwnerId, CreatedAt, Id) WHERE DeletedAt IS NULL;

CREATE TABLE FlowVersions (
    FlowId uuid NOT NULL,
    Version INTEGER NOT NULL,
    Name TEXT NOT NULL,
    Json TEXT NOT NULL,
    CreatedAt BIGINT NOT NULL,
    PRIMARY KEY (FlowId, Version)
);

-- Every finished node updates its run's counters; none of the columns it changes is indexed, so with room
-- left on the page PostgreSQL rewrites the row in place (a HOT update) without touching the indexes.
CREATE TABLE Runs (
    Id uuid NOT NULL PRIMARY KEY,
    OwnerId uuid NOT NULL,
    FlowId uuid NOT NULL,
    FlowVersion INTEGER NOT NULL,
    Status TEXT NOT NULL,
    IdempotencyKey TEXT NULL,
    RemainingNodes INTEGER NOT NULL, -- nodes not yet finished; the run succeeds when it reaches 0
    Error TEXT NULL,
    CreatedAt BIGINT NOT NULL,
    StartedAt BIGINT NULL,
    FinishedAt BIGINT NULL
) WITH (fillfactor = 85);
CREATE UNIQUE INDEX UX_Runs_IdempotencyKey ON Runs (OwnerId, FlowId, IdempotencyKey) WHERE IdempotencyKey IS NOT NULL;
CREATE INDEX IX_Runs_Flow_Created ON Runs (FlowId, OwnerId, CreatedAt, Id);

CREATE TABLE RunInputs (
    RunId uuid NOT NULL PRIMARY KEY,
    InputJson TEXT NOT NULL
);

CREATE TABLE NodeInstances (
    RunId uuid NOT NULL,
    NodeId TEXT NOT NULL,
    Ordinal INTEGER NOT NULL,        -- position in the plan, for listing in plan order
    Type TEXT NOT NULL,
    IsTrigger SMALLINT NOT NULL,     -- 0 or 1, as the statements shared with SQLite write it
    Status TEXT NOT NULL,
    Version BIGINT NOT NULL,         -- bumped by every change: the optimistic claim compares it
    Attempt INTEGER NOT NULL,
    PendingParents INTEGER NOT NULL, -- incoming edges not yet resolved
    ActiveParents INTEGER NOT NULL,  -- resolved incoming edges that were taken
    ReadyAt BIGINT NULL,
    StartedAt BIGINT NULL,
    FinishedAt BIGINT NULL,
    LeaseUntil BIGINT NULL,
    WaitUntil BIGINT NULL,           -- set while Running on a durable timer
    Output TEXT NULL,
    Error TEXT NULL,
    PRIMARY KEY (RunId, NodeId)
);
-- Partial indexes hold only the few rows the recovery sweep and the timer poll look for.
CREATE INDEX IX_NodeInstances_Ready ON NodeInstances (ReadyAt) WHERE Status = 'Ready';
CREATE INDEX IX_NodeInstances_Leases ON NodeInstances (LeaseUntil) WHERE Status = 'Running' AND WaitUntil IS NULL;
CREATE INDEX IX_NodeInstances_Timers ON NodeInstances (WaitUntil) WHERE Status = 'Running' AND WaitUntil IS NOT NULL;

-- An identity never hands out an id twice, so a late acknowledgement cannot delete a newer message.
CREATE TABLE Outbox (
    Id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    Kind TEXT NOT NULL,
    RunId uuid NOT NULL,
    NodeId TEXT NOT NULL,
    Version BIGINT NOT NULL,
    FlowId uuid NOT NULL,
    FlowVersion INTEGER NOT NULL
);

-- Idempotency keys of runs when runs are spread over several databases (Storage:Shards): shard 0 records
-- which run id a key was first given to, and the run is written to that id's shard.
CREATE TABLE IdempotencyKeys (
    OwnerId uuid NOT NULL,
    FlowId uuid NOT NULL,
    IdempotencyKey TEXT NOT NULL,
    RunId uuid NOT NULL,
    PRIMARY KEY (OwnerId, FlowId, IdempotencyKey)
);
