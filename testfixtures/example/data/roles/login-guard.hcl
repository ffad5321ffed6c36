# Values of every host whose logins fail2ban guards.
fail2ban_jails    = ["sshd", "postfix-sasl", "dovecot"]
fail2ban_ignoreip = ["127.0.0.1/8", "::1", data.intranet_network, data.internal_network]
fail2ban_bantime  = "10m"
fail2ban_findtime = "10m"
fail2ban_maxretry = 5
