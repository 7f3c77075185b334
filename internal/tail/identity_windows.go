package tail

import (
	"io/fs"
	"strconv"
	"syscall"
)

// identity names the file itself rather than its path. Windows' file index
// needs an open handle; the creation time, which a rename keeps and a new
// file under the old name does not, serves without one.
func identity(fi fs.FileInfo) string {
	d, ok := fi.Sys().(*syscall.Win32FileAttributeData)
	if !ok {
		return ""
	}
	return "ctime:" + strconv.FormatInt(d.CreationTime.Nanoseconds(), 10)
}
