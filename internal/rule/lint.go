package rule

import (
	"fmt"
	"io/fs"
)

// LintReport is what linting rule files found.
type LintReport struct {
	// Loaded are the rules that loaded, active or not, in the order read.
	Loaded []*Rule
	// Inactive are the loaded rules whose log source snapwarden does not
	// read (see Rule.Format): listed, never evaluated.
	Inactive []*Rule
	// Rejected are the rule documents (or whole files, for YAML syntax and
	// read errors) that did not load, each with all of its errors.
	Rejected []Rejection
}

// Rejection is one rule document, or file, that did not load.
type Rejection struct {
	Pos    Pos    // of the document, or the file
	Rule   string // its id, else its title; empty when unknown
	Errors ErrorList
}

// Lint loads rules as Load does and sorts the outcome for `snapwarden rules
// lint`: loaded, inactive and rejected.
func Lint(paths ...string) *LintReport {
	var l loader
	for _, p := range paths {
		l.walkOS(p)
	}
	return l.report()
}

// LintFS is Lint over a file system, as LoadFS.
func LintFS(fsys fs.FS, root string) *LintReport {
	var l loader
	l.walkFS(fsys, root)
	return l.report()
}

func (l *loader) report() *LintReport {
	r := &LintReport{}
	for _, d := range l.docs {
		if d.rule == nil {
			r.Rejected = append(r.Rejected, Rejection{Pos: d.pos, Rule: d.label, Errors: d.errs})
			continue
		}
		r.Loaded = append(r.Loaded, d.rule)
		if _, active := d.rule.Format(); !active {
			r.Inactive = append(r.Inactive, d.rule)
		}
	}
	return r
}

// Errors returns the errors of every rejection, one per problem, in the
// order read.
func (r *LintReport) Errors() ErrorList {
	var out ErrorList
	for _, x := range r.Rejected {
		out = append(out, x.Errors...)
	}
	return out
}

// Summary is the closing line of `rules lint`: "loaded N, rejected M",
// followed by " (inactive K)" when some loaded rules are inactive. N counts
// inactive rules too; M counts rejected documents, not errors.
func (r *LintReport) Summary() string {
	s := fmt.Sprintf("loaded %d, rejected %d", len(r.Loaded), len(r.Rejected))
	if len(r.Inactive) > 0 {
		s += fmt.Sprintf(" (inactive %d)", len(r.Inactive))
	}
	return s
}
