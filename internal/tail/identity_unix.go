//go:build unix

package tail

import (
	"io/fs"
	"strconv"
	"syscall"
)

// identity names the file itself rather than its path: device and inode,
// which a rename keeps and a new file under the old name does not.
func identity(fi fs.FileInfo) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return strconv.FormatUint(uint64(st.Dev), 10) + ":" + strconv.FormatUint(uint64(st.Ino), 10)
}
