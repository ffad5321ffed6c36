# opendkim.conf: managed by tend (module opendkim); local changes are
# replaced. Debian 11's stock settings, signing for ${domain}.
# See opendkim.conf(5).

Syslog			yes
SyslogSuccess		yes

# Common signing and verification parameters. In Debian, the "From" header is
# oversigned, because it is often the identity key used by reputation systems
# and thus somewhat security sensitive.
Canonicalization	relaxed/simple
OversignHeaders		From

Domain			${domain}
KeyFile			${key_file}
Selector		${selector}

InternalHosts		${internal_hosts}

# opendkim runs as user opendkim; the umask lets Postfix (in group
# opendkim) use the socket.
UserID			opendkim
UMask			007

Socket			${socket}

PidFile			/run/opendkim/opendkim.pid

# The trust anchor enables DNSSEC (package dns-root-data).
TrustAnchorFile		/usr/share/dns/root.key
