-- managed by tend (module mariadb): prints 1 when the database and every
-- table and view exist.
SELECT (SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${database}') = 1
%{ for o in objects ~}
  AND (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${database}' AND TABLE_NAME = '${o}') = 1
%{ endfor ~}
;
