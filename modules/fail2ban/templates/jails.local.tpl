# jails.local: managed by tend (module fail2ban); local changes are
# replaced. Read after jail.conf and Debian's jail.d/defaults-debian.conf,
# so what is set here wins.

[DEFAULT]
ignoreip = ${join(" ", ignoreip)}
bantime  = ${bantime}
findtime = ${findtime}
maxretry = ${maxretry}
# The journal: logs reach it whether or not rsyslog also writes files.
backend = systemd
banaction = nftables-multiport
banaction_allports = nftables-allports
%{ for name, j in jails }
[${name}]
enabled = ${j.enabled}
%{ if j.enabled ~}
# jail.conf sets each jail's backend from paths-common.conf: set it here.
backend = systemd
%{ if j.filter != "" ~}
filter = ${j.filter}
%{ endif ~}
%{ if j.journalmatch != "" ~}
journalmatch = ${j.journalmatch}
%{ endif ~}
%{ endif ~}
%{ endfor ~}
