# Kinds quote the values they refuse; an attribute whose value is
# sensitive is refused without its value, at the attribute.
node "web" {
  resource "file" "a" {
    path    = "/etc/a"
    content = "x"
    # expect-error: 8:15 Invalid resource; file.a: mode: the (sensitive value) is not valid here; the reason is not shown, as it may quote the value
    mode    = data.secret
  }
  resource "file" "b" {
    # expect-error: 12:15 Invalid resource; file.b: path: the (sensitive value) is not valid here
    path    = "relative/${data.secret}"
    content = "x"
  }
  resource "package" "c" {
    # expect-error: 17:12 Invalid resource; package.c: name: the (sensitive value) is not valid here
    name = upper(data.secret)
  }
  resource "service" "d" {
    name = "foo.service"
    # expect-error: 22:14 Invalid resource; service.d: ensure: the (sensitive value) is not valid here
    ensure = data.secret
  }
}
