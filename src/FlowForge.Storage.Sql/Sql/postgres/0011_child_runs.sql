-- Child runs: a run started by a node of another run (core.forEach, flow.call) names that run, the node and the
-- item index it runs for. The unique index makes starting one child twice (a re-executed node) write one run.
-- ParentAttempt is the node attempt that last started or restarted the child, so a retry of the node re-runs
-- only the children that failed before it. SubflowDepth counts the runs above this one (0 for a top-level run).
-- A node waiting for its children is Running with WaitKind 'children' and a WaitUntil that never comes due,
-- until the transaction that finishes a child sets it due.
ALTER TABLE Runs ADD COLUMN ParentRunId uuid NULL;
ALTER TABLE Runs ADD COLUMN ParentNodeId TEXT NULL;
ALTER TABLE Runs ADD COLUMN ItemIndex INTEGER NULL;
ALTER TABLE Runs ADD COLUMN ParentAttempt INTEGER NULL;
ALTER TABLE Runs ADD COLUMN SubflowDepth INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX UX_Runs_Parent ON Runs (ParentRunId, ParentNodeId, ItemIndex) WHERE ParentRunId IS NOT NULL;
