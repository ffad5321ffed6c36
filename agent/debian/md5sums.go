package debian

import (
	"crypto/md5"
	"fmt"
	"strings"
)

// md5sums lists the checksums dpkg --verify compares, conffiles excepted
// (dpkg records those itself).
func md5sums(es []entry) []byte {
	var b strings.Builder
	for _, e := range es {
		if e.mode.IsDir() || strings.HasPrefix(e.path, "etc/") {
			continue
		}
		fmt.Fprintf(&b, "%x  %s\n", md5.Sum(e.data), e.path)
	}
	return []byte(b.String())
}
