Welcome to ${nmae}.
