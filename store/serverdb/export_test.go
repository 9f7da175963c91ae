package serverdb

import "context"

// OpenAtVersion opens dsn with its schema brought up to version only, as an
// older iro would have left it, for migration tests.
func OpenAtVersion(ctx context.Context, dsn string, version int) (*DB, error) {
	return open(ctx, dsn, version)
}
