-- Serves the listing of a run's children (ListChildrenOfRun: newest first, keyset paged) as a range of its order, so a
-- page reads its rows instead of sorting all of the run's children. MySQL has no partial index: a run without a parent
-- is in it under NULL.
ALTER TABLE Runs ADD KEY IX_Runs_Parent_Created (ParentRunId, CreatedAt, Id);
