-- Retries, signal waits and the record of every attempt.
-- WaitKind says why a Running node with WaitUntil set is parked: NULL the node asked to wait (a timer),
-- 'retry' its next attempt is due then, 'signal' it waits for a signal (WaitUntil is then the largest
-- value, a timer that never comes due). ResumedFrom keeps the due time of the wait that ended, so an
-- execution after it that is lost resumes again instead of starting the wait over.
ALTER TABLE NodeInstances ADD COLUMN WaitKind VARCHAR(16) NULL, ADD COLUMN ResumedFrom BIGINT NULL;

-- One row per ended attempt of a node (Succeeded, Failed or Cancelled), with its resolved input.
CREATE TABLE IF NOT EXISTS NodeAttempts (
    RunId BINARY(16) NOT NULL,
    NodeId VARCHAR(500) NOT NULL,
    Attempt INT NOT NULL,
    Status VARCHAR(16) NOT NULL,
    StartedAt BIGINT NULL,
    FinishedAt BIGINT NOT NULL,
    RetryAt BIGINT NULL,            -- set when another attempt was scheduled after this one failed
    Error LONGTEXT NULL,
    InputJson LONGTEXT NULL,
    PRIMARY KEY (RunId, NodeId, Attempt)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
