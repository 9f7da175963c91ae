// Command iro is the IRO's review tool; everything lives in internal/cli.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/iro-app/iro/internal/cli"
	"github.com/iro-app/iro/internal/secure"
)

func main() {
	// First, before any passphrase or key is in memory: a crash must not
	// write them to disk. iro refuses to run rather than run unprotected.
	if err := secure.DisableCoreDumps(); err != nil {
		fmt.Fprintf(os.Stderr, "iro: cannot turn off core dumps: %v\n", err)
		os.Exit(cli.ExitFailure)
	}
	os.Exit(cli.Run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
