# Values every host shares.

mailname = "cacert.org"

aliases = {
  postmaster = "root"
  root       = "sysadmin@cacert.org"
}

# The networks of the infrastructure.
intranet_network = "172.16.2.0/24"
internal_network = "10.0.0.0/24"
loopback         = ["127.0.0.0/8", "[::ffff:127.0.0.0]/104", "[::1]/128"]

# Clients that may relay through a host.
mynetworks = concat([data.intranet_network, data.internal_network], data.loopback)

# What the admins install on every host. Debian 11 has no heirloom-mailx:
# s-nail is the same mailx under its new name.
packages = [
  "vim-nox", "screen", "git", "etckeeper", "man-db", "rsyslog", "logrotate",
  "s-nail", "netcat-openbsd", "swaks",
]

# Certificates: PEM files kept out of git, in secrets/ (see README.md). A
# certificate whose files are missing is not managed, and Postfix keeps
# Debian's snakeoil pair.
tls_certificates = {}
