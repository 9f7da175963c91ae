-- Sync across a deallocation and a server restore (issue 11).
--
-- pulled_to is the server cursor this laptop had pulled to when the op was
-- queued (0 before the first pull, and for ops queued before this
-- migration). The server takes an op on a child taken out of the IRO's
-- allocation only if it was made before the laptop learnt of that, which a
-- cursor tells without trusting the laptop's clock. Autosave never folds
-- text into an op stamped before the latest pull.
ALTER TABLE outbox ADD COLUMN pulled_to INTEGER NOT NULL DEFAULT 0 CHECK (pulled_to >= 0);
-- A trigger stamps it, in the transaction that queues the op, so that no
-- path can queue an op without (store's pulledToNow, which autosave compares with, is the same expression).
CREATE TRIGGER outbox_pulled_to AFTER INSERT ON outbox
BEGIN
    UPDATE outbox SET pulled_to = COALESCE((SELECT cursor FROM sync_state WHERE id = '1'), 0) WHERE seq = NEW.seq;
END;

-- resent marks an acknowledged op queued again because the server was
-- restored from a backup that may predate it. Its answer was recorded the
-- first time: a duplicate answer only acknowledges it again, and does not
-- bring back conflicts the IRO has since resolved.
ALTER TABLE outbox ADD COLUMN resent INTEGER NOT NULL DEFAULT 0 CHECK (resent IN (0, 1));

-- epoch is the server's epoch (one life of its database) the cursor
-- belongs to; '' until the first sync tells it.
ALTER TABLE sync_state ADD COLUMN epoch TEXT NOT NULL DEFAULT '';
