# /etc/aliases: managed by tend (module base); local changes are replaced.
%{ for name, dest in aliases ~}
${name}: ${dest}
%{ endfor ~}
