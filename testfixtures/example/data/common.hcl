# Values every host shares.
mailname = "cacert.org"

aliases = {
  postmaster = "root"
  root       = "sysadmin@cacert.org"
}

mynetworks = ["172.16.2.0/24", "10.0.0.0/24", "127.0.0.0/8", "[::ffff:127.0.0.0]/104", "[::1]/128"]
