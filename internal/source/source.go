// Package source turns what a user names on the command line (files,
// directories, globs, "-" for stdin) into inputs that read decompressed
// bytes. It knows nothing of log formats.
package source

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"unsafe"

	"github.com/klauspost/compress/gzip"
)

// Stdin is the path that names standard input.
const Stdin = "-"

// Input is one file (or stdin) to read.
type Input struct {
	Name string // path as given or found; "-" for stdin
	Size int64  // on-disk size, 0 when unknown
}

// Skipped is a path a walk passed over, with why.
type Skipped struct {
	Path   string
	Reason string
}

// notLogs are extensions a directory walk skips: documentation and config
// that sits beside logs. A file named explicitly is always read.
var notLogs = map[string]bool{
	".md": true, ".txt": true, ".yaml": true, ".yml": true, ".license": true, ".toml": true,
	".png": true, ".jpg": true, ".svg": true, ".html": true, ".go": true, ".sh": true,
}

// Expand resolves paths into inputs in a stable order: files as named,
// directories walked recursively (hidden entries and documentation skipped),
// glob patterns expanded. A path that matches nothing is an error.
func Expand(paths []string) (inputs []Input, skipped []Skipped, err error) {
	seen := map[string]bool{}
	add := func(in Input) {
		if !seen[in.Name] {
			seen[in.Name] = true
			inputs = append(inputs, in)
		}
	}
	var errs []error
	for _, p := range paths {
		if p == Stdin {
			add(Input{Name: Stdin})
			continue
		}
		matches := []string{p}
		if strings.ContainsAny(p, "*?[") {
			m, gerr := filepath.Glob(p)
			if gerr != nil {
				errs = append(errs, fmt.Errorf("bad pattern %q: %w", p, gerr))
				continue
			}
			if len(m) == 0 {
				errs = append(errs, fmt.Errorf("%s: no files match", p))
				continue
			}
			matches = m
		}
		for _, m := range matches {
			fi, serr := os.Stat(m)
			if serr != nil {
				errs = append(errs, serr)
				continue
			}
			if !fi.IsDir() {
				add(Input{Name: m, Size: fi.Size()})
				continue
			}
			werr := filepath.WalkDir(m, func(path string, d fs.DirEntry, err error) error {
				if err != nil {
					errs = append(errs, err)
					return nil
				}
				name := d.Name()
				if path != m && strings.HasPrefix(name, ".") {
					skipped = append(skipped, Skipped{path, "hidden"})
					if d.IsDir() {
						return filepath.SkipDir
					}
					return nil
				}
				if d.IsDir() {
					return nil
				}
				if !d.Type().IsRegular() {
					skipped = append(skipped, Skipped{path, "not a regular file"})
					return nil
				}
				if notLogs[strings.ToLower(filepath.Ext(name))] || strings.HasPrefix(name, "LICENSE") || strings.HasPrefix(name, "NOTICE") {
					skipped = append(skipped, Skipped{path, "not a log file"})
					return nil
				}
				info, ierr := d.Info()
				if ierr != nil {
					errs = append(errs, ierr)
					return nil
				}
				add(Input{Name: path, Size: info.Size()})
				return nil
			})
			if werr != nil {
				errs = append(errs, werr)
			}
		}
	}
	return inputs, skipped, errors.Join(errs...)
}

// Open opens an input for reading, decompressing gzip (recognised by its
// magic bytes, whatever the file is called). stdin is read from os.Stdin.
// Counting reports compressed bytes read so far, for progress.
//
// A plain regular file is mapped into memory where the system allows it
// (Bytes): its records are then read where they lie instead of being
// copied through read calls, which took a tenth of hunt's time.
func Open(in Input, stdin io.Reader) (*Reader, error) {
	var f io.ReadCloser
	if in.Name == Stdin {
		f = io.NopCloser(stdin)
	} else {
		file, err := os.Open(in.Name)
		if err != nil {
			return nil, err
		}
		var magic [2]byte
		if n, _ := file.ReadAt(magic[:], 0); !isGzip(magic[:n]) {
			if data := mapFile(file); data != nil {
				r := &Reader{r: &mappedReader{data: data, rest: data}, closer: file, mapped: data}
				r.counted = &countingReader{}
				r.counted.n.Store(int64(len(data)))
				return r, nil
			}
		}
		f = file
	}
	r := &Reader{closer: f}
	r.counted = &countingReader{r: f}
	br := bufio.NewReaderSize(r.counted, 64<<10)
	if magic, _ := br.Peek(2); isGzip(magic) {
		gz, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("gzip: %w", err)
		}
		r.Gzip = true
		r.r = &gzipReader{gz}
		return r, nil
	}
	r.r = br
	return r, nil
}

func isGzip(magic []byte) bool {
	return len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b
}

// Reader reads one input's decompressed bytes.
type Reader struct {
	r        io.Reader
	counted  *countingReader
	closer   io.Closer
	mapped   []byte
	released int64 // mapped[:released] was given back (Release)
	Gzip     bool
}

func (r *Reader) Read(p []byte) (int, error) { return r.r.Read(p) }

// mappedReader reads a mapped file through ReadMapped, so that Read, too,
// reports a file that shrank instead of crashing.
type mappedReader struct {
	data, rest []byte
}

func (m *mappedReader) Read(p []byte) (n int, err error) {
	if len(m.rest) == 0 {
		return 0, io.EOF
	}
	err = ReadMapped(m.data, func() error {
		n = copy(p, m.rest)
		return nil
	})
	m.rest = m.rest[n:]
	return n, err
}

// Bytes returns the whole input when it is a file mapped into memory, and
// nil otherwise. The bytes are read-only and valid until Close. Should the
// file shrink meanwhile, reading past its new end faults: read them with
// ReadMapped (Read does).
func (r *Reader) Bytes() []byte { return r.mapped }

// Release tells the system that a mapped file's bytes before offset will
// not be read again: their pages leave the process's resident set, in
// steps of 32 MiB (they stay in the page cache, and would come back if
// read). Without it every page of a mapped file read would count as the
// process's memory to the end of the file. It does nothing for a file read
// by calls.
func (r *Reader) Release(offset int64) {
	const step, margin = 32 << 20, 1 << 20 // margin: the record being read
	if r.mapped == nil {
		return
	}
	upto := (offset - margin) &^ (step - 1)
	if upto <= r.released {
		return
	}
	release(r.mapped[r.released:upto])
	r.released = upto
}

// Close closes the underlying file and unmaps it.
func (r *Reader) Close() error {
	if r.mapped != nil {
		unmap(r.mapped)
		r.mapped = nil
	}
	return r.closer.Close()
}

// RawBytes returns how many bytes of the file (compressed, when gzip) were
// read; all of a mapped file.
func (r *Reader) RawBytes() int64 { return r.counted.n.Load() }

// ErrFileChanged reports a mapped file that shrank while it was read.
var ErrFileChanged = errors.New("the file shrank while it was read")

// ReadMapped runs read, which reads data, the Bytes of a mapped file. The
// memory fault of a read in data past the end of a file that shrank
// meanwhile (another process truncated it) becomes ErrFileChanged instead
// of a crash; read must leave no shared state half changed when it stops
// at such a read. Every other panic goes on.
func ReadMapped(data []byte, read func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			if !FaultIn(p, data) {
				panic(p)
			}
			err = ErrFileChanged
		}
	}()
	return read()
}

// FaultIn reports whether p, a recovered panic, is a memory fault at an
// address inside data: the input changed under its reader (a mapped file
// cut short), which no code reading it could help. A reader that recovers
// from its own bugs passes such a panic on, for ReadMapped.
func FaultIn(p any, data []byte) bool {
	f, ok := p.(interface{ Addr() uintptr })
	if !ok || len(data) == 0 {
		return false
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
	return f.Addr() >= start && f.Addr()-start < uintptr(len(data))
}

// ErrTruncatedGzip marks a gzip stream that ends before its trailer.
var ErrTruncatedGzip = errors.New("truncated gzip stream")

type gzipReader struct{ gz *gzip.Reader }

func (g *gzipReader) Read(p []byte) (int, error) {
	n, err := g.gz.Read(p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = ErrTruncatedGzip
	}
	return n, err
}
