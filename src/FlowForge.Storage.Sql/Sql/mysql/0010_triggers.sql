-- Triggers: a flow is active or not; its webhook nodes have keys that stay stable across versions; schedule
-- firings are claimed rows, one per flow, node and due time, so several processes fire each due time once.
-- ActivatedAt is when the flow was last activated: due times before it are not owed to anyone.
-- A webhook key is looked up by its SHA-256 (hex), never compared as text; the key itself is kept to show
-- the URL to the flow's owner.

ALTER TABLE Flows
    ADD COLUMN Active INT NOT NULL DEFAULT 0,
    ADD COLUMN ActivatedAt BIGINT NULL,
    ADD KEY IX_Flows_Active (Active, DeletedAt);

CREATE TABLE IF NOT EXISTS WebhookKeys (
    FlowId BINARY(16) NOT NULL,
    NodeId VARCHAR(500) NOT NULL,
    KeyHash CHAR(64) NOT NULL,
    UrlKey VARCHAR(100) NOT NULL,
    CreatedAt BIGINT NOT NULL,
    PRIMARY KEY (FlowId, NodeId),
    UNIQUE KEY UX_WebhookKeys_KeyHash (KeyHash)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- RunId is NULL for a due time passed over (missed: "skip").
CREATE TABLE IF NOT EXISTS TriggerFirings (
    FlowId BINARY(16) NOT NULL,
    NodeId VARCHAR(500) NOT NULL,
    DueAt BIGINT NOT NULL,
    RunId BINARY(16) NULL,
    ClaimedAt BIGINT NOT NULL,
    PRIMARY KEY (FlowId, NodeId, DueAt)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
