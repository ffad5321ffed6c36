# emailout's own values.
mydomain      = "emailout.intra.cacert.org"
myhostname    = "emailout.intra.cacert.org"
mydestination = ["emailout.cacert.org", "emailout", "localhost.localdomain", "localhost"]
