# Symbolic links that leave the repository are refused at what refers to
# them; links that stay inside are followed.
node "web" {
  resource "file" "passwd" {
    path = "/etc/a"
    # expect-error: 7:14 Cannot read file; files/passwd is a symbolic link to "../../../README.md", which leaves the repository
    source = "files/passwd"
  }

  resource "file" "template" {
    path = "/etc/b"
    # expect-error: 13:16 Cannot read template; files/up/emailout-host.txt is reached through files/up, a symbolic link to "../../../seeds", which leaves the repository
    template = "files/up/emailout-host.txt"
  }

  resource "file" "function" {
    path    = "/etc/c"
    content = file("files/passwd") # expect-error: 18:15 Error in function call; Call to function "file" failed: files/passwd is a symbolic link to "../../../README.md", which leaves the repository.
  }

  resource "file" "inside" {
    path   = "/etc/d"
    source = "files/alias"
  }
}

node "mod" {
  module "m" {
    # expect-error: 30:14 Cannot read module; modules/library is a symbolic link to "../../../modules", which leaves the repository.
    source = "library"
  }
}
