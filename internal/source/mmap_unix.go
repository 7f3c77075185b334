//go:build unix

package source

import (
	"math"
	"os"
	"syscall"
)

// mapFile maps a regular, non-empty file read-only, or returns nil when it
// cannot (the caller then reads it).
func mapFile(f *os.File) []byte {
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() || info.Size() <= 0 || info.Size() > math.MaxInt {
		return nil
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(info.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil
	}
	_ = syscall.Madvise(data, syscall.MADV_SEQUENTIAL) // a hint: read-ahead
	return data
}

func unmap(data []byte) { _ = syscall.Munmap(data) }

// release drops the pages of part of a mapping from the resident set.
func release(data []byte) { _ = syscall.Madvise(data, syscall.MADV_DONTNEED) }
