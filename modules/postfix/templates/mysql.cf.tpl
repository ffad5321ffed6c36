# managed by tend (module postfix); local changes are replaced.
hosts = ${hosts}
user = ${user}
password = ${password}
dbname = ${dbname}
query = ${query}
