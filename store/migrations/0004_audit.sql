-- A local, append-only audit log: who unlocked, locked, failed to unlock,
-- exported, imported, purged, changed the passphrase or synced, and when.
--
-- It is this laptop's own record and never syncs (no outbox op names it).
-- who is the IRO's name from settings (iro_name), '' before setup. detail
-- is plaintext, so it never holds a sealed value or a child's data: only
-- what kind of thing happened and, at most, an opaque local id.
--
-- event is not CHECKed, like the enumerations of 0002: its list lives in
-- store/audit.go and may grow. The triggers make the table append-only for
-- SQL; whoever can edit the file can drop them, so this is a record kept
-- honest by iro's own code, not tamper-proofing.
CREATE TABLE audit (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT    NOT NULL,
    who    TEXT    NOT NULL,
    event  TEXT    NOT NULL,
    detail TEXT    NOT NULL
) STRICT;

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be deleted');
END;
