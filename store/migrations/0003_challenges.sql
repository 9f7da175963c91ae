-- Challenges: the IRO's disputes with the local authority under its
-- dispute-resolution process, each with an append-only history of steps
-- (sent to a stage, response, outcome, correction).
--
-- The conventions of 0001 and 0002 hold. Category, kind and outcome are not
-- CHECKed: their lists live in internal/challenge and may grow.

-- review.id and recommendation.id are already unique; these indexes only let
-- challenge name (review_id, child_id) and (recommendation_id, child_id) as
-- foreign keys, so a challenge can never point at another child's review.
CREATE UNIQUE INDEX recommendation_id_child ON recommendation (id, child_id);

-- review_id and recommendation_id are NULL when the challenge did not arise
-- from one; SQLite does not check a foreign key with a NULL column. Their
-- foreign keys take no ON DELETE action: a challenge is a record of what the
-- IRO did and must not vanish because a review was deleted, so deleting one
-- that a challenge names is refused. A purged child takes everything with it
-- in one statement, which the check at the statement's end allows.
CREATE TABLE challenge (
    id                TEXT    PRIMARY KEY,
    child_id          TEXT    NOT NULL REFERENCES child (id) ON DELETE CASCADE,
    review_id         TEXT,
    recommendation_id TEXT,
    version           INTEGER NOT NULL CHECK (version >= 1),
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    raised            TEXT,
    category          TEXT    NOT NULL,
    issue             BLOB    NOT NULL,
    decision          BLOB    NOT NULL,
    remedy            BLOB    NOT NULL,
    FOREIGN KEY (review_id, child_id) REFERENCES review (id, child_id),
    FOREIGN KEY (recommendation_id, child_id) REFERENCES recommendation (id, child_id)
) STRICT;
CREATE INDEX challenge_child ON challenge (child_id);
CREATE INDEX challenge_review ON challenge (review_id, child_id);
CREATE INDEX challenge_recommendation ON challenge (recommendation_id, child_id);

-- Append-only, like progress: no version, no updated_at. seq is the step's
-- place in its challenge's history (1, 2, …), given by the store, because
-- the rules read the history in order and dates may tie. corrects names an
-- earlier step of the same history (NULL unless a correction).
CREATE TABLE challenge_step (
    id           TEXT    PRIMARY KEY,
    challenge_id TEXT    NOT NULL REFERENCES challenge (id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL CHECK (seq >= 1),
    kind         TEXT    NOT NULL,
    on_date      TEXT,
    stage        INTEGER NOT NULL, -- ladder index; -1 for a Cafcass referral
    stage_name   TEXT    NOT NULL, -- the LA's name for the stage, kept if the ladder changes
    addressee    BLOB    NOT NULL,
    response_due TEXT,
    text         BLOB    NOT NULL,
    outcome      TEXT    NOT NULL, -- '' unless kind is 'outcome'
    corrects     TEXT    REFERENCES challenge_step (id),
    created_at   TEXT    NOT NULL,
    UNIQUE (challenge_id, seq)
) STRICT;
CREATE INDEX challenge_step_corrects ON challenge_step (corrects);

-- Nothing in a history is ever changed or removed: a mistake is put right by
-- a correction step. The one exception is the cascade when the challenge
-- itself goes (a child purged after a revoke): by the time it reaches the
-- steps the challenge row is already gone, which is what lets it through.
CREATE TRIGGER challenge_step_no_update BEFORE UPDATE ON challenge_step
BEGIN
    SELECT RAISE(ABORT, 'challenge_step is append-only');
END;
CREATE TRIGGER challenge_step_no_delete BEFORE DELETE ON challenge_step
WHEN EXISTS (SELECT 1 FROM challenge WHERE id = OLD.challenge_id)
BEGIN
    SELECT RAISE(ABORT, 'challenge_step is append-only');
END;
