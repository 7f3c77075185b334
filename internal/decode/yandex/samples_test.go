package yandex_test

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/yandex"
	"github.com/valyala/fastjson"
)

// TestSamples decodes shared Yandex samples when there are any. None is
// redistributable today (see the reference page), so it usually skips; the
// hand-written fixtures and examples stand in.
func TestSamples(t *testing.T) {
	dir := filepath.Join(decodetest.SamplesDir(t), "yandex")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no Yandex samples at %s", dir)
	}
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isLog(p) {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n += len(decodetest.MustDecode(t, yandex.Format{}, p, b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d events", dir, n)
	if n == 0 {
		t.Error("no events in the Yandex samples")
	}
}

// TestSamples_foreign checks that Sniff claims no record of another cloud's
// samples: CloudTrail has an eventType too, OpenStack and VK have event_type.
func TestSamples_foreign(t *testing.T) {
	root := decodetest.SamplesDir(t)
	perFolder := map[string]int{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isLog(p) {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		folder := strings.SplitN(rel, string(filepath.Separator), 2)[0]
		if folder == "yandex" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sp := decode.NewSplitter(bytes.NewReader(b))
		var parser fastjson.Parser
		for {
			ch, err := sp.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				if _, ok := err.(*decode.RecordError); ok {
					continue
				}
				break
			}
			if ch.Text {
				continue
			}
			v, err := parser.ParseBytes(ch.Bytes)
			if err != nil {
				continue
			}
			perFolder[folder]++
			if (yandex.Format{}).Sniff(v) {
				t.Errorf("%s:%d: a %s record was claimed", rel, ch.Line, folder)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for f, n := range perFolder {
		t.Logf("%s: %d records, none claimed", f, n)
		total += n
	}
	if total == 0 {
		t.Error("no foreign records scanned")
	}
}

func isLog(p string) bool {
	for _, ext := range []string{".json", ".ndjson", ".cloudtrail"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	return false
}
