package openstack

import (
	"fmt"
	"slices"
	"strings"
)

// personas are the token holders a loosened rule is told by: the default
// roles, the service role, and a role no rule names.
var personas = []string{"(any role)", "reader", "member", "admin", "service"}

// loosened notes the policy-file overrides of the rules the catalog uses
// that let a persona through where the default does not: a posture finding
// in itself (an operator who loosens publicize_image or communitize_image
// switches off the guardrail on public images for everyone).
func (e *evaluator) loosened(base policy) []string {
	var notes []string
	seen := map[requirement]bool{}
	for _, w := range e.d.ways {
		for _, req := range w.requires {
			r := e.pol[req.service][req.rule]
			if seen[req] || r == nil || r.source == base[req.service][req.rule].source {
				continue
			}
			seen[req] = true
			var broader []string
			for _, who := range personas {
				s := &scoped{scope: scope{"project", "p"}, assigned: []string{who}, groups: map[string][]string{}}
				cr := e.creds("u", s, "p")
				for _, where := range []struct{ project, label string }{{"p", "its project"}, {otherProject, "every project"}} {
					now := (&env{rules: e.pol[req.service], cred: cr, target: targetIn(where.project)}).rule(req.rule)
					was := (&env{rules: base[req.service], cred: cr, target: targetIn(where.project)}).rule(req.rule)
					if now.t > was.t {
						broader = append(broader, who+" in "+where.label)
					}
				}
			}
			if len(broader) > 0 {
				notes = append(notes, fmt.Sprintf("%s (%s) is broader than its default %q: it passes for %s",
					req, r.source, base[req.service][req.rule].check, strings.Join(broader, ", ")))
			}
		}
	}
	slices.Sort(notes)
	return notes
}
