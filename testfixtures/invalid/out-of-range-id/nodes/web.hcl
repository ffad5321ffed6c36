# Ids go from 0 to 2^32-2: 4294967296 would wrap around to root, and
# 4294967295 is what chown reads as "leave unchanged". Each is refused
# when the resource is bound, at the attribute.
node "web" {
  resource "file" "wraps" {
    path  = "/srv/setuid"
    mode  = "4755"
    # expect-error: 9:13 Invalid resource; file.wraps: owner "4294967296" is out of range: ids go from 0 to 4294967294
    owner = "4294967296"
  }
  resource "file" "no_change" {
    path  = "/srv/b"
    # expect-error: 14:13 Invalid resource; file.no_change: group "4294967295" is out of range
    group = "4294967295"
  }
  resource "user" "negative" {
    name = "negative"
    # expect-error: 19:12 Invalid resource; user.negative: uid -1 is out of range
    uid  = -1
  }
  resource "group" "huge" {
    name = "huge"
    # expect-error: 24:12 Invalid resource; group.huge: gid 99999999999999999999 is out of range
    gid  = 99999999999999999999
  }
}
