-- The Walrus tables of the indexer. Sui IDs, addresses, blob IDs and digests are their
-- 32 raw bytes; Move u64 amounts (prices, balances, sizes) are numeric(20,0) because
-- they may exceed bigint; checkpoints, versions, epochs and timestamps are bigint.

-- Every Walrus event, in chain order, plus the events the indexer derives (NodeRewards
-- at each epoch change). (checkpoint, idx) is the position in the event feed.
CREATE TABLE events (
    checkpoint   bigint  NOT NULL,
    idx          integer NOT NULL,
    tx_digest    bytea   NOT NULL,
    tx_index     integer NOT NULL,
    event_index  integer,
    timestamp_ms bigint  NOT NULL,
    name         text    NOT NULL,
    type         text    NOT NULL,
    bcs          bytea   NOT NULL,
    data         jsonb   NOT NULL,
    blob_id      bytea,
    object_id    bytea,
    node_id      bytea,
    PRIMARY KEY (checkpoint, idx)
);
CREATE INDEX events_by_name ON events (name, checkpoint, idx);
CREATE INDEX events_by_blob_id ON events (blob_id, checkpoint, idx) WHERE blob_id IS NOT NULL;
CREATE INDEX events_by_object_id ON events (object_id, checkpoint, idx) WHERE object_id IS NOT NULL;
CREATE INDEX events_by_node_id ON events (node_id, checkpoint, idx) WHERE node_id IS NOT NULL;

COMMENT ON TABLE events IS 'Walrus events in chain order and the events derived from them; the event feed.';
COMMENT ON COLUMN events.idx IS 'Position among the feed events of the checkpoint, from 0.';
COMMENT ON COLUMN events.tx_index IS 'Index of the transaction in the checkpoint.';
COMMENT ON COLUMN events.event_index IS 'Index of the event among the events of its transaction; NULL for derived events.';
COMMENT ON COLUMN events.name IS 'Struct name: BlobRegistered, ..., or NodeRewards for derived events.';
COMMENT ON COLUMN events.type IS 'Full Move type as emitted (original package address), or tusk::rewards::NodeRewards.';
COMMENT ON COLUMN events.bcs IS 'The event contents (BCS).';
COMMENT ON COLUMN events.data IS 'The decoded contents as JSON: snake_case Move field names, u64 and larger as strings.';
COMMENT ON COLUMN events.blob_id IS 'The blob ID of blob events.';
COMMENT ON COLUMN events.object_id IS 'The Blob (or storage pool) object of blob events.';
COMMENT ON COLUMN events.node_id IS 'The storage node of node events.';

-- Current state of every Blob object, updated only by newer object versions.
CREATE TABLE blobs (
    object_id          bytea         PRIMARY KEY,
    version            bigint        NOT NULL,
    blob_id            bytea         NOT NULL,
    owner_kind         text          NOT NULL,
    owner              bytea,
    size               numeric(20,0) NOT NULL,
    encoding_type      smallint      NOT NULL,
    encoded_size       numeric(20,0),
    storage_id         bytea         NOT NULL,
    storage_size       numeric(20,0) NOT NULL,
    registered_epoch   bigint        NOT NULL,
    certified_epoch    bigint,
    start_epoch        bigint        NOT NULL,
    end_epoch          bigint        NOT NULL,
    deletable          boolean       NOT NULL,
    deleted            boolean       NOT NULL DEFAULT false,
    invalid            boolean       NOT NULL DEFAULT false,
    attributes         jsonb,
    attributes_id      bytea         NOT NULL,
    attributes_version bigint,
    created_checkpoint bigint        NOT NULL,
    updated_checkpoint bigint        NOT NULL,
    deleted_checkpoint bigint
);
CREATE INDEX blobs_by_blob_id ON blobs (blob_id, object_id);
CREATE INDEX blobs_by_owner ON blobs (owner, created_checkpoint DESC, object_id DESC) WHERE owner IS NOT NULL;
CREATE INDEX blobs_by_attributes_id ON blobs (attributes_id);

COMMENT ON TABLE blobs IS 'Current state of each Blob object; a row changes only for a newer object version.';
COMMENT ON COLUMN blobs.version IS 'Object version of this state (for deletions and wraps, the deleting transaction''s version).';
COMMENT ON COLUMN blobs.owner_kind IS 'address, object, shared (inside a SharedBlob, owner = that object), immutable, party, or wrapped (owner = last direct owner).';
COMMENT ON COLUMN blobs.size IS 'Unencoded size in bytes.';
COMMENT ON COLUMN blobs.encoded_size IS 'Encoded size for the committee''s shard count, when known.';
COMMENT ON COLUMN blobs.storage_size IS 'Encoded bytes reserved by the blob''s Storage resource.';
COMMENT ON COLUMN blobs.end_epoch IS 'First epoch the blob is no longer stored (exclusive).';
COMMENT ON COLUMN blobs.invalid IS 'An InvalidBlobID event was seen for the blob ID.';
COMMENT ON COLUMN blobs.attributes IS 'The blob''s metadata attributes as a JSON object, NULL when it has none.';
COMMENT ON COLUMN blobs.attributes_id IS 'Object ID of the dynamic field that holds the attributes.';

-- Blob IDs declared invalid (InvalidBlobID).
CREATE TABLE invalid_blobs (
    blob_id    bytea  PRIMARY KEY,
    epoch      bigint NOT NULL,
    checkpoint bigint NOT NULL,
    tx_digest  bytea  NOT NULL
);

-- Walrus epochs.
CREATE TABLE epochs (
    epoch              bigint PRIMARY KEY,
    start_checkpoint   bigint,
    start_ms           bigint,
    sync_done_ms       bigint,
    params_selected_ms bigint,
    n_shards           integer,
    epoch_duration_ms  bigint,
    storage_price      numeric(20,0),
    write_price        numeric(20,0),
    total_capacity     numeric(20,0),
    used_capacity      numeric(20,0),
    system_version     bigint,
    staking_version    bigint
);

COMMENT ON TABLE epochs IS 'Walrus epochs: start (EpochChangeStart), sync done (EpochChangeDone), prices and capacity from the System state.';
COMMENT ON COLUMN epochs.params_selected_ms IS 'When this epoch''s committee and parameters were selected (EpochParametersSelected).';
COMMENT ON COLUMN epochs.system_version IS 'Version of the System inner-state object the prices and capacity come from.';
COMMENT ON COLUMN epochs.staking_version IS 'Version of the Staking inner-state object n_shards and the duration come from.';

-- The committee of each epoch: node and shards.
CREATE TABLE committees (
    epoch   bigint    NOT NULL,
    node_id bytea     NOT NULL,
    shards  integer[] NOT NULL,
    PRIMARY KEY (epoch, node_id)
);

-- Storage nodes (their staking pools), current state.
CREATE TABLE nodes (
    node_id                  bytea         PRIMARY KEY,
    version                  bigint        NOT NULL,
    name                     text          NOT NULL,
    network_address          text          NOT NULL,
    public_key               bytea         NOT NULL,
    next_epoch_public_key    bytea,
    network_public_key       bytea         NOT NULL,
    state                    text          NOT NULL,
    withdraw_epoch           bigint,
    activation_epoch         bigint        NOT NULL,
    latest_epoch             bigint        NOT NULL,
    commission_rate          integer       NOT NULL,
    pending_commission_rates jsonb         NOT NULL,
    commission_receiver      text          NOT NULL,
    governance_authorized    text          NOT NULL,
    storage_price_vote       numeric(20,0) NOT NULL,
    write_price_vote         numeric(20,0) NOT NULL,
    node_capacity_vote       numeric(20,0) NOT NULL,
    wal_balance              numeric(20,0) NOT NULL,
    num_shares               numeric(20,0) NOT NULL,
    pending_stake            numeric(20,0) NOT NULL,
    rewards_pool             numeric(20,0) NOT NULL,
    commission               numeric(20,0) NOT NULL,
    metadata_id              bytea         NOT NULL,
    metadata                 jsonb,
    metadata_version         bigint,
    pool_bcs                 bytea         NOT NULL,
    created_checkpoint       bigint        NOT NULL,
    updated_checkpoint       bigint        NOT NULL
);
CREATE INDEX nodes_by_metadata_id ON nodes (metadata_id);

COMMENT ON TABLE nodes IS 'Storage nodes: the latest version of each StakingPool (node ID = pool ID).';
COMMENT ON COLUMN nodes.commission_receiver IS 'address:0x... or object:0x... (walrus::auth::Authorized).';
COMMENT ON COLUMN nodes.metadata_id IS 'UID of the ExtendedField holding the NodeMetadata.';
COMMENT ON COLUMN nodes.pool_bcs IS 'BCS of the StakingPool at version: the previous state rewards are derived from.';

-- Stake of each node per Walrus epoch: the pool's latest state during that epoch.
CREATE TABLE stake (
    node_id         bytea         NOT NULL,
    epoch           bigint        NOT NULL,
    version         bigint        NOT NULL,
    wal_balance     numeric(20,0) NOT NULL,
    num_shares      numeric(20,0) NOT NULL,
    pending_stake   numeric(20,0) NOT NULL,
    commission_rate integer       NOT NULL,
    checkpoint      bigint        NOT NULL,
    PRIMARY KEY (node_id, epoch)
);

-- Rewards of each node for each epoch, derived from its pool's state before and after
-- the epoch change that distributed them.
CREATE TABLE rewards (
    node_id         bytea         NOT NULL,
    epoch           bigint        NOT NULL,
    reward          numeric(20,0) NOT NULL,
    commission      numeric(20,0) NOT NULL,
    commission_rate integer       NOT NULL,
    stake_after     numeric(20,0) NOT NULL,
    checkpoint      bigint        NOT NULL,
    tx_digest       bytea         NOT NULL,
    PRIMARY KEY (node_id, epoch)
);

COMMENT ON COLUMN rewards.epoch IS 'The epoch the rewards were earned in (distributed at the change to epoch + 1).';
COMMENT ON COLUMN rewards.reward IS 'Total reward of the pool (commission included), FROST.';
COMMENT ON COLUMN rewards.stake_after IS 'The pool''s wal_balance after the epoch change.';

-- Running totals, maintained by the ingestion transactions.
CREATE TABLE stats (
    id           boolean PRIMARY KEY DEFAULT true CHECK (id),
    events       bigint  NOT NULL DEFAULT 0,
    blob_objects bigint  NOT NULL DEFAULT 0
);
INSERT INTO stats DEFAULT VALUES;

---- create above / drop below ----

DROP TABLE stats;
DROP TABLE rewards;
DROP TABLE stake;
DROP TABLE nodes;
DROP TABLE committees;
DROP TABLE epochs;
DROP TABLE invalid_blobs;
DROP TABLE blobs;
DROP TABLE events;
