package motd

import (
	"io/fs"
	"syscall"
)

// owner is the file's uid and gid, kept when the file is rewritten.
func owner(fi fs.FileInfo) (int, int) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid), int(st.Gid)
	}
	return -1, -1
}
