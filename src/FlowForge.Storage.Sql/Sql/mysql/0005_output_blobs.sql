-- Outputs over Engine:InlineOutputBytes are kept in the blob store, the Blobs table: the node's row then holds
-- the blob's id and size instead of the text, and Output is NULL. Blobs are keyed by run first, so a run's
-- blobs are deleted with one range of the primary key. A blob travels in one packet: max_allowed_packet must
-- exceed Engine:MaxOutputBytes (MariaDB 10.6+ and MySQL 8 allow 64 MiB by default).

ALTER TABLE NodeInstances
    ADD COLUMN OutputBlob BINARY(16) NULL,
    ADD COLUMN OutputBytes BIGINT NULL;

CREATE TABLE IF NOT EXISTS Blobs (
    RunId BINARY(16) NOT NULL,
    Id BINARY(16) NOT NULL,
    Content LONGBLOB NOT NULL,
    CreatedAt BIGINT NOT NULL,
    PRIMARY KEY (RunId, Id)
) ENGINE = InnoDB;
