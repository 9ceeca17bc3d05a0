-- Serves listing all of one owner's runs across flows, newest first (the run history without a status filter).
ALTER TABLE Runs ADD KEY IX_Runs_Owner_Created (OwnerId, CreatedAt, Id);
