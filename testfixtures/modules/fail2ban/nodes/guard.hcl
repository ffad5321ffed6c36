# The fail2ban module on its own: two of its jails.
node "guard" {
  module "fail2ban" {
    source   = "fail2ban"
    jails    = ["sshd", "postfix-sasl"]
    ignoreip = ["127.0.0.1/8", "::1", "192.0.2.0/24"]
    bantime  = "1h"
    maxretry = 3
  }
}
