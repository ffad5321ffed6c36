banner = "overrides the broken common value"
