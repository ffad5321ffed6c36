# Functions, file names and conversions given a sensitive value: each
# error says "(sensitive value)" at the expression and never quotes it.
node "web" {
  resource "file" "a" {
    path = "/etc/a"
    # expect-error: 7:15 Error in function call; Call to function "file" failed: an argument is a (sensitive value), so the reason is not shown.
    content = file(data.secret)
  }
  resource "file" "b" {
    path = "/etc/b"
    # expect-error: 12:24 Invalid function argument; Invalid value for "v" parameter: an argument is a (sensitive value), so the reason is not shown.
    content = tonumber(data.secret)
  }
  resource "file" "c" {
    path = "/etc/c"
    # expect-error: 17:15 Error in function call; Call to function "templatefile" failed: an argument is a (sensitive value)
    content = templatefile("${data.secret}.tpl", {})
  }
  resource "file" "d" {
    path = "/etc/d"
    # expect-error: 22:14 Cannot read file; the file name is a (sensitive value), so the reason is not shown
    source = data.secret
  }
  resource "file" "e" {
    path = "/etc/e"
    # expect-error: 27:16 Cannot render template; the file name is a (sensitive value)
    template = "t/${data.secret}"
  }
  resource "file" "f" {
    path = "/etc/f"
    # expect-error: 32:14 Incorrect attribute value type; Inappropriate value for attribute "backup": the (sensitive value) is not of the expected type.
    backup = data.secret
  }
  resource "file" "g" {
    path = "/etc/g"
    # expect-error: 37:34 Invalid function argument; Invalid value for "time" parameter: an argument is a (sensitive value)
    content = formatdate("YYYY", data.secret)
  }
}
