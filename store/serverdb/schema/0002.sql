-- 0002: the server's epoch, the positions the server gave each device, and
-- when each revocation was made.

-- server_epoch is one row naming this life of the database: a random id made
-- with it (by serverdb, which has the randomness SQL lacks) and replaced by
-- `iro serve restore` / `new-epoch`. Devices send it back; one from another
-- life means the database was restored from a backup under them.
CREATE TABLE IF NOT EXISTS server_epoch (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	epoch TEXT NOT NULL
);

-- issued is the highest cursor the server has handed the device. A device
-- asking from a higher one holds a cursor from a life of the database this
-- one does not remember (a restore from a backup). Devices enrolled before
-- this migration may hold any cursor up to the counter.
ALTER TABLE device ADD COLUMN issued BIGINT NOT NULL DEFAULT 0;
UPDATE device SET issued = (SELECT n FROM counter WHERE id = 1);

-- pulled was the highest cursor the device asked changes from; from now on
-- it is purged: every child revoked from the device's IRO at or below it is
-- purged on the device, which the device says by asking from past it with
-- the child not among those it still holds. A revocation a device had pulled
-- past closed its access before, and still does.
ALTER TABLE device RENAME COLUMN pulled TO purged;

-- revoked_at starts the grace period in which a device may still push what
-- it made before it learnt of the revocation. The dialect's file sets the
-- revocations made before this migration to now: their grace starts today.
ALTER TABLE revocation ADD COLUMN revoked_at TEXT NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS revocation_child ON revocation (child_id, iro, change_no);
