# Logins that fail too often are banned: fail2ban watches sshd, Postfix's
# SASL authentication and Dovecot in the journal; the infrastructure's
# own networks are never banned.
role "login-guard" {
  module "fail2ban" {
    source   = "fail2ban"
    jails    = data.fail2ban_jails
    ignoreip = data.fail2ban_ignoreip
    bantime  = data.fail2ban_bantime
    findtime = data.fail2ban_findtime
    maxretry = data.fail2ban_maxretry
  }
}
