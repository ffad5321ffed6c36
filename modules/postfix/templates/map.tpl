# managed by tend (module postfix); local changes are replaced.
%{ if length(entries) > 0 ~}
%{ for e in entries ~}
${format("%-${ceil((max([for x in entries : length(regexall(".", x.key))]...) + 4) / 4) * 4}s%s", e.key, e.value)}
%{ endfor ~}
%{ endif ~}
