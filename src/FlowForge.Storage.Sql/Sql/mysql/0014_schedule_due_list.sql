-- The due list: one row per schedule trigger of an active flow's newest version, with the last due time handled
-- (Baseline) and the next (NextDueAt), so a scheduler pass is one indexed query for what is due instead of reading
-- every active flow. Activating or saving an active flow replaces its rows with one unplanned row (NodeId '',
-- NextDueAt 0: due at once) in the same transaction; the next pass of any process reads that version once and plans
-- its triggers. Deactivating or deleting the flow removes its rows. Flows active before this version start unplanned.
CREATE TABLE IF NOT EXISTS ScheduleTriggers (
    FlowId BINARY(16) NOT NULL,
    NodeId VARCHAR(500) NOT NULL,
    OwnerId BINARY(16) NOT NULL,
    Version INT NOT NULL,
    Config MEDIUMTEXT NOT NULL,
    ActivatedAt BIGINT NOT NULL,
    Baseline BIGINT NOT NULL,
    NextDueAt BIGINT NOT NULL,
    PRIMARY KEY (FlowId, NodeId),
    KEY IX_ScheduleTriggers_NextDueAt (NextDueAt)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
INSERT INTO ScheduleTriggers (FlowId, NodeId, OwnerId, Version, Config, ActivatedAt, Baseline, NextDueAt)
SELECT Id, '', OwnerId, CurrentVersion, '', COALESCE(ActivatedAt, 0), COALESCE(ActivatedAt, 0), 0
FROM Flows WHERE Active = 1 AND DeletedAt IS NULL;
