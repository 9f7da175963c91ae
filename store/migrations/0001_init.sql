-- The first laptop schema: settings, the wrapped key, the caseload, bank
-- holidays and the outbox.
--
-- Conventions:
--   * Entity ids are UUIDv7 text made on the device; version counts saved
--     changes for sync conflict detection.
--   * Timestamps are UTC text (YYYY-MM-DDTHH:MM:SS.ffffffZ) so they sort.
--   * Civil dates are YYYY-MM-DD text, NULL when there is no date.
--   * BLOB columns are sealed by the vault (AAD = table|column|row id|key
--     version); SQL never sees their plaintext, so never filter or sort on them.
--   * STRICT tables, so a wrong type from a buggy caller is an error rather
--     than a silently coerced value.

-- 'IRO1': lets Open tell an iro database from any other SQLite file.
PRAGMA application_id = 1230130993;

-- Non-sensitive preferences only: values are plaintext.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- One row: the data key wrapped under the passphrase. The Argon2id floor is
-- enforced by the vault on unlock, not here, because whoever can edit this
-- row can also drop a CHECK.
CREATE TABLE key_material (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    salt              BLOB    NOT NULL,
    argon2_time       INTEGER NOT NULL,
    argon2_memory_kib INTEGER NOT NULL,
    argon2_threads    INTEGER NOT NULL,
    key_version       INTEGER NOT NULL,
    wrapped_key       BLOB    NOT NULL,
    is_demo           INTEGER NOT NULL CHECK (is_demo IN (0, 1)),
    created_at        TEXT    NOT NULL
) STRICT;

CREATE TABLE child (
    id                     TEXT    PRIMARY KEY,
    version                INTEGER NOT NULL CHECK (version >= 1),
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL,
    la_id                  BLOB    NOT NULL,
    first_name             BLOB    NOT NULL,
    last_name              BLOB    NOT NULL,
    dob                    BLOB    NOT NULL,
    sex                    TEXT    NOT NULL,
    ethnicity              TEXT    NOT NULL,
    upn                    BLOB    NOT NULL,
    home_la                TEXT    NOT NULL,
    iro_allocated          TEXT,
    care_plan_agreed       TEXT,
    last_health_assessment TEXT,
    last_pep_review        TEXT,
    plan_status            BLOB    NOT NULL
) STRICT;

CREATE TABLE episode (
    id                TEXT    PRIMARY KEY,
    child_id          TEXT    NOT NULL REFERENCES child (id) ON DELETE CASCADE,
    version           INTEGER NOT NULL CHECK (version >= 1),
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    start_date        TEXT,
    end_date          TEXT,
    legal_status      TEXT    NOT NULL,
    placement         TEXT    NOT NULL,
    reason_new        TEXT    NOT NULL,
    reason_end        TEXT    NOT NULL,
    provider          BLOB    NOT NULL,
    postcode_district BLOB    NOT NULL,
    distance_miles    REAL    NOT NULL,
    out_of_area       INTEGER NOT NULL CHECK (out_of_area IN (0, 1))
) STRICT;
CREATE INDEX episode_child ON episode (child_id);

CREATE TABLE cp_plan (
    id                  TEXT    PRIMARY KEY,
    child_id            TEXT    NOT NULL REFERENCES child (id) ON DELETE CASCADE,
    version             INTEGER NOT NULL CHECK (version >= 1),
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    strategy_discussion TEXT,
    category            TEXT    NOT NULL,
    start_date          TEXT,
    end_date            TEXT
) STRICT;
CREATE INDEX cp_plan_child ON cp_plan (child_id);

CREATE TABLE review (
    id                   TEXT    PRIMARY KEY,
    child_id             TEXT    NOT NULL REFERENCES child (id) ON DELETE CASCADE,
    version              INTEGER NOT NULL CHECK (version >= 1),
    created_at           TEXT    NOT NULL,
    updated_at           TEXT    NOT NULL,
    kind                 TEXT    NOT NULL CHECK (kind IN ('lac', 'cp', 'short_breaks')),
    sequence             INTEGER NOT NULL,
    due                  TEXT,
    scheduled            TEXT,
    held                 TEXT,
    location             BLOB    NOT NULL,
    participation_code   TEXT    NOT NULL,
    state                TEXT    NOT NULL,
    decisions_circulated TEXT,
    record_circulated    TEXT
) STRICT;
CREATE INDEX review_child ON review (child_id);

-- Public data from GOV.UK, so plaintext.
CREATE TABLE holiday (
    date  TEXT PRIMARY KEY,
    title TEXT NOT NULL
) STRICT;

-- Changes waiting to be pushed, in the order they were made. entity_id has no
-- foreign key: an op must outlive the row it describes (a later delete, a
-- purge after revoke) until the server has it. The state CHECK already lists
-- the states sync will use, so adding them needs no table rebuild.
CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id        TEXT    NOT NULL UNIQUE,
    entity       TEXT    NOT NULL,
    entity_id    TEXT    NOT NULL,
    op           TEXT    NOT NULL,
    payload      BLOB    NOT NULL,
    base_version INTEGER NOT NULL,
    created_at   TEXT    NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'acked', 'rejected'))
) STRICT;
CREATE INDEX outbox_state ON outbox (state, seq);
