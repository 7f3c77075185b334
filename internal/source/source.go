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
	"strings"

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
func Open(in Input, stdin io.Reader) (*Reader, error) {
	var f io.ReadCloser
	if in.Name == Stdin {
		f = io.NopCloser(stdin)
	} else {
		var err error
		if f, err = os.Open(in.Name); err != nil {
			return nil, err
		}
	}
	r := &Reader{closer: f}
	r.counted = &countingReader{r: f}
	br := bufio.NewReaderSize(r.counted, 64<<10)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
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

// Reader reads one input's decompressed bytes.
type Reader struct {
	r       io.Reader
	counted *countingReader
	closer  io.Closer
	Gzip    bool
}

func (r *Reader) Read(p []byte) (int, error) { return r.r.Read(p) }

// Close closes the underlying file.
func (r *Reader) Close() error { return r.closer.Close() }

// RawBytes returns how many bytes of the file (compressed, when gzip) were read.
func (r *Reader) RawBytes() int64 { return r.counted.n.Load() }

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
