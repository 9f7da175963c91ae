-- Pulled records this laptop cannot store (issue 11): a field holding a
-- JSON object, a create missing a required field, a code the schema
-- refuses. Before, one such record failed its whole page for good, so
-- nothing after it arrived, revocations and purges included. Now each is
-- set aside here and the rest of the page applies; the IRO is shown the
-- list with the reason, and the admin repairs the record on the server
-- (`iro serve record`), whose newer version then replaces it here.
--
-- id is entity || '/' || entity_id, the row id record is sealed under
-- (sync_set_aside|record|id): record is the protocol.Entity as pulled, as
-- JSON, which may hold a child's details. server_version is the version
-- that could not be stored. reason is in plain words and names fields,
-- never their values; it is read without the key, like the other counts
-- the footer shows while locked. child_id lets a purge find them. Like
-- every sync_* table it is this laptop's own bookkeeping.
CREATE TABLE sync_set_aside (
    id             TEXT    PRIMARY KEY,
    entity         TEXT    NOT NULL,
    entity_id      TEXT    NOT NULL,
    child_id       TEXT    NOT NULL,
    server_version INTEGER NOT NULL,
    record         BLOB    NOT NULL,
    reason         TEXT    NOT NULL,
    set_aside_at   TEXT    NOT NULL
) STRICT;
CREATE INDEX sync_set_aside_child ON sync_set_aside (child_id);
