//go:build !race

package syncclient_test

const raceEnabled = false
