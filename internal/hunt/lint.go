package hunt

import (
	"errors"
	"slices"

	"github.com/snapwarden/snapwarden/internal/rule"
)

// Lint loads rule files as rule.Lint does, then compiles the active rules
// with opts: a rule whose fields no mapping or raw path can resolve, or
// whose values do not compile, is rejected too, with its position.
func Lint(opts Options, paths ...string) *rule.LintReport {
	rep := rule.Lint(paths...)
	var active []*rule.Rule
	for _, r := range rep.Loaded {
		if _, ok := r.Format(); ok {
			active = append(active, r)
		}
	}
	_, errs := New(active, opts)
	byRule := map[string]rule.ErrorList{}
	for _, e := range errs {
		if !errors.Is(e, rule.ErrInactive) {
			byRule[e.RuleID] = append(byRule[e.RuleID], e)
		}
	}
	if len(byRule) == 0 {
		return rep
	}
	rep.Loaded = slices.DeleteFunc(rep.Loaded, func(r *rule.Rule) bool {
		es, bad := byRule[r.ID]
		if bad {
			rep.Rejected = append(rep.Rejected, rule.Rejection{Pos: r.Pos, Rule: r.ID, Errors: es})
		}
		return bad
	})
	return rep
}
