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

# Certificates, by name, set per node (data/nodes/NODE.hcl): chain_file is
# the PEM chain, leaf first, a file of the repository (public: commit it
# under certs/); its private key is in tls_keys under the same name,
# encrypted to the host like the database passwords (README.md, Secrets):
#   tls_keys = { smtp = decrypt(<<-EOT ... EOT) }
tls_certificates = {}
tls_keys         = {}

# The certificates the roles' services use, by name: Postfix's smtp on
# every mail server (data/roles/ROLE.hcl adds what a role needs).
tls_required = ["smtp"]

# A certificate without its chain file or key is an error when a node is
# planned, unless its data says allow_snakeoil = true: then its services
# use Debian's snakeoil pair, which no client trusts. This checkout holds
# neither chains (certs/) nor keys, so its nodes say so here; once a
# node's certificates are in place, its own layer says false (or this
# line does, for every node).
allow_snakeoil = true
