present, but not the one asked for
