// Command iro is the IRO's review tool; everything lives in internal/cli.
package main

import (
	"context"
	"os"

	"github.com/iro-app/iro/internal/cli"
)

func main() {
	os.Exit(cli.Run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
