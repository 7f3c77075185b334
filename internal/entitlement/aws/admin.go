package aws

import (
	"github.com/snapwarden/snapwarden/internal/entitlement"
)

// admin is the admin-equivalent hold: a principal that can put or attach
// a policy on itself, its group or a policy it has, or make and assume a
// role of its own.
func (e *evaluator) admin(n *node) outcome {
	best := notGranted
	for _, rule := range e.cat.Admin {
		if rule.Principal != "" && rule.Principal != n.kind {
			continue
		}
		var targets []string
		switch rule.On {
		case "self":
			targets = []string{n.arn}
		case "group":
			targets = n.groups
		case "attached-policy":
			targets = n.attached
		default:
			targets = []string{"*"}
		}
		for _, t := range targets {
			o := e.requirement(n, rule.Actions, []string{t}, nil)
			if o.verdict == entitlement.NotGranted {
				continue
			}
			if weaker(best, o) {
				best = o
			}
		}
	}
	return best
}
