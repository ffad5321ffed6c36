# A broken value is reported although nothing uses it, and although a more
# specific layer overrides it.
motd = "hello\n"
# expect-error: 5:17 Unsupported attribute; This object does not have an attribute named "nope".
relayhost = node.nope
# expect-error: 7:10 Call to unknown function; There is no function named "uppercase".
banner = uppercase("x")
