# web1's own values win over its roles' and common ones.
motd = "web1: the front web server.\n"
port = 8443
