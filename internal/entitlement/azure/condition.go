package azure

import (
	"regexp"
	"slices"
	"strings"
)

// condition is an ABAC condition, on an assignment or on a role's
// permission block.
type condition struct {
	keys []string // attributes it reads: @Resource[…], @Request[…], …
	// actions are the ActionMatches{…} operations it names. Azure writes
	// a condition as "(!(ActionMatches{'op'})) OR (…)": it restricts the
	// named operations and leaves the others alone. With none named, it
	// restricts every operation.
	actions patterns
}

var (
	attrRE          = regexp.MustCompile(`@(?:Resource|Request|Principal|Environment)\[[^\]]*\]`)
	actionMatchesRE = regexp.MustCompile(`(?i)ActionMatches\s*\{([^}]*)\}`)
	quotedRE        = regexp.MustCompile(`'([^']*)'`)
)

// maxConditionText bounds the expression kept when it names no attribute.
const maxConditionText = 200

func parseCondition(expr string) *condition {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return nil
	}
	c := &condition{}
	for _, k := range attrRE.FindAllString(expr, -1) {
		if !slices.Contains(c.keys, k) {
			c.keys = append(c.keys, k)
		}
	}
	slices.Sort(c.keys)
	if len(c.keys) == 0 {
		text := expr
		if len(text) > maxConditionText {
			text = strings.ToValidUTF8(text[:maxConditionText], "") + "…"
		}
		c.keys = []string{text}
	}
	var names []string
	for _, m := range actionMatchesRE.FindAllStringSubmatch(expr, -1) {
		for _, q := range quotedRE.FindAllStringSubmatch(m[1], -1) {
			names = append(names, q[1])
		}
	}
	c.actions = compilePatterns(names)
	return c
}

// restricts reports whether the condition bears on the operation.
func (c *condition) restricts(name string) bool {
	if c == nil {
		return false
	}
	return len(c.actions) == 0 || c.actions.first(name) != nil
}

// String identifies the condition for de-duplication.
func (c *condition) String() string {
	if c == nil {
		return ""
	}
	s := strings.Join(c.keys, " ")
	for _, a := range c.actions {
		s += " " + a.text
	}
	return s
}
