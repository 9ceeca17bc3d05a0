-- Outputs over Engine:InlineOutputBytes are kept in the blob store, the Blobs table: the node's row then holds
-- the blob's id and size instead of the text, and Output is NULL. Blobs are keyed by run first, so a run's
-- blobs are deleted with one range of the primary key.

ALTER TABLE NodeInstances ADD COLUMN OutputBlob uuid NULL, ADD COLUMN OutputBytes BIGINT NULL;

CREATE TABLE Blobs (
    RunId uuid NOT NULL,
    Id uuid NOT NULL,
    Content bytea NOT NULL,
    CreatedAt BIGINT NOT NULL,
    PRIMARY KEY (RunId, Id)
);
