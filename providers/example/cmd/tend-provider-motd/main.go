// Command tend-provider-motd is the example external provider: it serves
// the motd_line kind to tend over the provider protocol. Install it as
// /usr/lib/tend/providers/tend-provider-motd (or in the directory
// --plugin-dir names) and pin it with `tend providers lock`. Run by hand,
// it only says that it is a plugin.
package main

import (
	"github.com/tendhq/tend/providers/example/motd"
	"github.com/tendhq/tend/providers/plugin"
)

func main() { plugin.Serve(plugin.Local(motd.Kind())) }
