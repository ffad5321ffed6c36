# Values of the community web site.
web_server_name = "community.cacert.org"
