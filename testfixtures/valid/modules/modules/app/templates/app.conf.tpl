name = "${name}"
port = ${port}
%{ for a in admins ~}
admin = "${a}"
%{ endfor ~}
