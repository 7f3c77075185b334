package report

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/snapwarden/snapwarden/internal/scan"
)

// Progress draws a one-line progress display (files, records, MB/s) on a
// terminal until stopped. It writes only to w, which must be a terminal.
type Progress struct {
	w     io.Writer
	p     *scan.Progress
	start time.Time
	done  chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex // serialises drawing with Clear
}

// StartProgress begins redrawing every interval.
func StartProgress(w io.Writer, p *scan.Progress, interval time.Duration) *Progress {
	pr := &Progress{w: w, p: p, start: time.Now(), done: make(chan struct{})}
	pr.wg.Add(1)
	go func() {
		defer pr.wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-pr.done:
				return
			case <-t.C:
				pr.draw()
			}
		}
	}()
	return pr
}

func (pr *Progress) draw() {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	secs := time.Since(pr.start).Seconds()
	mb := float64(pr.p.Bytes.Load()) / (1 << 20)
	fmt.Fprintf(pr.w, "\r\x1b[K%d/%d files  %d records  %.1f MB  %.1f MB/s",
		pr.p.FilesDone.Load(), pr.p.FilesTotal.Load(), pr.p.Records.Load(), mb, mb/max(secs, 0.001))
}

// Clear erases the line so a warning can be printed; the next tick redraws.
func (pr *Progress) Clear() {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	fmt.Fprint(pr.w, "\r\x1b[K")
}

// Stop ends the display and erases its line.
func (pr *Progress) Stop() {
	close(pr.done)
	pr.wg.Wait()
	pr.Clear()
}
