-- Outputs over Engine:InlineOutputBytes are kept in the blob store (on SQLite, files in a folder beside the
-- database): the node's row then holds the blob's id and size instead of the text, and Output is NULL.

ALTER TABLE NodeInstances ADD COLUMN OutputBlob BLOB NULL;
ALTER TABLE NodeInstances ADD COLUMN OutputBytes INTEGER NULL;
