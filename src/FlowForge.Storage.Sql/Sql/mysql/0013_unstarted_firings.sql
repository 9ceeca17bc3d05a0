-- A schedule firing claimed to start a run keeps RunId NULL until the run is started. One still NULL after
-- Schedules:FiringLeaseMs belongs to a process that stopped in between: the next pass of any process takes it over
-- and starts the run (its idempotency key makes that at most once). PassedOver marks due times passed over
-- (missed: "skip"), which never get a run; Missed marks a firing that starts the one run for missed due times.
-- Firings from before this version with no run are taken as passed over: they are never started late.
ALTER TABLE TriggerFirings
    ADD COLUMN PassedOver INT NOT NULL DEFAULT 0,
    ADD COLUMN Missed INT NOT NULL DEFAULT 0,
    ADD KEY IX_TriggerFirings_Unstarted (PassedOver, RunId, ClaimedAt);
UPDATE TriggerFirings SET PassedOver = 1 WHERE RunId IS NULL;
