# emailout: the outgoing mail relay for the infrastructure's services
# (Debian 11 in an LXC container). It delivers nothing itself: mail for
# cacert.org and its list and issue hosts goes to the hosts that handle
# it, mail for internal host names to their admins; it signs with DKIM
# once the key's DNS record is published.
node "emailout" {
  roles = ["mail-server", "mail-relay", "monitored"]
}
