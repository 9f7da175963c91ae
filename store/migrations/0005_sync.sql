-- Sync, the laptop's side: the enrolment with `iro serve`, what the device
-- last saw of each record on the server, conflicts left for the IRO to
-- resolve, revoked children waiting to be purged, and pulled records
-- waiting for their parent.
--
-- The conventions of 0001–0004 hold. Every sync_* table is this laptop's
-- own bookkeeping: no outbox op ever names one (check.go's localTables).

-- An op is fenced once it has gone out in a push batch: autosave must not
-- fold new text into it (the server would see one op id with two payloads),
-- and a crash before the reply re-sends it unchanged. It stays 'pending'
-- until the reply arrives. reason says why the server (or the device, for
-- an op too large to send) rejected it; rejected ops are kept and shown.
ALTER TABLE outbox ADD COLUMN sent_at TEXT; -- UTC timestamp; NULL until first sent
ALTER TABLE outbox ADD COLUMN reason TEXT NOT NULL DEFAULT '';

-- One row (id '1'): the server this laptop is enrolled with. The device
-- token is sealed under sync_state|token|1. cursor is the server's change
-- number to pull from next; it only moves in the transaction that applies
-- the page it came with. last_sync is the last sync that succeeded;
-- last_error the last attempt's error ('' when it succeeded).
CREATE TABLE sync_state (
    id         TEXT    PRIMARY KEY CHECK (id = '1'),
    server     TEXT    NOT NULL,
    device_id  TEXT    NOT NULL,
    iro        TEXT    NOT NULL,
    token      BLOB    NOT NULL,
    cursor     INTEGER NOT NULL DEFAULT 0 CHECK (cursor >= 0),
    last_sync  TEXT,
    last_error TEXT    NOT NULL DEFAULT ''
) STRICT;

-- The server version of each record as the device last pulled it: the base
-- version its ops are pushed against. Only pulls set it, and never while the
-- record has pending ops, so an op's base is the one it was made against.
-- No foreign key: it names rows of many tables, and outlives a local delete.
CREATE TABLE sync_entity (
    entity         TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    child_id       TEXT    NOT NULL,
    server_version INTEGER NOT NULL CHECK (server_version >= 0),
    PRIMARY KEY (entity, id)
) STRICT;
CREATE INDEX sync_entity_child ON sync_entity (child_id);

-- A field the server kept its own value of when it applied one of this
-- device's ops: both values wait here for the IRO to choose. Values are
-- JSON, sealed under sync_conflict|local or server|uid. id is what the
-- screens name a conflict by; AUTOINCREMENT so that a stale screen can
-- never resolve a newer conflict that took a replaced one's number. uid is
-- the sealing row id: a TEXT key of its own, because a sealed value's AAD
-- names its row by text. A newer conflict on the same field replaces the
-- older (UNIQUE below). child_id lets a purge find a child's conflicts.
CREATE TABLE sync_conflict (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    uid            TEXT    NOT NULL UNIQUE,
    entity         TEXT    NOT NULL,
    entity_id      TEXT    NOT NULL,
    child_id       TEXT    NOT NULL,
    field          TEXT    NOT NULL,
    local          BLOB    NOT NULL,
    server         BLOB    NOT NULL,
    server_version INTEGER NOT NULL,
    op_id          TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    UNIQUE (entity, entity_id, field)
) STRICT;
CREATE INDEX sync_conflict_child ON sync_conflict (child_id);

-- Children the server took out of the IRO's allocation while ops were still
-- waiting to be pushed: push first, then purge, so they are purged by the
-- first pull that finds the outbox drained.
CREATE TABLE sync_revoked (
    child_id   TEXT PRIMARY KEY,
    revoked_at TEXT NOT NULL
) STRICT;

-- Pulled records whose parent is not here yet (pages are cut by change
-- number, so a section can arrive a page before the review it belongs to
-- when the review changed later) or that collide with a local row. Each is
-- retried by every later pull and applied once it fits, so a cursor never
-- moves past a record that was not applied. id is entity || '/' || entity_id;
-- record is the protocol.Entity as JSON, sealed under sync_parked|record|id.
CREATE TABLE sync_parked (
    id        TEXT    PRIMARY KEY,
    entity    TEXT    NOT NULL,
    entity_id TEXT    NOT NULL,
    child_id  TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    record    BLOB    NOT NULL,
    parked_at TEXT    NOT NULL
) STRICT;
CREATE INDEX sync_parked_child ON sync_parked (child_id);

-- Purging a revoked child is one DELETE FROM child, and it needs no change
-- to the append-only triggers: progress has no DELETE trigger (only UPDATE
-- is refused, so the cascade from its recommendation goes through), and
-- challenge_step_no_delete (0003) refuses a delete only while the step's
-- challenge still exists, which it no longer does when the cascade from the
-- challenge reaches its steps. A marker table to let a purge through would
-- only add a second way in. TestSyncRevokePurges proves it.
