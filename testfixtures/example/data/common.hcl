# Values every host shares.

mailname = "cacert.org"

aliases = {
  postmaster = "root"
  root       = "sysadmin@cacert.org"
}

# Further aliases a kind of host adds to /etc/aliases (see
# data/roles/mail-host.hcl).
issue_aliases = {}

# The networks of the infrastructure.
intranet_network = "172.16.2.0/24"
internal_network = "10.0.0.0/24"
loopback         = ["127.0.0.0/8", "[::ffff:127.0.0.0]/104", "[::1]/128"]

# Clients that may relay through a host.
mynetworks = concat([data.intranet_network, data.internal_network], data.loopback)

# What the admins install on every host (base installs and runs
# openssh-server, sudo, cron and rsyslog itself). Debian 11 has no
# heirloom-mailx: s-nail is the same mailx under its new name. Packages
# are installed without their Recommends, unlike on the documented hosts:
# what a recommended package brings is named here instead, so every
# package on the host is one someone chose. Of swaks's Recommends, its TLS
# (libnet-ssleay-perl) is wanted; MX lookups and IPv6 sockets are not.
packages = [
  "vim-nox", "screen", "git", "etckeeper", "man-db", "logrotate",
  "s-nail", "netcat-openbsd", "swaks", "libnet-ssleay-perl",
]

# Certificates, by name, set per node (data/nodes/NODE.hcl): chain_file is
# the PEM chain, leaf first, a file of the repository (public: commit it
# under certs/); its private key is in tls_keys under the same name,
# encrypted to the host like the database passwords (README.md, Secrets):
#   tls_keys = { smtp = decrypt(<<-EOT ... EOT) }
tls_certificates = {}
tls_keys         = {}

# The certificates each role's services use, by role: a node must have
# those of all its roles, and every one it lists.
tls_role_certificates = {
  "mail-server"   = ["smtp"]      # Postfix on 25
  "mail-host"     = ["community"] # submission, IMAP, POP3
  "community-web" = ["community"] # nginx on 443
}

# A certificate without its chain file or key is an error when a node is
# planned, unless its data says allow_snakeoil = true: then its services
# use Debian's snakeoil pair, which no client trusts. This checkout holds
# neither chains (certs/) nor keys, so its nodes say so here; once a
# node's certificates are in place, its own layer says false (or this
# line does, for every node).
allow_snakeoil = true

# The base system (modules/base): who may log in, and how the host reaches
# the rest of the infrastructure.

# The admins: the only ones sshd lets in, with their keys, and sudo for
# them. The key below is a placeholder nobody holds: put your admins' here.
admin_group = "sshadmins"
admins = {
  admin = { keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICybs8fa+S0qsTycClS+hjS7JulQerwhC7jLdjNMo20r admin@example.invalid"] }
}

# SSH host keys, by algorithm, so a rebuilt host still matches the SSHFP
# records DNS publishes for it. Keep them in the node's data, the private
# keys encrypted to the host:
#   ssh_host_keys = {
#     ed25519 = { private_key = decrypt("-----BEGIN AGE ENCRYPTED FILE-----..."), public_key = "ssh-ed25519 AAAA..." }
#   }
# None: sshd keeps the keys its package generated.
ssh_host_keys = {}

# The documented resolvers.
resolvers = ["172.16.2.2", "172.16.2.3"]

# APT downloads through the infrastructure's proxy (Proxyout), whose URL
# the host documents do not give: set it here, such as
# "http://proxy.example.org:3128/". Empty: APT connects directly.
apt_proxy = ""
