# Every web server.
motd = "A web server. Managed by tend.\n"
port = 8080
