motd = "hi"
