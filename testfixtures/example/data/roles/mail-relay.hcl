# Values of every outgoing relay.
smtp_helo_name = "infrastructure.cacert.org"

# Mail for internal host names goes to that host's admins.
canonical_maps = [
  { pattern = "/@(.*).intra.cacert.org$/", replacement = "$1-admin@cacert.org" },
  { pattern = "/@(.*).infra.cacert.org$/", replacement = "$1-admin@cacert.org" },
]

# Mail for these domains is forwarded to the host that handles it.
transport = [
  { domain = "lists.cacert.org", route = "smtp:[lists.intra.cacert.org]" },
  { domain = "issue.cacert.org", route = "smtp:[issue.intra.cacert.org]" },
  { domain = "cacert.org", route = "smtp:[email.intra.cacert.org]" },
]
