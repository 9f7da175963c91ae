-- The stamp layout of serverdb.stamp: fixed-width UTC with microseconds.
UPDATE revocation SET revoked_at = strftime('%Y-%m-%dT%H:%M:%S', 'now') || '.000000Z' WHERE revoked_at = '';
