# Data layers may refer to data.* and node.*, nothing else.
domain = "example.org"
# expect-error: 4:28 Invalid reference in data; Data layers may refer only to data.* and node.*, not to local.
mailname = "${node.name}.${local.domain}"
