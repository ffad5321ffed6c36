# sshd_config(5), managed by tend (module base). Only the admins log in,
# with their keys; root never does.
%{ for key in host_keys ~}
HostKey ${key}
%{ endfor ~}
PermitRootLogin no
AllowGroups ${admin_group}
PubkeyAuthentication yes
PasswordAuthentication ${passwords ? "yes" : "no"}
ChallengeResponseAuthentication no
PermitEmptyPasswords no
UsePAM yes
X11Forwarding no
PrintMotd no
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server

Include /etc/ssh/sshd_config.d/*.conf
