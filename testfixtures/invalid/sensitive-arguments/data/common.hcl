secret = sensitive("CANARY-3b7e")
