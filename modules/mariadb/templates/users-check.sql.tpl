-- managed by tend (module mariadb): prints 1 when every user exists with
-- its password and grants.
SELECT 1 = 1
%{ for name, u in users ~}
  AND (SELECT COUNT(*) FROM mysql.user WHERE User = '${name}' AND Host = 'localhost'
       AND authentication_string = PASSWORD('${replace(u.password, "'", "''")}')) = 1
%{ for o in u.objects ~}
%{ for p in u.privileges ~}
  AND (SELECT COUNT(*) FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE = '''${name}''@''localhost'''
       AND TABLE_SCHEMA = '${database}' AND TABLE_NAME = '${o}' AND PRIVILEGE_TYPE = '${p}') = 1
%{ endfor ~}
%{ endfor ~}
%{ endfor ~}
;
