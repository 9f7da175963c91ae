-- The stamp layout of serverdb.stamp: fixed-width UTC with microseconds.
UPDATE revocation SET revoked_at = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') WHERE revoked_at = '';
