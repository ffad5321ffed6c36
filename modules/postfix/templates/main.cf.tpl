# main.cf: managed by tend (module postfix); local changes are replaced.
# For the syntax, and for a complete parameter list, see postconf(5).

compatibility_level = 2

mydomain = ${mydomain}
myorigin = ${myorigin}

mydestination = ${join(", ", mydestination)}
myhostname = ${myhostname}

mynetworks = ${join(" ", mynetworks)}
%{ if relayhost != "" ~}
relayhost = ${relayhost}
%{ endif ~}
%{ if inet_interfaces != "" ~}
inet_interfaces = ${inet_interfaces}
%{ endif ~}
%{ if inet_protocols != "" ~}
inet_protocols = ${inet_protocols}
%{ endif ~}

smtpd_banner = $myhostname ESMTP $mail_name (Debian/GNU)

biff = no
%{ if smtp_helo_name != "" ~}

smtp_helo_name = ${smtp_helo_name}
%{ endif ~}

# TLS parameters
smtpd_tls_cert_file = ${tls_cert_file}
smtpd_tls_key_file = ${tls_key_file}
smtpd_tls_security_level = ${smtpd_tls_security_level}
smtpd_tls_session_cache_database = btree:$${data_directory}/smtpd_scache
smtp_tls_session_cache_database = btree:$${data_directory}/smtp_scache
%{ if smtp_tls_security_level != "" ~}
smtp_tls_security_level = ${smtp_tls_security_level}
%{ endif ~}
%{ if client_certificate != null ~}
smtp_tls_cert_file = ${client_certificate.cert_file}
smtp_tls_key_file = ${client_certificate.key_file}
%{ endif ~}
%{ if tls_protocols != "" ~}
smtpd_tls_protocols = ${tls_protocols}
smtp_tls_protocols = ${tls_protocols}
%{ endif ~}

mailbox_size_limit = 0
recipient_delimiter = +
%{ if length(milters) > 0 ~}

# DKIM and other milters; see MILTER_README.
smtpd_milters = ${join(", ", milters)}
non_smtpd_milters = $smtpd_milters
# what to do if a milter fails
milter_default_action = ${milter_default_action}
milter_command_timeout = 5s
milter_connect_timeout = $milter_command_timeout
milter_content_timeout = 45s
%{ endif ~}
%{ if length(keys(tables)) > 0 ~}

# lookup tables
%{ for parameter, refs in tables ~}
${parameter} = ${join(", ", refs)}
%{ endfor ~}
%{ endif ~}
%{ if local_transport != "" ~}

local_transport = ${local_transport}
%{ endif ~}
%{ if length(parameters) > 0 ~}

# further parameters
%{ for name, value in parameters ~}
${name} = ${value}
%{ endfor ~}
%{ endif ~}
