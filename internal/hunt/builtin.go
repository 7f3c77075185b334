package hunt

import (
	"bytes"
	"io/fs"

	"github.com/snapwarden/snapwarden/internal/rule"
	"github.com/snapwarden/snapwarden/rules"
)

// BuiltinRules parses the embedded pack.
func BuiltinRules() ([]*rule.Rule, rule.ErrorList) {
	return rule.LoadFS(rules.FS, ".")
}

// builtinRulesWithoutTests parses the embedded pack without the rules'
// tests: blocks. YAML parsing is slow, and the tests are four fifths of the
// pack's text: reading them took hunt about 8 ms at every start.
func builtinRulesWithoutTests() ([]*rule.Rule, rule.ErrorList) {
	return rule.LoadFS(testlessFS{rules.FS}, ".")
}

// testlessFS reads files with their top-level tests: blocks blanked out.
type testlessFS struct{ fs.FS }

func (f testlessFS) ReadFile(name string) ([]byte, error) {
	data, err := fs.ReadFile(f.FS, name)
	if err != nil {
		return nil, err
	}
	return blankTests(data), nil
}

// blankTests empties the lines of each top-level tests: block: from a
// "tests:" line at column 0 to the next line at column 0 that is neither
// blank, a comment nor a list item (a key, or a document marker). The lines
// stay, empty, so that every other line keeps its number for errors.
func blankTests(data []byte) []byte {
	out := make([]byte, 0, len(data))
	inTests := false
	for line := range bytes.Lines(data) {
		if startsBlock(line) {
			inTests = bytes.HasPrefix(line, []byte("tests:"))
		}
		if inTests {
			out = append(out, '\n')
			continue
		}
		out = append(out, line...)
	}
	return out
}

// startsBlock reports whether a line at column 0 ends the block before it.
func startsBlock(line []byte) bool {
	switch {
	case len(line) == 0 || bytes.IndexByte([]byte(" \t\r\n#"), line[0]) >= 0:
		return false
	case line[0] == '-':
		return bytes.HasPrefix(line, []byte("---")) // not a list item
	}
	return true
}
