# managed by tend (module dovecot); local changes are replaced.
driver = ${sql.driver}
connect = ${sql.connect} password=${password}
default_pass_scheme = ${sql.default_scheme}
password_query = ${sql.password_query}
user_query = ${sql.user_query}
iterate_query = ${sql.iterate_query}
