-- Triggers: a flow is active or not; its webhook nodes have keys that stay stable across versions; schedule
-- firings are claimed rows, one per flow, node and due time, so several processes fire each due time once.
-- ActivatedAt is when the flow was last activated: due times before it are not owed to anyone.
-- A webhook key is looked up by its SHA-256 (hex), never compared as text; the key itself is kept to show
-- the URL to the flow's owner.

ALTER TABLE Flows ADD COLUMN Active INTEGER NOT NULL DEFAULT 0, ADD COLUMN ActivatedAt BIGINT NULL;
CREATE INDEX IX_Flows_Active ON Flows (Id) WHERE Active = 1 AND DeletedAt IS NULL;

CREATE TABLE WebhookKeys (
    FlowId uuid NOT NULL,
    NodeId TEXT NOT NULL,
    KeyHash TEXT NOT NULL,
    UrlKey TEXT NOT NULL,
    CreatedAt BIGINT NOT NULL,
    PRIMARY KEY (FlowId, NodeId)
);
CREATE UNIQUE INDEX UX_WebhookKeys_KeyHash ON WebhookKeys (KeyHash);

-- RunId is NULL for a due time passed over (missed: "skip").
CREATE TABLE TriggerFirings (
    FlowId uuid NOT NULL,
    NodeId TEXT NOT NULL,
    DueAt BIGINT NOT NULL,
    RunId uuid NULL,
    ClaimedAt BIGINT NOT NULL,
    PRIMARY KEY (FlowId, NodeId, DueAt)
);
