# Global Postfix configuration file. This file lists only a subset
# of all parameters. For the syntax, and for a complete parameter
# list, see the postconf(5) manual page (command: "man 5 postconf").
#

compatibility_level = 2

mydomain = ${mydomain}
myorigin = /etc/mailname

mydestination = ${join(", ", mydestination)}
myhostname = ${myhostname}

mynetworks = ${join(" ", mynetworks)}

smtpd_banner = $myhostname ESMTP $mail_name (Debian/GNU)

biff = no

smtp_helo_name = ${smtp_helo_name}

# TLS parameters
smtpd_tls_cert_file=/etc/ssl/certs/ssl-cert-snakeoil.pem
smtpd_tls_key_file=/etc/ssl/private/ssl-cert-snakeoil.key
smtpd_tls_security_level=may
smtpd_tls_session_cache_database = btree:$${data_directory}/smtpd_scache
smtp_tls_session_cache_database = btree:$${data_directory}/smtp_scache

# map internal host names to their corresponding admin addresses
canonical_maps = pcre:/etc/postfix/canonical_maps

mailbox_size_limit = 0
recipient_delimiter = +

transport_maps = hash:/etc/postfix/transport
local_transport = error:local delivery is disabled
