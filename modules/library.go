package modules

import "embed"

// Library holds every module directory, each at the top level
// ("base/main.hcl").
//
//go:embed base postfix opendkim tls dovecot mariadb nginx fail2ban icinga2
var Library embed.FS
