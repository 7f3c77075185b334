package detect_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/rule"
)

func TestCompile_Errors(t *testing.T) {
	ph := detect.Options{Placeholders: map[string][]string{"admins": {"a"}}}
	tests := []struct {
		name string
		ls   [2]string
		m    *rule.FieldMatcher // the culprit: the error is at its position (or its first value's)
		atV  bool               // at the value rather than the matcher
		opts detect.Options
		want string
	}{
		{name: "unknown raw field", m: fm("eventNme", "x"), want: `field "eventNme": neither a field-mapping entry nor a path under a known top-level key of cloudtrail records`},
		{name: "unknown azure field", ls: azureAL, m: fm("OperationNameValu", "x"), want: `field "OperationNameValu": neither`},
		{name: "unknown normalized field", ls: product, m: fm("actor.email", "x"), want: `field "actor.email": not a normalized field`},
		{name: "empty path segment", m: fm("requestParameters..x", "x"), want: "empty segment"},
		{name: "unknown placeholder", m: fm("userIdentity.arn|expand", "%operators%"), atV: true, opts: ph, want: "unknown placeholder %operators% (known: %admins%)"},
		{name: "no placeholders", m: fm("userIdentity.arn|expand", "%operators%"), atV: true, want: "no placeholders are configured"},
		{name: "bad regex", m: fm("eventName|re", "a(b"), atV: true, want: "re: error parsing regexp"},
		{name: "bad cidr", m: fm("sourceIPAddress|cidr", "10.0.0/33"), atV: true, want: "neither a CIDR nor an IP address"},
		{name: "not a number", m: fm("requestParameters.size|gt", "many"), atV: true, want: `"many" is not a number`},
		{name: "exists needs a boolean", m: fm("eventName|exists", "maybe"), atV: true, want: "exists takes true or false"},
		{name: "all needs a list", m: fm("eventName|all", "x"), want: `"all" needs a list of values`},
		{name: "base64 of a wildcard", m: fm("requestParameters|base64|contains", "a*b"), atV: true, want: "cannot encode a value with wildcards"},
		{name: "unknown modifier", m: fm("eventName|startwith", "x"), want: `unknown modifier "startwith"`},
		{name: "regex flag without re", m: fm("eventName|i", "x"), want: `modifier "i" applies only to re`},
		{name: "two positions", m: fm("eventName|startswith|endswith", "x"), want: "exclude each other"},
		{name: "re with contains", m: fm("eventName|re|contains", "x"), want: `"re" cannot be combined with "contains"`},
		{name: "exists with others", m: fm("eventName|exists|neq", true), want: `"exists" cannot be combined`},
		{name: "fieldref to unknown field", m: fm("eventName|fieldref", "nope.x"), atV: true, want: `fieldref "nope.x": neither`},
		{name: "fieldref with wildcard", m: fm("eventName|fieldref", "request*"), atV: true, want: "fieldref takes a field name"},
		{name: "no value", m: fm("eventName"), want: "no value to compare with"},
		{name: "null with contains", m: fm("eventName|contains", nil), atV: true, want: "null takes no modifiers"},
		{name: "windash explosion", m: fm("eventName|windash", "-a-b-c-d-e"), atV: true, want: "windash: more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ls := tt.ls
			if ls == [2]string{} {
				ls = awsCT
			}
			companion := fm("eventName", "x")
			if ls == product {
				companion = fm("action", "x")
			}
			bad := mkRule("bad", ls[0], ls[1], D{"selection": sel(companion, tt.m)}, nil)
			good := mkRule("good", "aws", "cloudtrail", D{"selection": sel(fm("eventName", "x"))}, nil)
			e, errs := detect.Compile([]*rule.Rule{bad, good}, tt.opts)
			if len(errs) != 1 {
				t.Fatalf("errors = %q, want one", errs.Lines())
			}
			err := errs[0]
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
			want := tt.m.Pos
			if tt.atV {
				want = tt.m.Values[0].Pos
			}
			if err.Pos != want || err.RuleID != "bad" {
				t.Errorf("error at %v of %q, want %v of \"bad\"", err.Pos, err.RuleID, want)
			}
			if got := ids(hitsOf(e)); len(e.Rules()) != 1 || e.Rules()[0].ID != "good" {
				t.Errorf("engine rules = %v, want only the good one", got)
			}
		})
	}
}

func hitsOf(e *detect.Engine) []detect.Hit {
	var hits []detect.Hit
	for _, r := range e.Rules() {
		hits = append(hits, detect.Hit{Rule: r})
	}
	return hits
}

func TestCompile_RuleErrors(t *testing.T) {
	s := func() D { return D{"selection": sel(fm("eventName", "x")), "filter": sel(fm("errorCode", "y"))} }
	timeframe := mkRule("tf", "aws", "cloudtrail", s(), nil)
	timeframe.Detection.Timeframe = "5m"
	noCond := mkRule("nc", "aws", "cloudtrail", s(), nil)
	noCond.Detection.Condition = nil
	tests := []struct {
		name string
		r    *rule.Rule
		want string
	}{
		{"unknown search", mkRule("r", "aws", "cloudtrail", s(), and(ref("selection"), ref("filters"))), `condition names "filters"`},
		{"count too high", mkRule("r", "aws", "cloudtrail", s(), of(3, "*")), "3 of *: only 2 searches match"},
		{"pattern matches nothing", mkRule("r", "aws", "cloudtrail", s(), of(1, "sel_*")), `"sel_*" matches no search`},
		{"timeframe", timeframe, "timeframe (a legacy aggregation) is not supported"},
		{"no condition", noCond, "detection has no condition"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, errs := detect.Compile([]*rule.Rule{tt.r}, detect.Options{})
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.want) {
				t.Fatalf("errors = %q, want one containing %q", errs.Lines(), tt.want)
			}
			if len(e.Rules()) != 0 {
				t.Errorf("the rule compiled anyway")
			}
		})
	}
}

func TestCompile_Inactive(t *testing.T) {
	rules := []*rule.Rule{
		mkRule("ws", "gcp", "google_workspace.admin", D{"selection": sel(fm("eventName", "x"))}, nil),
		mkRule("win", "windows", "security", D{"selection": sel(fm("EventID", 4624))}, nil),
		mkRule("signin", "azure", "signinlogs", D{"selection": sel(fm("ResultType", 50126))}, nil),
		mkRule("ct", "aws", "cloudtrail", D{"selection": sel(fm("eventName", "x"))}, nil),
	}
	e, errs := detect.Compile(rules, detect.Options{})
	if len(errs) != 3 {
		t.Fatalf("errors = %q, want 3", errs.Lines())
	}
	for _, err := range errs {
		if !errors.Is(err, rule.ErrInactive) {
			t.Errorf("%v: not ErrInactive", err)
		}
		if err.Pos != rulesByID(rules)[err.RuleID].LogSource.Pos {
			t.Errorf("%v: not at the logsource", err)
		}
	}
	if len(e.Rules()) != 1 {
		t.Errorf("active rules = %d, want 1", len(e.Rules()))
	}
}

func rulesByID(rs []*rule.Rule) map[string]*rule.Rule {
	m := map[string]*rule.Rule{}
	for _, r := range rs {
		m[r.ID] = r
	}
	return m
}

func TestCompile_DuplicateID(t *testing.T) {
	a := mkRule("same", "aws", "cloudtrail", D{"selection": sel(fm("eventName", "x"))}, nil)
	b := mkRule("same", "aws", "cloudtrail", D{"selection": sel(fm("eventName", "y"))}, nil)
	e, errs := detect.Compile([]*rule.Rule{a, b}, detect.Options{})
	if len(errs) != 1 || errs[0].Pos != b.Pos || !strings.Contains(errs[0].Error(), "duplicate rule id") {
		t.Fatalf("errors = %q, want a duplicate at the second rule", errs.Lines())
	}
	if len(e.Rules()) != 1 || e.Rules()[0] != a {
		t.Errorf("rules = %v, want the first", e.Rules())
	}
}

func TestCompile_OtherKindsIgnored(t *testing.T) {
	c := mkRule("corr", "aws", "cloudtrail", D{"selection": sel(fm("eventName", "x"))}, nil)
	c.Kind = rule.KindCorrelation
	e, errs := detect.Compile([]*rule.Rule{c}, detect.Options{})
	if len(errs) != 0 || len(e.Rules()) != 0 {
		t.Errorf("errors %q, rules %d: a correlation rule is not a detection's to compile", errs.Lines(), len(e.Rules()))
	}
}

func TestCompile_HitsInIDOrder(t *testing.T) {
	var rules []*rule.Rule
	for _, id := range []string{"c", "a", "d", "b"} {
		rules = append(rules, mkRule(id, "aws", "cloudtrail", D{"selection": sel(fm("eventSource", "ec2.amazonaws.com"))}, nil))
	}
	e := compile(t, detect.Options{}, rules...)
	if got := strings.Join(ids(e.Match(rawEvent(t, "cloudtrail", ctEvent), nil)), ","); got != "a,b,c,d" {
		t.Errorf("hits = %s, want a,b,c,d", got)
	}
}
