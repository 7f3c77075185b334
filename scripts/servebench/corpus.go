package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
)

// batch is one ready-made request body: CloudTrail's {"Records":[…]}.
type batch struct {
	plain   []byte // always kept: probes splice their record into it
	gz      []byte // the gzip body, for the batches sent compressed
	records int
	// last names the batch's last record, so a probe riding on the batch
	// fits its time and account.
	last recordInfo
}

type recordInfo struct {
	Time    time.Time `json:"eventTime"`
	Account string    `json:"recipientAccountId"`
	Region  string    `json:"awsRegion"`
}

// stamp is the delivery time in a CloudTrail file name
// (…_CloudTrail_us-west-2_20261101T0550Z_….json): files are sent in
// delivery order, as a pipeline reading the bucket would.
var stamp = regexp.MustCompile(`_(\d{8}T\d{4}Z)_`)

// loadCorpus reads every CloudTrail .json file under dir and cuts the
// records, in delivery order, into batches of size records; every
// gzipEvery-th batch (0: none) is also gzip-compressed.
func loadCorpus(dir string, size, gzipEvery int) ([]batch, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".json") && strings.Contains(path, "CloudTrail") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no CloudTrail .json files under %s (snapwarden gen --clouds aws --no-gzip)", dir)
	}
	sort.SliceStable(files, func(i, j int) bool {
		a, b := stamp.FindString(files[i]), stamp.FindString(files[j])
		if a != b {
			return a < b
		}
		return files[i] < files[j]
	})

	var out []batch
	var pending []json.RawMessage
	flush := func() error {
		var info recordInfo
		if err := json.Unmarshal(pending[len(pending)-1], &info); err != nil {
			return fmt.Errorf("last record of batch %d: %w", len(out), err)
		}
		var buf bytes.Buffer
		buf.WriteString(`{"Records":[`)
		for i, r := range pending {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.Write(r)
		}
		buf.WriteString(`]}`)
		out = append(out, batch{plain: buf.Bytes(), records: len(pending), last: info})
		pending = pending[:0]
		return nil
	}
	for f := range readFiles(files) {
		if f.err != nil {
			return nil, f.err
		}
		for _, r := range f.records {
			pending = append(pending, r)
			if len(pending) == size {
				if err := flush(); err != nil {
					return nil, err
				}
			}
		}
	}
	if len(pending) > 0 {
		if err := flush(); err != nil {
			return nil, err
		}
	}
	if gzipEvery > 0 {
		compress(out, gzipEvery)
	}
	return out, nil
}

// parsedFile is one file's records, or why it could not be read.
type parsedFile struct {
	records []json.RawMessage
	err     error
}

// readFiles parses the files on every core and yields them in order; a
// few files ahead at most are held.
func readFiles(files []string) func(yield func(parsedFile) bool) {
	return func(yield func(parsedFile) bool) {
		ahead := make(chan chan parsedFile, 2*runtime.NumCPU())
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			defer close(ahead)
			for _, path := range files {
				c := make(chan parsedFile, 1)
				select {
				case ahead <- c:
				case <-stop:
					return
				}
				go func() { c <- parseFile(path) }()
			}
		}()
		for c := range ahead {
			if !yield(<-c) {
				return
			}
		}
	}
}

func parseFile(path string) parsedFile {
	data, err := os.ReadFile(path)
	if err != nil {
		return parsedFile{err: err}
	}
	var file struct{ Records []json.RawMessage }
	if err := json.Unmarshal(data, &file); err != nil {
		return parsedFile{err: fmt.Errorf("%s: %w", path, err)}
	}
	return parsedFile{records: file.Records}
}

// compress gzips every n-th batch, on every core (before the clock starts).
func compress(bs []batch, n int) {
	var wg sync.WaitGroup
	idx := make(chan int)
	for range runtime.NumCPU() {
		wg.Go(func() {
			var buf bytes.Buffer
			for i := range idx {
				buf.Reset()
				w := gzip.NewWriter(&buf)
				w.Write(bs[i].plain)
				w.Close()
				bs[i].gz = bytes.Clone(buf.Bytes())
			}
		})
	}
	for i := range bs {
		if i%n == 0 {
			idx <- i
		}
	}
	close(idx)
	wg.Wait()
}
