# The base module on its own.
node "host" {
  module "base" {
    source   = "base"
    mailname = "cacert.example"
    aliases  = { root = "admins@cacert.example" }
    packages = ["logrotate", "vim-nox"]

    admins = { ada = { keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICybs8fa+S0qsTycClS+hjS7JulQerwhC7jLdjNMo20r ada@cacert.example"] } }
    # A key made for this fixture only, not marked sensitive here: the
    # module marks it.
    ssh_host_keys = {
      ed25519 = {
        private_key = <<-EOT
          -----BEGIN OPENSSH PRIVATE KEY-----
          b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
          QyNTUxOQAAACApcUIilqhT+fxDfnUdQwn60ShI4wEHG1+9b4ly9nESnwAAAJi/0gZxv9IG
          cQAAAAtzc2gtZWQyNTUxOQAAACApcUIilqhT+fxDfnUdQwn60ShI4wEHG1+9b4ly9nESnw
          AAAEBi1BIxGClV4QEMv97MKb8mt/eHEt5TXg5XZu/fI+acKilxQiKWqFP5/EN+dR1DCfrR
          KEjjAQcbX71viXL2cRKfAAAAE2hvc3QuY2FjZXJ0LmV4YW1wbGUBAg==
          -----END OPENSSH PRIVATE KEY-----
        EOT
        public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIClxQiKWqFP5/EN+dR1DCfrRKEjjAQcbX71viXL2cRKf host.cacert.example"
      }
    }
    resolvers      = ["192.0.2.53"]
    search_domains = ["cacert.example"]
    apt_proxy      = "http://proxy.cacert.example:3128/"
    apt_sources = {
      tend = {
        uris       = ["https://apt.cacert.example/tend"]
        suites     = ["bullseye"]
        components = ["main"]
        key        = file("keys/tend.asc")
      }
    }
  }
}
