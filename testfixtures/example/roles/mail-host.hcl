# A mail host receives mail for its domain into Maildirs served by
# Dovecot; mailboxes and sendable aliases live in MariaDB.
role "mail-host" {
  locals {
    # Users submit (587, 465) and read mail with the community certificate;
    # the email certificate is for SMTP from the Internet.
    community_tls = [
      "-o smtpd_tls_cert_file=${module.tls.chain_paths["community"]}",
      "-o smtpd_tls_key_file=${module.tls.key_paths["community"]}",
    ]
  }

  module "mariadb" {
    source   = "mariadb"
    database = data.database
    tables   = data.db_tables
    views    = data.db_views
    users = {
      postfix = { password = data.postfix_db_password, privileges = ["SELECT"], objects = ["postfix_mailboxes", "postfix_aliases", "postfix_sender_logins"] }
      dovecot = { password = data.dovecot_db_password, privileges = ["SELECT"], objects = ["dovecot_users"] }
    }
  }

  module "dovecot" {
    source             = "dovecot"
    postmaster_address = "postmaster@${data.mail_domain}"
    tls_cert_file      = module.tls.chain_paths["community"]
    tls_key_file       = module.tls.key_paths["community"]
    sql = {
      driver         = "mysql"
      connect        = "host=${module.mariadb.socket} dbname=${module.mariadb.database} user=dovecot"
      password       = data.dovecot_db_password
      default_scheme = "SHA512-CRYPT"
      password_query = "SELECT username AS user, password FROM dovecot_users WHERE username = '%n'"
      user_query     = "SELECT username AS user FROM dovecot_users WHERE username = '%n'"
      iterate_query  = "SELECT username AS user FROM dovecot_users"
    }
  }

  module "postfix" {
    source        = "postfix"
    myhostname    = data.myhostname
    mydomain      = data.mydomain
    myorigin      = module.base.mailname_path
    mydestination = data.mydestination
    mynetworks    = data.mynetworks
    tls_cert_file = module.tls.chain_paths["smtp"]
    tls_key_file  = module.tls.key_paths["smtp"]
    # Mail to other hosts is offered TLS, and the host's certificate
    # authenticates it to servers that ask for a client certificate.
    smtp_tls_security_level = "may"
    client_certificate = {
      cert_file = module.tls.chain_paths["smtp"]
      key_file  = module.tls.key_paths["smtp"]
    }
    aliases_file = module.base.aliases_path
    maps = {
      transport = { type = "hash", parameter = "transport_maps", entries = data.transport }
      # The aliases of /etc/aliases (postmaster..., the issue tracker's
      # addresses) hold for the mail domain too: NAME@domain goes to the
      # local NAME.
      virtual = { type = "hash", parameter = "virtual_alias_maps", entries = [
        for name in keys(merge(data.aliases, data.issue_aliases)) : { key = "${name}@${data.mail_domain}", value = "${name}@localhost" }
      ] }
      # Recipients of closed cases and deleted accounts go to support.
      arbitration = { type = "regexp", parameter = "recipient_canonical_maps", entries = data.arbitration }
      # Functional addresses whose mail is copied to an archive.
      cacert-inc-bcc = { type = "hash", parameter = "recipient_bcc_maps", entries = data.cacert_inc_bcc }
    }
    mysql_maps = {
      mailboxes = {
        parameter = "virtual_mailbox_maps"
        hosts     = "unix:${module.mariadb.socket}"
        user      = "postfix"
        password  = data.postfix_db_password
        dbname    = module.mariadb.database
        query     = "SELECT maildir FROM postfix_mailboxes WHERE address = '%s'"
      }
      aliases = {
        parameter = "virtual_alias_maps"
        hosts     = "unix:${module.mariadb.socket}"
        user      = "postfix"
        password  = data.postfix_db_password
        dbname    = module.mariadb.database
        query     = "SELECT destination FROM postfix_aliases WHERE address = '%s'"
      }
      # Who may send as an address: its user, and for a sendable alias the
      # users it leads to (submission_options rejects everyone else).
      sender_logins = {
        parameter = "smtpd_sender_login_maps"
        hosts     = "unix:${module.mariadb.socket}"
        user      = "postfix"
        password  = data.postfix_db_password
        dbname    = module.mariadb.database
        query     = "SELECT login FROM postfix_sender_logins WHERE address = '%s'"
      }
    }
    services = [
      { name = "submission", type = "inet", private = "n", unpriv = "-", chroot = "y", wakeup = "-", maxproc = "-", command = "smtpd",
      args = concat(["-o syslog_name=postfix/submission"], local.community_tls, data.submission_options) },
      { name = "smtps", type = "inet", private = "n", unpriv = "-", chroot = "y", wakeup = "-", maxproc = "-", command = "smtpd",
      args = concat(["-o syslog_name=postfix/smtps", "-o smtpd_tls_wrappermode=yes"], local.community_tls, data.submission_options) },
    ]
    parameters = {
      # Only /etc/aliases: Debian's default also asks NIS, which warns.
      alias_maps              = "hash:${module.base.aliases_path}"
      alias_database          = "hash:${module.base.aliases_path}"
      virtual_mailbox_domains = data.mail_domain
      virtual_transport       = module.dovecot.lmtp_transport
      smtpd_sasl_type         = "dovecot"
      smtpd_sasl_path         = module.dovecot.sasl_path
    }
  }
}
