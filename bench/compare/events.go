package compare

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// Events are the records both engines read: one compact JSON record a line,
// held in memory. The peer reads the lines, snapwarden's decoder the same
// bytes as NDJSON (the lines joined by '\n').
type Events struct {
	ndjson []byte
	ends   []int    // end of each line in ndjson
	origin []string // where each line came from
	// Sources count the lines each input added, in order.
	Sources []Source
}

// Source is one input of the records: a file, the rule test cases.
type Source struct {
	Name    string
	Records int
}

// Len is the number of lines.
func (e *Events) Len() int { return len(e.ends) }

// NDJSON returns every line, each ended by '\n'.
func (e *Events) NDJSON() []byte { return e.ndjson }

// Lines returns the lines, without their '\n', as subslices of NDJSON.
func (e *Events) Lines() [][]byte {
	out := make([][]byte, len(e.ends))
	start := 0
	for i, end := range e.ends {
		out[i] = e.ndjson[start:end:end]
		start = end + 1
	}
	return out
}

// Origin says where line i came from: a file or a rule test case.
func (e *Events) Origin(i int) string { return e.origin[i] }

// Add appends a record, compacted to one line, and says where it came from
// (file:line, a test case). An empty record is skipped. A record that is not
// valid JSON is kept, on one line, so that both engines see it and count it
// as bad.
func (e *Events) Add(origin string, record []byte) {
	r := bytes.TrimSpace(record)
	if len(r) == 0 {
		return
	}
	var c bytes.Buffer
	if json.Compact(&c, r) == nil {
		r = c.Bytes()
	} else {
		r = bytes.ReplaceAll(bytes.ReplaceAll(r, []byte{'\r'}, []byte{' '}), []byte{'\n'}, []byte{' '})
	}
	e.ndjson = append(e.ndjson, r...)
	e.ends = append(e.ends, len(e.ndjson))
	e.ndjson = append(e.ndjson, '\n')
	e.origin = append(e.origin, origin)
	if len(e.Sources) == 0 {
		e.Sources = append(e.Sources, Source{Name: "records"})
	}
	e.Sources[len(e.Sources)-1].Records++
}

// ReadNDJSON adds the lines of an NDJSON file. A line holding a JSON array
// or a CloudTrail delivery object ({"Records": […]}) adds its elements, so
// that every line the engines read is one record.
func (e *Events) ReadNDJSON(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	base := filepath.Base(path)
	e.Sources = append(e.Sources, Source{Name: path})
	for i, l := range bytes.Split(data, []byte{'\n'}) {
		origin := base + ":" + strconv.Itoa(i+1)
		elems, ok := container(l)
		if !ok {
			e.Add(origin, l)
			continue
		}
		for k, r := range elems {
			e.Add(fmt.Sprintf("%s[%d]", origin, k), r)
		}
	}
	return nil
}

// container returns the elements of a JSON array or of a {"Records": […]}
// object.
func container(l []byte) ([]json.RawMessage, bool) {
	l = bytes.TrimSpace(l)
	var elems []json.RawMessage
	switch {
	case bytes.HasPrefix(l, []byte{'['}):
		return elems, json.Unmarshal(l, &elems) == nil
	case bytes.Contains(l, []byte(`"Records"`)):
		var d struct{ Records []json.RawMessage }
		if json.Unmarshal(l, &d) == nil && d.Records != nil {
			return d.Records, true
		}
	}
	return nil, false
}

// ReadRuleCases adds the raw records of snapwarden's SigmaHQ rule tests
// (internal/detect/testdata/sigmahq/aws_*.json: for each AWS rule, records
// it must match and near misses it must not), so that every rule's
// conditions meet both a hit and a miss. The files' other keys are ignored.
func (e *Events) ReadRuleCases(dir string) (files int, err error) {
	paths, err := filepath.Glob(filepath.Join(dir, "aws_*.json"))
	if err != nil {
		return 0, err
	}
	e.Sources = append(e.Sources, Source{Name: "SigmaHQ rule test cases in " + dir})
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return files, err
		}
		var tc struct {
			Match   []json.RawMessage `json:"match"`
			NoMatch []json.RawMessage `json:"nomatch"`
		}
		if err := json.Unmarshal(data, &tc); err != nil {
			return files, fmt.Errorf("%s: %w", p, err)
		}
		base := filepath.Base(p)
		for i, m := range tc.Match {
			e.Add(fmt.Sprintf("%s match[%d]", base, i), m)
		}
		for i, m := range tc.NoMatch {
			e.Add(fmt.Sprintf("%s nomatch[%d]", base, i), m)
		}
		files++
	}
	return files, nil
}
