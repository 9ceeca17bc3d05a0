-- Retries, signal waits and the record of every attempt.
-- WaitKind says why a Running node with WaitUntil set is parked: NULL the node asked to wait (a timer),
-- 'retry' its next attempt is due then, 'signal' it waits for a signal (WaitUntil is then the largest
-- value, a timer that never comes due). ResumedFrom keeps the due time of the wait that ended, so an
-- execution after it that is lost resumes again instead of starting the wait over.
ALTER TABLE NodeInstances ADD COLUMN WaitKind TEXT NULL;
ALTER TABLE NodeInstances ADD COLUMN ResumedFrom BIGINT NULL;

-- One row per ended attempt of a node (Succeeded, Failed or Cancelled), with its resolved input.
CREATE TABLE NodeAttempts (
    RunId uuid NOT NULL,
    NodeId TEXT NOT NULL,
    Attempt INTEGER NOT NULL,
    Status TEXT NOT NULL,
    StartedAt BIGINT NULL,
    FinishedAt BIGINT NOT NULL,
    RetryAt BIGINT NULL,             -- set when another attempt was scheduled after this one failed
    Error TEXT NULL,
    InputJson TEXT NULL,
    PRIMARY KEY (RunId, NodeId, Attempt)
);
