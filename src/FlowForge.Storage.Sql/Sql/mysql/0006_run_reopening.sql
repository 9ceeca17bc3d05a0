-- Reopening failed and cancelled runs.
-- Runs.Attempt counts the run's executions: 1 when it starts, one more each time it is reopened.
-- NodeInstances.Ports keeps the ports a finished node fired, as a JSON array, so reopening can resolve the edges
-- of the nodes that keep their results. NULL until the node ends, when it fails without its error port, and
-- for nodes that ended before this version (their runs cannot be reopened).
-- The index serves listing one owner's runs by status (the failed runs to retry), newest first.
ALTER TABLE Runs ADD COLUMN Attempt INT NOT NULL DEFAULT 1, ADD KEY IX_Runs_Owner_Status_Created (OwnerId, Status, CreatedAt, Id);
ALTER TABLE NodeInstances ADD COLUMN Ports LONGTEXT NULL;
