-- Serves the listing of a run's children (ListChildrenOfRun: newest first, keyset paged) as a range of its order, so a
-- page reads its rows instead of sorting all of the run's children. Partial: a run without a parent (almost every run)
-- is not in it and costs it nothing on insert.
CREATE INDEX IX_Runs_Parent_Created ON Runs (ParentRunId, CreatedAt, Id) WHERE ParentRunId IS NOT NULL;
