// Package secure hardens the iro process itself, before it reads a
// passphrase or unwraps a key: what is in its memory must not end up on
// disk or in another program.
package secure
