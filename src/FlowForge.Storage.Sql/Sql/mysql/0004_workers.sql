-- Worker processes and the nodes they hold. Each worker beats on its row and, in the same transaction,
-- extends the leases of its Running nodes; a worker whose row stops moving is taken over at once.
-- Interruptions counts the executions of a node that ended without a result (the process stopped, its
-- worker went silent): past a limit the node is Failed instead of being started again.

ALTER TABLE NodeInstances
    ADD COLUMN WorkerId BINARY(16) NULL,
    ADD COLUMN Interruptions INT NOT NULL DEFAULT 0,
    ADD KEY IX_NodeInstances_Worker (WorkerId, Status);

CREATE TABLE IF NOT EXISTS Workers (
    Id BINARY(16) NOT NULL PRIMARY KEY,
    StartedAt BIGINT NOT NULL,
    HeartbeatAt BIGINT NOT NULL,
    KEY IX_Workers_Heartbeat (HeartbeatAt)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
