// Package tail follows directories of log files for `serve`: by polling, it
// finds new files and the bytes appended to known ones, delivers them in
// chunks of whole lines (gzip files decompressed, once they are complete),
// and remembers through Positions how far each file was delivered, so that
// a restart resumes there and a rotated file is neither lost nor read twice.
// It knows nothing of log formats; it imports store only for the position
// record.
package tail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/snapwarden/snapwarden/internal/store"
)

// Defaults for the zero values of Options.
const (
	DefaultPoll     = time.Second
	DefaultSettle   = 2 * time.Second
	DefaultMaxChunk = 8 << 20
	DefaultForget   = time.Hour
)

// Chunk is a piece of one file, delivered in file order.
type Chunk struct {
	Path string
	// Data is whole lines, or the tail of a file that has not changed for
	// Settle without ending in a newline (a JSON document written whole).
	// The receiver owns it.
	Data []byte
	// Offset and End locate Data in the file: End = Offset + len(Data).
	// For a gzip file they count decompressed bytes.
	Offset, End int64
	Gzip        bool // Data was decompressed from a gzip file
}

// Position is how far one file was delivered.
type Position = store.TailPosition

// Positions keeps positions across restarts. (*store.TailPositions)
// implements it.
type Positions interface {
	Load(ctx context.Context) (map[string]Position, error)
	Save(ctx context.Context, p Position) error
}

// Forgetter is implemented by Positions that can drop a path's position:
// the tailer calls it for files gone longer than Options.Forget and for a
// renamed file's old name.
type Forgetter interface {
	Forget(ctx context.Context, path string) error
}

// Options configure a Tailer; zero values mean the defaults.
type Options struct {
	Dirs      []string      // directories watched recursively
	Poll      time.Duration // time between scans (DefaultPoll)
	Settle    time.Duration // how long a file must stay unchanged before an unterminated tail or a gzip file is read (DefaultSettle)
	Positions Positions     // nil: positions live in memory only
	MaxChunk  int           // largest chunk, cut at a line end (DefaultMaxChunk); a longer line goes whole up to 8×MaxChunk
	Forget    time.Duration // how long a vanished file, or a stored position no file matches, is remembered (DefaultForget)
	Logger    *slog.Logger  // nil: silent
}

// Stats are the tailer's counters, for metrics.
type Stats struct {
	FilesWatched    int64 // files followed now
	BytesRead       int64 // bytes delivered (decompressed for gzip)
	ChunksDelivered int64 // chunks deliver accepted
	Errors          int64 // deliver failures, unreadable files and directories, positions not saved
	GzipIncomplete  int64 // settled gzip files found truncated or corrupt (once per state of the file)
	Truncations     int64 // files found shorter than their position, read again from 0
	Renames         int64 // renamed files followed under their new name
	LinesCut        int64 // lines longer than 8×MaxChunk, delivered in pieces
}

// Tailer follows the files under Options.Dirs. Make one with New.
type Tailer struct {
	opts    Options
	log     *slog.Logger
	running atomic.Bool

	// Owned by Run's goroutine.
	files   map[string]*file    // followed files by path
	missing []*file             // files vanished less than Forget ago
	loaded  map[string]Position // stored positions no file has claimed yet
	started time.Time
	warned  map[string]string // path → the problem last logged for it (directories, walk errors)

	filesWatched, bytesRead, chunks, errs, gzipIncomplete, truncations, renames, linesCut atomic.Int64
}

// Log keys.
const (
	keyFile = "file"
	keyErr  = "err"
)

// New checks opts and returns a Tailer; Run starts it.
func New(opts Options) (*Tailer, error) {
	if len(opts.Dirs) == 0 {
		return nil, errors.New("tail: no directories to watch")
	}
	if opts.Poll < 0 || opts.Settle < 0 || opts.Forget < 0 || opts.MaxChunk < 0 {
		return nil, fmt.Errorf("tail: negative option (poll %s, settle %s, forget %s, max chunk %d)", opts.Poll, opts.Settle, opts.Forget, opts.MaxChunk)
	}
	if opts.Poll == 0 {
		opts.Poll = DefaultPoll
	}
	if opts.Settle == 0 {
		opts.Settle = DefaultSettle
	}
	if opts.MaxChunk == 0 {
		opts.MaxChunk = DefaultMaxChunk
	}
	if opts.Forget == 0 {
		opts.Forget = DefaultForget
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Tailer{
		opts:   opts,
		log:    log,
		files:  map[string]*file{},
		warned: map[string]string{},
	}, nil
}

// Stats returns the counters; safe to call while Run runs.
func (t *Tailer) Stats() Stats {
	return Stats{
		FilesWatched:    t.filesWatched.Load(),
		BytesRead:       t.bytesRead.Load(),
		ChunksDelivered: t.chunks.Load(),
		Errors:          t.errs.Load(),
		GzipIncomplete:  t.gzipIncomplete.Load(),
		Truncations:     t.truncations.Load(),
		Renames:         t.renames.Load(),
		LinesCut:        t.linesCut.Load(),
	}
}
