Welcome to %{ if name }${name}.
