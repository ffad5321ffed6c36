// Command tend converges a host to the configuration its node repository
// describes. See `tend help`.
package main

import (
	"os"

	"github.com/tendhq/tend/agent/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
