-- The review cycle: preparing a review (consultations, documents, the
-- care-plan checklist), conducting it (the meeting, attendees, agenda
-- sections and their notes, recommendations) and following it up (progress
-- on recommendations, monitoring between reviews).
--
-- The conventions of 0001 hold. A sealed column's AAD row id is its row's
-- id; meeting has no id of its own (one per review), so it uses review_id.
-- Enumerated values (who, how, kind, topic, attendance, status) are not
-- CHECKed: their lists live in internal/review and may grow, and a CHECK
-- can only be changed by rebuilding the table.
--
-- Like every migration, this runs in one transaction with the user_version
-- bump, so it is applied exactly once or not at all.

-- One per review: what belongs to the meeting itself rather than to the
-- review's dates and state (which stay on review).
CREATE TABLE meeting (
    review_id  TEXT    PRIMARY KEY REFERENCES review (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    started_at TEXT,            -- UTC timestamp; NULL until the IRO opens the meeting
    held_at    TEXT,            -- UTC timestamp; NULL until ended as held
    wishes     BLOB    NOT NULL,
    letter     BLOB    NOT NULL
) STRICT;

CREATE TABLE consultation (
    id         TEXT    PRIMARY KEY,
    review_id  TEXT    NOT NULL REFERENCES review (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    who        TEXT    NOT NULL,
    name       BLOB    NOT NULL,
    how        TEXT    NOT NULL,
    on_date    TEXT,
    seen_alone INTEGER NOT NULL CHECK (seen_alone IN (0, 1)),
    summary    BLOB    NOT NULL
) STRICT;
CREATE INDEX consultation_review ON consultation (review_id);

-- One row per review and kind of report; absent or received NULL: not yet.
CREATE TABLE document (
    id         TEXT    PRIMARY KEY,
    review_id  TEXT    NOT NULL REFERENCES review (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind <> ''),
    received   TEXT,
    UNIQUE (review_id, kind)
) STRICT;

CREATE TABLE checklist_item (
    id          TEXT    PRIMARY KEY,
    review_id   TEXT    NOT NULL REFERENCES review (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL CHECK (version >= 1),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    topic       TEXT    NOT NULL CHECK (topic <> ''),
    check_value TEXT    NOT NULL,
    note        BLOB    NOT NULL,
    UNIQUE (review_id, topic)
) STRICT;

CREATE TABLE attendee (
    id         TEXT    PRIMARY KEY,
    review_id  TEXT    NOT NULL REFERENCES review (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    name       BLOB    NOT NULL,
    role       TEXT    NOT NULL,
    attendance TEXT    NOT NULL
) STRICT;
CREATE INDEX attendee_review ON attendee (review_id);

-- No UNIQUE (review_id, position): reordering moves one section at a time,
-- and a swap would collide half-way. Readers break ties by id.
CREATE TABLE section (
    id         TEXT    PRIMARY KEY,
    review_id  TEXT    NOT NULL REFERENCES review (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    position   INTEGER NOT NULL CHECK (position >= 0),
    title      BLOB    NOT NULL,
    notes      BLOB    NOT NULL
) STRICT;
CREATE INDEX section_review ON section (review_id, position);

-- review.id is already unique; this index only lets recommendation name
-- (review_id, child_id) as a foreign key, so that a recommendation can never
-- belong to one child and another child's review.
CREATE UNIQUE INDEX review_id_child ON review (id, child_id);

-- status is the latest status set by a progress entry (a cache of the
-- append-only progress stream); 'open' until then.
CREATE TABLE recommendation (
    id         TEXT    PRIMARY KEY,
    child_id   TEXT    NOT NULL REFERENCES child (id) ON DELETE CASCADE,
    review_id  TEXT    NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    text       BLOB    NOT NULL,
    owner_role TEXT    NOT NULL,
    owner_name BLOB    NOT NULL,
    due        TEXT,
    status     TEXT    NOT NULL,
    FOREIGN KEY (review_id, child_id) REFERENCES review (id, child_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX recommendation_child ON recommendation (child_id);
CREATE INDEX recommendation_review ON recommendation (review_id, child_id);

-- Append-only: rows are never changed, so they carry no version and no
-- updated_at, and a trigger refuses any UPDATE. Deletes still cascade (a
-- child purged after a revoke takes its history with it).
CREATE TABLE progress (
    id                TEXT PRIMARY KEY,
    recommendation_id TEXT NOT NULL REFERENCES recommendation (id) ON DELETE CASCADE,
    created_at        TEXT NOT NULL,
    on_date           TEXT,
    text              BLOB NOT NULL,
    chased            BLOB NOT NULL,
    status            TEXT NOT NULL -- '' when the entry did not change the status
) STRICT;
CREATE INDEX progress_recommendation ON progress (recommendation_id, created_at);
CREATE TRIGGER progress_append_only BEFORE UPDATE ON progress
BEGIN
    SELECT RAISE(ABORT, 'progress is append-only');
END;

CREATE TABLE monitoring (
    id         TEXT    PRIMARY KEY,
    child_id   TEXT    NOT NULL REFERENCES child (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    on_date    TEXT,
    contact    BLOB    NOT NULL,
    checked    BLOB    NOT NULL,
    outcome    BLOB    NOT NULL
) STRICT;
CREATE INDEX monitoring_child ON monitoring (child_id);

-- Autosave looks up the newest op for one entity on every keystroke pause;
-- without this it would scan the whole outbox.
CREATE INDEX outbox_entity ON outbox (entity, entity_id, seq);
