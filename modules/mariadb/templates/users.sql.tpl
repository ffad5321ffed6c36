-- managed by tend (module mariadb); run whenever it changes.
%{ for name, u in users ~}
CREATE USER IF NOT EXISTS '${name}'@'localhost';
ALTER USER '${name}'@'localhost' IDENTIFIED BY '${replace(u.password, "'", "''")}';
%{ for o in u.objects ~}
GRANT ${join(", ", u.privileges)} ON `${database}`.`${o}` TO '${name}'@'localhost';
%{ endfor ~}
%{ endfor ~}
