-- Worker processes and the nodes they hold. Each worker beats on its row and, in the same transaction,
-- extends the leases of its Running nodes; a worker whose row stops moving is taken over at once.
-- Interruptions counts the executions of a node that ended without a result (the process stopped, its
-- worker went silent): past a limit the node is Failed instead of being started again.

ALTER TABLE NodeInstances ADD COLUMN WorkerId uuid NULL, ADD COLUMN Interruptions INTEGER NOT NULL DEFAULT 0;
CREATE INDEX IX_NodeInstances_Worker ON NodeInstances (WorkerId) WHERE Status = 'Running' AND WaitUntil IS NULL;

CREATE TABLE Workers (
    Id uuid NOT NULL PRIMARY KEY,
    StartedAt BIGINT NOT NULL,
    HeartbeatAt BIGINT NOT NULL
);
CREATE INDEX IX_Workers_Heartbeat ON Workers (HeartbeatAt);
