package rule

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error is a problem with a rule, at a place in its file.
type Error struct {
	Pos    Pos
	RuleID string // or the title when the rule has no id yet
	Err    error
}

func (e *Error) Error() string {
	if e.RuleID != "" {
		return fmt.Sprintf("%s: rule %q: %v", e.Pos, e.RuleID, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Pos, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error at pos.
func Errorf(pos Pos, ruleID, format string, args ...any) *Error {
	return &Error{Pos: pos, RuleID: ruleID, Err: fmt.Errorf(format, args...)}
}

// ErrorList collects every problem rather than stopping at the first.
type ErrorList []*Error

// Add appends an error.
func (l *ErrorList) Add(e *Error) { *l = append(*l, e) }

// Sort orders the errors by file and position.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Err returns nil for an empty list (never a typed nil), else the list.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// Lines returns one line per error.
func (l ErrorList) Lines() string {
	var b strings.Builder
	for _, e := range l {
		b.WriteString(e.Error())
		b.WriteByte('\n')
	}
	return b.String()
}

// ErrInactive marks a rule that loads but whose log source snapwarden does
// not read (e.g. Google Workspace): it is listed, never evaluated.
var ErrInactive = errors.New("log source not read by snapwarden")
