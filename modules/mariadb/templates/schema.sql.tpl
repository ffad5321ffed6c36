-- managed by tend (module mariadb); run whenever it changes.
CREATE DATABASE IF NOT EXISTS `${database}`;
USE `${database}`;
%{ for name, columns in tables ~}
CREATE TABLE IF NOT EXISTS `${name}` (${columns});
%{ endfor ~}
%{ for name, select in views ~}
CREATE OR REPLACE VIEW `${name}` AS ${select};
%{ endfor ~}
