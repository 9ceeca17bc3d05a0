-- The run's counters change with every node that finishes, and SQLite rewrites a whole row on UPDATE:
-- the input document moves to RunInputs so that those rewrites stay small whatever its size. Runs, now
-- narrow, is keyed by its id directly (WITHOUT ROWID: one B-tree descent per lookup instead of two).

CREATE TABLE RunInputs (
    RunId BLOB NOT NULL PRIMARY KEY,
    InputJson TEXT NOT NULL
);
INSERT INTO RunInputs (RunId, InputJson) SELECT Id, InputJson FROM Runs;

CREATE TABLE Runs_0002 (
    Id BLOB NOT NULL PRIMARY KEY,
    OwnerId BLOB NOT NULL,
    FlowId BLOB NOT NULL,
    FlowVersion INTEGER NOT NULL,
    Status TEXT NOT NULL,
    IdempotencyKey TEXT NULL,
    RemainingNodes INTEGER NOT NULL, -- nodes not yet finished; the run succeeds when it reaches 0
    Error TEXT NULL,
    CreatedAt INTEGER NOT NULL,
    StartedAt INTEGER NULL,
    FinishedAt INTEGER NULL
) WITHOUT ROWID;
INSERT INTO Runs_0002 (Id, OwnerId, FlowId, FlowVersion, Status, IdempotencyKey, RemainingNodes, Error, CreatedAt, StartedAt, FinishedAt)
SELECT Id, OwnerId, FlowId, FlowVersion, Status, IdempotencyKey, RemainingNodes, Error, CreatedAt, StartedAt, FinishedAt FROM Runs;

DROP TABLE Runs;
ALTER TABLE Runs_0002 RENAME TO Runs;
CREATE UNIQUE INDEX UX_Runs_IdempotencyKey ON Runs (OwnerId, FlowId, IdempotencyKey) WHERE IdempotencyKey IS NOT NULL;
CREATE INDEX IX_Runs_Flow_Created ON Runs (FlowId, OwnerId, CreatedAt, Id);
