-- Serves listing all of one owner's runs across flows, newest first (the run history without a status filter).
CREATE INDEX IX_Runs_Owner_Created ON Runs (OwnerId, CreatedAt, Id);
