motd = "hello\n"
