user=${user}
password=${password}
