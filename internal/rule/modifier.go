package rule

import (
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// group sorts the modifiers by what they do, for the rules on combining them.
type group int

const (
	gNone     group = iota
	gAll            // all
	gCased          // cased
	gNeq            // neq
	gExists         // exists
	gShape          // contains, startswith, endswith
	gRe             // re
	gReFlag         // i, m, s
	gUTF16          // utf16le, utf16be, utf16, wide
	gBase64         // base64, base64offset
	gWindash        // windash
	gCompare        // lt, lte, gt, gte
	gTime           // minute, hour, day, week, month, year
	gCIDR           // cidr
	gExpand         // expand
	gFieldref       // fieldref
)

func groupOf(m string) group {
	switch m {
	case "all":
		return gAll
	case "cased":
		return gCased
	case "neq":
		return gNeq
	case "exists":
		return gExists
	case "contains", "startswith", "endswith":
		return gShape
	case "re":
		return gRe
	case "i", "m", "s":
		return gReFlag
	case "utf16le", "utf16be", "utf16", "wide":
		return gUTF16
	case "base64", "base64offset":
		return gBase64
	case "windash":
		return gWindash
	case "lt", "lte", "gt", "gte":
		return gCompare
	case "minute", "hour", "day", "week", "month", "year":
		return gTime
	case "cidr":
		return gCIDR
	case "expand":
		return gExpand
	case "fieldref":
		return gFieldref
	}
	return gNone
}

// companions lists, for each group, the groups it may be combined with. The
// relation is symmetric (a test checks it); a group absent from its own list
// admits one modifier of its kind (startswith and endswith contradict each
// other, as do two encodings or two comparisons).
var companions = map[group][]group{
	gAll:      {gCased, gNeq, gShape, gRe, gReFlag, gUTF16, gBase64, gWindash, gCompare, gTime, gCIDR, gExpand, gFieldref},
	gCased:    {gAll, gNeq, gShape, gRe, gReFlag, gUTF16, gBase64, gWindash, gExpand, gFieldref},
	gNeq:      {gAll, gCased, gShape, gRe, gReFlag, gUTF16, gBase64, gWindash, gTime, gCIDR, gExpand, gFieldref},
	gExists:   {},
	gShape:    {gAll, gCased, gNeq, gUTF16, gBase64, gWindash, gExpand, gFieldref},
	gRe:       {gAll, gCased, gNeq, gReFlag},
	gReFlag:   {gAll, gCased, gNeq, gRe, gReFlag},
	gUTF16:    {gAll, gCased, gNeq, gShape, gBase64, gWindash, gExpand},
	gBase64:   {gAll, gCased, gNeq, gShape, gUTF16, gWindash, gExpand},
	gWindash:  {gAll, gCased, gNeq, gShape, gUTF16, gBase64, gExpand},
	gCompare:  {gAll, gTime},
	gTime:     {gAll, gNeq, gCompare},
	gCIDR:     {gAll, gNeq},
	gExpand:   {gAll, gCased, gNeq, gShape, gUTF16, gBase64, gWindash},
	gFieldref: {gAll, gCased, gNeq, gShape},
}

func compatible(a, b group) bool {
	for _, g := range companions[a] {
		if g == b {
			return true
		}
	}
	return false
}

// needField are the groups that make no sense on a keyword search.
var needField = map[group]bool{gExists: true, gNeq: true, gCompare: true, gTime: true, gCIDR: true, gFieldref: true}

// timeRange is the range of each time-part modifier's values.
var timeRange = map[string][2]float64{
	"minute": {0, 59}, "hour": {0, 23}, "day": {1, 31}, "week": {1, 52}, "month": {1, 12}, "year": {1, 9999},
}

// modifier is one modifier of a matcher with where it is written.
type modifier struct {
	name string
	pos  Pos
}

// checkModifiers validates a matcher's modifier chain and its values against
// it. vnode is the value node (a scalar or a list), for list-level errors.
func (p *docParser) checkModifiers(m *FieldMatcher, mods []modifier, vnode *yaml.Node) {
	if !p.checkChain(m, mods) {
		return
	}
	has := func(g group) string {
		for _, x := range mods {
			if groupOf(x.name) == g {
				return x.name
			}
		}
		return ""
	}
	if has(gExists) != "" {
		if len(m.Values) != 1 || m.Values[0].Kind != Bool {
			p.errorf(p.src.at(vnode), "exists takes true or false, not %s", describeValues(m.Values))
		}
		return
	}
	flags := "" // of re, as Go writes them: (?ims)
	for _, x := range mods {
		if groupOf(x.name) == gReFlag {
			flags += x.name
		}
	}
	for _, v := range m.Values {
		if v.Kind == Null {
			for _, x := range mods {
				if g := groupOf(x.name); g != gAll && g != gCased && g != gNeq {
					p.errorf(v.Pos, "null cannot be used with %s", x.name)
					break
				}
			}
			continue
		}
		if name := has(gCompare); name != "" {
			p.checkNumber(name, v)
		}
		if name := has(gTime); name != "" {
			p.checkTimePart(name, v)
		}
		if has(gCIDR) != "" {
			if _, err := netip.ParsePrefix(v.Text); err != nil {
				p.errorf(v.Pos, "cidr takes an IPv4 or IPv6 prefix such as 10.0.0.0/8, not %q", v.Text)
			}
		}
		if has(gRe) != "" {
			expr := v.Text
			if flags != "" {
				expr = "(?" + flags + ")" + expr
			}
			if _, err := regexp.Compile(expr); err != nil {
				p.errorf(v.Pos, "invalid regular expression %q: %v", v.Text, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			}
		}
		if has(gFieldref) != "" {
			if v.Text == "" || strings.ContainsFunc(v.Text, func(r rune) bool { return unicode.IsSpace(r) || r == '|' }) {
				p.errorf(v.Pos, "fieldref takes a field name, not %q", v.Text)
			}
		}
		if has(gExpand) != "" && !hasPlaceholder(v.Text) {
			p.errorf(v.Pos, "expand needs a %%placeholder%% in the value %q", v.Text)
		}
	}
}

// checkChain validates the modifiers among themselves: combinations, order
// and keyword use. It reports the first problem only: the others usually
// follow from it.
func (p *docParser) checkChain(m *FieldMatcher, mods []modifier) bool {
	seen := map[string]bool{}
	for i, x := range mods {
		g := groupOf(x.name)
		switch {
		case seen[x.name]:
			p.errorf(x.pos, "modifier %s is repeated", x.name)
			return false
		case m.Field == "" && needField[g]:
			p.errorf(x.pos, "modifier %s needs a field: a keyword search has none", x.name)
			return false
		}
		seen[x.name] = true
		for _, y := range mods[:i] {
			if gy := groupOf(y.name); !compatible(gy, g) {
				p.errorf(x.pos, "modifiers %s and %s cannot be combined%s", y.name, x.name, combineHint(gy, g))
				return false
			}
		}
	}
	// Order: each rule names a modifier that must come before another.
	before := func(first, then group, why string) bool {
		for i, x := range mods {
			if groupOf(x.name) != then {
				continue
			}
			for _, y := range mods[i+1:] {
				if groupOf(y.name) == first {
					p.errorf(y.pos, "modifier %s must come before %s (%s)", y.name, x.name, why)
					return false
				}
			}
		}
		return true
	}
	if !before(gRe, gReFlag, "field|re|i") ||
		!before(gUTF16, gBase64, "the text is encoded to UTF-16, then to base64") ||
		!before(gWindash, gUTF16, "dashes are varied in the text, then it is encoded") ||
		!before(gWindash, gBase64, "dashes are varied in the text, then it is encoded") ||
		!before(gTime, gCompare, "the part is taken from the date, then compared: field|hour|gte") {
		return false
	}
	for _, x := range mods {
		switch {
		case groupOf(x.name) == gReFlag && !seen["re"]:
			p.errorf(x.pos, "modifier %s applies only after re (field|re|%s)", x.name, x.name)
			return false
		case x.name == "base64offset" && !seen["contains"]:
			p.errorf(x.pos, "base64offset needs contains (field|base64offset|contains)")
			return false
		}
	}
	return true
}

func combineHint(a, b group) string {
	switch {
	case a == gExists || b == gExists:
		return ": exists stands alone (field|exists: true)"
	case a == gShape && b == gShape:
		return ": use one, with * wildcards in the value for the rest"
	case a == gCompare && b == gCompare:
		return ": use two matchers to give a range"
	}
	return ""
}

func (p *docParser) checkNumber(name string, v Value) {
	switch {
	case v.Kind == Number && !math.IsNaN(v.Num):
	case v.Kind == String && isNumber(v.Text):
		p.errorf(v.Pos, "%s takes a number, not the string %q (write it without quotes)", name, v.Text)
	default:
		p.errorf(v.Pos, "%s takes a number, not %q", name, v.Text)
	}
}

func (p *docParser) checkTimePart(name string, v Value) {
	r := timeRange[name]
	if v.Kind != Number || v.Num != math.Trunc(v.Num) || v.Num < r[0] || v.Num > r[1] {
		p.errorf(v.Pos, "%s takes a whole number from %g to %g, not %q", name, r[0], r[1], v.Text)
	}
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return err == nil
}

// hasPlaceholder reports whether s holds a %name% that is not escaped as \%.
func hasPlaceholder(s string) bool {
	open := -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++ // the next character is literal
		case '%':
			if open >= 0 && i > open+1 {
				return true
			}
			open = i
		}
	}
	return false
}

func describeValues(vs []Value) string {
	switch len(vs) {
	case 0:
		return "an empty list"
	case 1:
		return fmt.Sprintf("%q", vs[0].Text)
	}
	return "a list"
}
