# dovecot.conf: managed by tend (module dovecot); local changes are
# replaced. The whole configuration: Debian's conf.d is not read.

protocols = ${join(" ", protocols)}
postmaster_address = ${postmaster_address}

ssl = yes
ssl_cert = <${tls_cert_file}
ssl_key = <${tls_key_file}
ssl_min_protocol = TLSv1.2

disable_plaintext_auth = yes
auth_mechanisms = plain login

passdb {
  driver = sql
  args = ${sql_conf}
}
# Users exist when the user query finds them (LMTP refuses others, and
# doveadm -A iterates them); every mailbox belongs to the mail user.
userdb {
  driver = sql
  args = ${sql_conf}
  override_fields = uid=${mail_user} gid=${mail_user} home=${mailbox_root}/%n
}

mail_location = maildir:${mailbox_root}/%n/Maildir
mail_privileged_group = mail
first_valid_uid = 100

namespace inbox {
  inbox = yes
}

protocol lmtp {
  mail_plugins = $mail_plugins sieve
}
protocol lda {
  mail_plugins = $mail_plugins sieve
}

plugin {
  sieve = file:~/sieve;active=~/.dovecot.sieve
}

# Postfix delivers over LMTP and authenticates SMTP clients through
# Dovecot; both sockets are in Postfix's chroot.
service lmtp {
  unix_listener ${lmtp_socket} {
    mode = 0600
    user = postfix
    group = postfix
  }
}
service auth {
  unix_listener ${auth_socket} {
    mode = 0660
    user = postfix
    group = postfix
  }
}
