# Values of every outgoing relay.

smtp_helo_name  = "infrastructure.cacert.org"
local_transport = "error:local delivery is disabled"

# Mail for internal host names goes to that host's admins.
canonical_maps = [
  { key = "/@(.*).intra.cacert.org$/", value = "$1-admin@cacert.org" },
  { key = "/@(.*).infra.cacert.org$/", value = "$1-admin@cacert.org" },
]

# Mail for these domains is forwarded to the host that handles it.
transport = [
  { key = "lists.cacert.org", value = "smtp:[lists.intra.cacert.org]" },
  { key = "issue.cacert.org", value = "smtp:[issue.intra.cacert.org]" },
  { key = "cacert.org", value = "smtp:[email.intra.cacert.org]" },
]

# DKIM: the key /etc/dkim/2015.private signs for cacert.org once
# 2015._domainkey.cacert.org serves its record (dkim_resolver: "" is the
# host's resolv.conf; dkim_force_milter signs regardless).
dkim_domain       = "cacert.org"
dkim_selector     = "2015"
dkim_resolver     = ""
dkim_force_milter = false

# The signing key belongs in the repository, encrypted to the relays like
# the database passwords (README.md, Secrets), so that a rebuilt relay
# signs with the key DNS publishes:
#   dkim_private_key = decrypt(<<-EOT ... EOT)   (tend encrypt --name dkim_private_key 2015.private)
# This example ships none: a relay without a key generates its own on its
# first run and keeps it (publish its /etc/dkim/2015.txt). With the key
# given, set dkim_generate = false beside it: a relay that lost its key
# then fails the plan instead of signing with one nobody published.
dkim_private_key = null
dkim_generate    = true

# Hosts whose mail opendkim signs.
dkim_internal_hosts = ["127.0.0.1", data.internal_network, data.intranet_network]
