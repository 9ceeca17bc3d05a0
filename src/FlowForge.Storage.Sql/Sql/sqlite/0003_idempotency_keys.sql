-- Idempotency keys of runs when runs are spread over several databases (Storage:Shards): shard 0 records
-- which run id a key was first given to, and the run is written to that id's shard. A single database
-- leaves the table empty: the unique index on Runs decides there.

CREATE TABLE IdempotencyKeys (
    OwnerId BLOB NOT NULL,
    FlowId BLOB NOT NULL,
    IdempotencyKey TEXT NOT NULL,
    RunId BLOB NOT NULL,
    PRIMARY KEY (OwnerId, FlowId, IdempotencyKey)
) WITHOUT ROWID;
