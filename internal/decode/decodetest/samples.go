package decodetest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
	"github.com/snapwarden/snapwarden/internal/testenv"
)

// ExampleFiles returns the files under the repository's examples/<cloud>
// folder (examples/aws, say), sorted by path. It fails the test when there
// is none.
func ExampleFiles(tb testing.TB, cloud string) []string {
	tb.Helper()
	root := testenv.RepoRoot(tb)
	if root == "" {
		tb.Fatal("repository root not found")
	}
	dir := filepath.Join(root, "examples", cloud)
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(files) == 0 {
		tb.Fatalf("no example files under %s", dir)
	}
	slices.Sort(files)
	return files
}

// SamplesDir returns the shared sample folder (../shared/samples beside the
// repository, or $SNAPWARDEN_SHARED/samples), skipping the test when absent.
func SamplesDir(tb testing.TB) string {
	tb.Helper()
	return testenv.Shared(tb, "samples")
}

// sampleExts are the endings of the log files among the shared samples.
var sampleExts = []string{".json", ".jsonl", ".ndjson", ".cloudtrail"}

// SampleFiles returns the log files (.json, .jsonl, .ndjson, .cloudtrail)
// under the shared samples' folders dirs ("aws/cloudtrail", say; all of the
// samples when none is given), folder by folder in walk order. It skips the
// test when the samples are absent, and fails it when a folder named is.
func SampleFiles(tb testing.TB, dirs ...string) []string {
	tb.Helper()
	root := SamplesDir(tb)
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	var files []string
	for _, dir := range dirs {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if slices.Contains(sampleExts, filepath.Ext(p)) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return files
}

// Record is one record of a sample file, split as the decoder splits input.
type Record struct {
	Path string // the file, relative to the samples folder, with slashes
	Line int
	// Text is a line that is not JSON (syslog, CEF), when Value is nil.
	Text []byte
	// Value is a JSON record, valid until the next record is yielded.
	Value *jsondoc.Value
}

// SampleRecords yields each record of SampleFiles(tb, dirs...). Records the
// splitter rejects and JSON that does not parse are passed over, and a file
// is left at the first error that ends it: broken samples are not a
// decoder's to judge.
func SampleRecords(tb testing.TB, dirs ...string) iter.Seq[Record] {
	tb.Helper()
	root := SamplesDir(tb)
	files := SampleFiles(tb, dirs...)
	return func(yield func(Record) bool) {
		var p jsondoc.Parser
		for _, path := range files {
			b, err := os.ReadFile(path)
			if err != nil {
				tb.Fatal(err)
			}
			rel, err := filepath.Rel(root, path)
			if err != nil {
				tb.Fatal(err)
			}
			rec := Record{Path: filepath.ToSlash(rel)}
			sp := decode.NewSplitter(bytes.NewReader(b))
			for {
				ch, err := sp.Next()
				var re *decode.RecordError
				if errors.As(err, &re) {
					continue
				}
				if err != nil {
					break // io.EOF, or broken JSON
				}
				rec.Line, rec.Text, rec.Value = ch.Line, nil, nil
				if ch.Text {
					rec.Text = ch.Bytes
				} else if rec.Value, err = p.ParseBytes(ch.Bytes); err != nil {
					continue
				}
				if !yield(rec) {
					return
				}
			}
		}
	}
}

// PantherTest is one line of a Panther rule-test file: a rule's test case,
// whose log is one provider record.
type PantherTest struct {
	Rule string          `json:"rule_id"`
	Name string          `json:"test_name"`
	Log  json.RawMessage `json:"log"`
}

// PantherTests reads a Panther rule-test file of the shared samples
// ("gcp/audit/panther/gcp_audit_tests.ndjson", say), one test a line, blank
// lines passed over.
func PantherTests(tb testing.TB, file string) []PantherTest {
	tb.Helper()
	path := filepath.Join(SamplesDir(tb), file)
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var out []PantherTest
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<22)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var pt PantherTest
		if err := json.Unmarshal(sc.Bytes(), &pt); err != nil {
			tb.Fatalf("%s:%d: %v", path, line, err)
		}
		out = append(out, pt)
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return out
}
