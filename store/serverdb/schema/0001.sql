-- 0001: the sync server's tables, shared by SQLite and PostgreSQL.
-- {{serial}} is the dialect's auto-numbered primary key. Hashes are hex
-- TEXT and timestamps fixed-width UTC TEXT so one definition fits both.

-- counter is the one row holding the last change number handed out.
-- Writers lock it first, so change numbers follow commit order.
CREATE TABLE IF NOT EXISTS counter (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n  BIGINT NOT NULL
);
INSERT INTO counter (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS enrolment (
	code_hash TEXT PRIMARY KEY,
	iro       TEXT NOT NULL,
	created   TEXT NOT NULL,
	expires   TEXT NOT NULL,
	used      TEXT
);

CREATE TABLE IF NOT EXISTS device (
	id         TEXT PRIMARY KEY,
	iro        TEXT NOT NULL,
	label      TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	created    TEXT NOT NULL,
	expires    TEXT NOT NULL,
	revoked    TEXT,
	-- pulled is the highest cursor the device has asked changes from: it
	-- has applied everything up to it, revocations included.
	pulled     BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS allocation (
	iro       TEXT NOT NULL,
	child_id  TEXT NOT NULL,
	change_no BIGINT NOT NULL,
	PRIMARY KEY (iro, child_id)
);
CREATE INDEX IF NOT EXISTS allocation_child ON allocation (child_id);

CREATE TABLE IF NOT EXISTS revocation (
	iro       TEXT NOT NULL,
	child_id  TEXT NOT NULL,
	change_no BIGINT NOT NULL,
	PRIMARY KEY (iro, change_no, child_id)
);

CREATE TABLE IF NOT EXISTS entity (
	entity     TEXT NOT NULL,
	id         TEXT NOT NULL,
	child_id   TEXT NOT NULL,
	version    BIGINT NOT NULL,
	deleted    BOOLEAN NOT NULL DEFAULT FALSE,
	fields     TEXT NOT NULL,
	field_meta TEXT NOT NULL,
	change_no  BIGINT NOT NULL,
	PRIMARY KEY (entity, id)
);
CREATE INDEX IF NOT EXISTS entity_change_no ON entity (change_no);
CREATE INDEX IF NOT EXISTS entity_child ON entity (child_id, change_no);

CREATE TABLE IF NOT EXISTS op_result (
	device_id TEXT NOT NULL,
	op_id     TEXT NOT NULL,
	hash      TEXT NOT NULL,
	status    TEXT NOT NULL,
	version   BIGINT NOT NULL,
	reason    TEXT NOT NULL,
	conflicts TEXT,
	at        TEXT NOT NULL,
	PRIMARY KEY (device_id, op_id)
);

-- audit holds who did what and how much, never a payload. Triggers in the
-- dialect's own file make it append-only.
CREATE TABLE IF NOT EXISTS audit (
	id        {{serial}},
	at        TEXT NOT NULL,
	device_id TEXT NOT NULL,
	iro       TEXT NOT NULL,
	action    TEXT NOT NULL,
	detail    TEXT NOT NULL
);
