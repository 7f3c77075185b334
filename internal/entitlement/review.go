package entitlement

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
)

// Expected is the expected-holders file (--expected): who may hold which
// capability, why, and until when.
type Expected struct {
	// AdminEquivalentMax is how many admin-equivalent principals are
	// acceptable (0: no limit).
	AdminEquivalentMax int `yaml:"admin_equivalent_max"`
	// StandingPrivileged, when true, accepts standing (not eligible)
	// admin-equivalent grants; by default each is a finding.
	StandingPrivileged bool       `yaml:"standing_privileged"`
	Entries            []Approval `yaml:"expected"`
}

// Approval says a principal (a glob: * and ?) may hold a capability ("*":
// any).
type Approval struct {
	Principal     string    `yaml:"principal"`
	Capability    string    `yaml:"capability"`
	Owner         string    `yaml:"owner"`
	Justification string    `yaml:"justification"`
	Expires       time.Time `yaml:"expires"` // a date; zero: no expiry
	line          int
}

// ParseExpected reads an expected-holders file. Unknown keys and
// capabilities are errors with their line.
func ParseExpected(name string, data []byte) (*Expected, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var e Expected
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	lines := entryLines(&root)
	for i := range e.Entries {
		a := &e.Entries[i]
		if i < len(lines) {
			a.line = lines[i]
		}
		if strings.TrimSpace(a.Principal) == "" {
			return nil, fmt.Errorf("%s:%d: expected[%d]: principal is required", name, a.line, i)
		}
		if a.Capability == "" {
			a.Capability = "*"
		}
		if a.Capability != "*" && !slices.Contains(Capabilities, Capability(a.Capability)) {
			return nil, fmt.Errorf("%s:%d: expected[%d]: unknown capability %q (want one of %s or *)", name, a.line, i, a.Capability, capabilityNames())
		}
	}
	return &e, nil
}

// entryLines returns the line of each element of the top-level expected list.
func entryLines(root *yaml.Node) []int {
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	m := root.Content[0].Content
	for i := 0; i+1 < len(m); i += 2 {
		if m[i].Value == "expected" && m[i+1].Kind == yaml.SequenceNode {
			var out []int
			for _, it := range m[i+1].Content {
				out = append(out, it.Line)
			}
			return out
		}
	}
	return nil
}

func capabilityNames() string {
	s := make([]string, len(Capabilities))
	for i, c := range Capabilities {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// holds reports whether a grant gives the capability (now or on activation).
func holds(g *Grant) bool {
	return g.Verdict == Allow || g.Verdict == Conditional || g.Verdict == Eligible
}

// Review turns a report into entitlement findings against the expected
// holders: unexpected holders, holders whose approval expired, more
// admin-equivalent principals than accepted, and standing privileged
// grants. now judges expiry.
func Review(r *Report, exp *Expected, now time.Time) []finding.Finding {
	var out []finding.Finding
	admins := map[string]bool{}
	for i := range r.Grants {
		g := &r.Grants[i]
		if !holds(g) {
			continue
		}
		if g.Capability == AdminEquivalent {
			admins[string(g.Cloud)+"\x00"+g.Principal] = true
			if g.Standing && !exp.StandingPrivileged {
				out = append(out, grantFinding(ruleStanding, g, finding.Medium,
					g.Principal+" holds admin-equivalent rights permanently, not on activation",
					g.Principal+" постоянно имеет права уровня администратора, а не по запросу"))
			}
		}
		covered, expired := exp.covers(g, now)
		switch {
		case covered:
		case expired != nil:
			out = append(out, grantFinding(ruleExpired, g, finding.Medium,
				fmt.Sprintf("%s holds %s; its approval (%s) expired on %s", g.Principal, g.Capability, expired.Owner, expired.Expires.Format(time.DateOnly)),
				fmt.Sprintf("%s имеет право %s; согласование (%s) истекло %s", g.Principal, g.Capability, expired.Owner, expired.Expires.Format(time.DateOnly))))
		default:
			out = append(out, grantFinding(ruleUnexpected, g, unexpectedSeverity(g),
				fmt.Sprintf("%s can %s (%s via %s), and no approval names it", g.Principal, g.Capability, g.Verdict, strings.Join(g.Via, " → ")),
				fmt.Sprintf("%s может %s (%s через %s), согласования нет", g.Principal, g.Capability, g.Verdict, strings.Join(g.Via, " → "))))
		}
	}
	if exp.AdminEquivalentMax > 0 && len(admins) > exp.AdminEquivalentMax {
		keys := make([]string, 0, len(admins))
		for k := range admins {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		names := make([]string, len(keys))
		for i, k := range keys {
			_, names[i], _ = strings.Cut(k, "\x00")
		}
		f := finding.Finding{
			ID:       finding.ID(ruleAdmins.ID, keys...),
			Rule:     finding.Rule{ID: ruleAdmins.ID, Title: ruleAdmins.Title, Kind: finding.KindEntitlement},
			Severity: finding.Medium,
			Attack:   []string{"T1578.001"},
			Time:     now.UTC(),
			Actors:   names,
			Summary: map[string]string{
				"en": fmt.Sprintf("%d admin-equivalent principals, %d accepted", len(names), exp.AdminEquivalentMax),
				"ru": fmt.Sprintf("%d субъектов с правами администратора, допустимо %d", len(names), exp.AdminEquivalentMax),
			},
		}
		out = append(out, f)
	}
	for i := range out {
		out[i].Time = now.UTC()
	}
	return out
}

var (
	ruleUnexpected = finding.RuleInfo{ID: "entitlement-unexpected-holder", Title: "Unexpected holder of a snapshot capability", Kind: finding.KindEntitlement}
	ruleExpired    = finding.RuleInfo{ID: "entitlement-approval-expired", Title: "Snapshot capability held past its approval", Kind: finding.KindEntitlement}
	ruleAdmins     = finding.RuleInfo{ID: "entitlement-too-many-admins", Title: "More admin-equivalent principals than accepted", Kind: finding.KindEntitlement}
	ruleStanding   = finding.RuleInfo{ID: "entitlement-standing-privileged", Title: "Standing privileged assignment", Kind: finding.KindEntitlement}
)

// unexpectedSeverity: taking data out (share, export, read) and the power
// to grant oneself anything weigh most; an eligible grant one level less.
func unexpectedSeverity(g *Grant) finding.Severity {
	sev := finding.Medium
	switch g.Capability {
	case Share, Export, ReadData, AdminEquivalent, GuardrailOff:
		sev = finding.High
	case Schedule:
		sev = finding.Low
	}
	if g.Verdict == Eligible || g.Verdict == Conditional {
		sev--
	}
	return sev
}

func grantFinding(rule finding.RuleInfo, g *Grant, sev finding.Severity, en, ru string) finding.Finding {
	return finding.Finding{
		ID:        finding.ID(rule.ID, g.ID),
		Rule:      finding.Rule{ID: rule.ID, Title: rule.Title, Kind: finding.KindEntitlement},
		Severity:  sev,
		Attack:    []string{"T1578.001"},
		Cloud:     g.Cloud,
		Actors:    []string{g.Principal},
		Resources: []finding.Resource{{Type: event.Principal, ID: g.Principal}},
		Summary:   map[string]string{"en": en, "ru": ru},
	}
}

// covers reports whether an unexpired approval covers g; otherwise the
// expired approval that did, if any.
func (e *Expected) covers(g *Grant, now time.Time) (bool, *Approval) {
	var expired *Approval
	for i := range e.Entries {
		a := &e.Entries[i]
		if a.Capability != "*" && a.Capability != string(g.Capability) || !glob(a.Principal, g.Principal) {
			continue
		}
		if !a.Expires.IsZero() && !now.Before(a.Expires.AddDate(0, 0, 1)) {
			expired = a
			continue
		}
		return true, nil
	}
	return false, expired
}

// glob matches s against a pattern of * (any run) and ? (one byte),
// case-insensitively for the ASCII letters of principals' names.
func glob(pattern, s string) bool {
	p, t := strings.ToLower(pattern), strings.ToLower(s)
	// Iterative matching with backtracking to the last star.
	pi, ti, star, mark := 0, 0, -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]):
			pi++
			ti++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case star >= 0:
			pi, mark = star+1, mark+1
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
