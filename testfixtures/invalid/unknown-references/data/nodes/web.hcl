domain = "web.example.org"
