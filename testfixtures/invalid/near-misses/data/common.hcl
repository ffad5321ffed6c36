domain = "example.org"
