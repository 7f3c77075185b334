package detect_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// TestIndex_Keys checks which rules the operation index selects, and that
// the selection never loses a match: every case is also matched without
// the index against events with and without the operation.
func TestIndex_Keys(t *testing.T) {
	en := func(v ...any) *rule.FieldMatcher { return fm("eventName", v...) }
	src := fm("eventSource", "ec2.amazonaws.com")
	tests := []indexCase{
		{"equality", D{"selection": sel(en("CreateSnapshot"))}, nil, true},
		{"list", D{"selection": sel(en("DeleteSnapshot", "CreateSnapshot"))}, nil, true},
		{"cased", D{"selection": sel(fm("eventName|cased", "CreateSnapshot"))}, nil, true},
		{"with other fields", D{"selection": sel(src, en("CreateSnapshot"))}, nil, true},
		{"contains", D{"selection": sel(fm("eventName|contains", "Snapshot"))}, nil, false},
		{"wildcard", D{"selection": sel(en("Create*"))}, nil, false},
		{"number", D{"selection": sel(en(42))}, nil, false},
		{"numeric string", D{"selection": sel(en("42"))}, nil, false},
		{"boolean string", D{"selection": sel(en("true"))}, nil, false},
		{"neq", D{"selection": sel(fm("eventName|neq", "X"))}, nil, false},
		{"null", D{"selection": sel(en(nil))}, nil, false},
		{"all", D{"selection": sel(fm("eventName|all", "A", "B"))}, nil, false},
		{"windash", D{"selection": sel(fm("eventName|windash", "Create-Snapshot"))}, nil, false},
		{"keywords", D{"keywords": kw("", "CreateSnapshot")}, nil, false},
		{"no operation", D{"selection": sel(src)}, nil, false},
		{"not", D{"selection": sel(en("CreateSnapshot"))}, not(ref("selection")), false},
		{"and with unconstrained", D{"a": sel(en("CreateSnapshot")), "b": sel(src)}, and(ref("a"), ref("b")), true},
		{"and not", D{"a": sel(en("CreateSnapshot")), "b": sel(src)}, and(ref("a"), not(ref("b"))), true},
		{"or with unconstrained", D{"a": sel(en("CreateSnapshot")), "b": sel(src)}, or(ref("a"), ref("b")), false},
		{"or both constrained", D{"a": sel(en("CreateSnapshot")), "b": sel(en("DeleteSnapshot"))}, or(ref("a"), ref("b")), true},
		{"1 of constrained", D{"s_a": sel(en("CreateSnapshot")), "s_b": sel(en("CopySnapshot"))}, of(1, "s_*"), true},
		{"1 of unconstrained", D{"s_a": sel(en("CreateSnapshot")), "s_b": sel(src)}, of(1, "s_*"), false},
		{"all of", D{"s_a": sel(en("CreateSnapshot")), "s_b": sel(src)}, of(0, "s_*"), true},
		{"list of maps constrained", D{"selection": maps(all(en("A")), all(en("CreateSnapshot"), src))}, nil, true},
		{"list of maps unconstrained", D{"selection": maps(all(en("A")), all(src))}, nil, false},
		{"two operations in one map", D{"selection": sel(en("CreateSnapshot"), en("A", "CreateSnapshot"))}, nil, true},
		{"two disjoint operations (a list field has both)", D{"selection": sel(en("A"), en("CreateSnapshot"))}, nil, true},
		{"all of disjoint operations", D{"s_a": sel(en("A")), "s_b": sel(en("CreateSnapshot"))}, of(0, "s_*"), true},
	}
	events := []string{
		ctEvent,
		`{"eventName":"DeleteSnapshot","eventSource":"ec2.amazonaws.com"}`,
		`{"eventName":"A","eventSource":"ec2.amazonaws.com"}`,
		`{"eventName":["A","CreateSnapshot"],"eventSource":"ec2.amazonaws.com"}`, // a list: any element
		`{"eventName":42,"eventSource":"ec2.amazonaws.com"}`,
		`{"eventName":"true","eventSource":"ec2.amazonaws.com"}`,
		`{"eventName":true,"eventSource":"ec2.amazonaws.com"}`,
		`{"eventName":"Create-Snapshot"}`,
		`{"eventSource":"ec2.amazonaws.com"}`,
		`{"eventName":null}`,
	}
	checkIndex(t, tests, events, func(st detect.Stats) int { return st.Indexed })
}

// indexCase is a rule and whether the index under test lists it.
type indexCase struct {
	name   string
	d      D
	cond   rule.Expr
	listed bool
}

// checkIndex compiles each case's rule with the index and without, checks
// that listed(stats) counts it when the index should list it, and that the
// two match the same events.
func checkIndex(t *testing.T, cases []indexCase, events []string, listed func(detect.Stats) int) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			r := mkRule("r", "aws", "cloudtrail", tt.d, tt.cond)
			e := compile(t, detect.Options{}, r)
			st := e.Stats()
			if got := listed(st) == 1; got != tt.listed || st.Indexed+st.ByField+st.Always != 1 {
				t.Errorf("stats %+v, want listed %v", st, tt.listed)
			}
			plain := compile(t, detect.Options{DisableIndex: true}, r)
			if st := plain.Stats(); st.Indexed+st.ByField != 0 || st.Always != 1 {
				t.Errorf("without index: stats %+v", st)
			}
			for _, js := range events {
				ev := rawEvent(t, "cloudtrail", js)
				if a, b := len(e.Match(ev, nil)), len(plain.Match(ev, nil)); a != b {
					t.Errorf("event %.70s: %d hits with the index, %d without", js, a, b)
				}
			}
		})
	}
}

// TestIndex_OtherField checks the index of rules that name no operation by
// another field they compare for equality, and that it never loses a
// match: every case is also matched without the index.
func TestIndex_OtherField(t *testing.T) {
	typ := func(v ...any) *rule.FieldMatcher { return fm("userIdentity.type", v...) }
	ua := func(v ...any) *rule.FieldMatcher { return fm("userAgent", v...) }
	evType := fm("eventType", "AwsServiceEvent")
	tests := []indexCase{
		{"equality", D{"selection": sel(typ("Root"))}, nil, true},
		{"and not", D{"s": sel(typ("Root")), "f": sel(evType)}, and(ref("s"), not(ref("f"))), true},
		{"list", D{"selection": sel(ua("TruffleHog", "Pacu"))}, nil, true},
		{"two fields", D{"selection": sel(typ("Root"), ua("TruffleHog"))}, nil, true},
		{"contains", D{"selection": sel(fm("userAgent|contains", "TruffleHog"))}, nil, false},
		{"wildcard", D{"selection": sel(ua("Truffle*"))}, nil, false},
		{"numeric string", D{"selection": sel(typ("42"))}, nil, false},
		{"boolean string", D{"selection": sel(typ("true"))}, nil, false},
		{"not", D{"selection": sel(typ("Root"))}, not(ref("selection")), false},
		{"or with unconstrained", D{"a": sel(typ("Root")), "b": sel(fm("userAgent|contains", "x"))}, or(ref("a"), ref("b")), false},
		{"or of two fields", D{"a": sel(typ("Root")), "b": sel(ua("TruffleHog"))}, or(ref("a"), ref("b")), false},
		{"keywords", D{"keywords": kw("", "Root")}, nil, false},
		{"operation wins", D{"selection": sel(typ("Root"), fm("eventName", "CreateSnapshot"))}, nil, false},
	}
	events := []string{
		ctEvent,
		`{"eventName":"GetObject","userIdentity":{"type":"Root"},"userAgent":"TruffleHog"}`,
		`{"eventName":"GetObject","userIdentity":{"type":"ROOT"},"eventType":"AwsServiceEvent"}`,
		`{"eventName":"GetObject","userIdentity":[{"type":"IAMUser"},{"type":"root"}],"userAgent":["x","pacu"]}`,
		`{"eventName":"GetObject","userIdentity":{"type":42},"userAgent":"truffleHog "}`,
		`{"eventName":"GetObject","userIdentity":{"type":"true"},"userAgent":null}`,
		`{"eventName":"GetObject","userIdentity":{"type":true}}`,
		`{"eventName":"GetObject","userIdentity":{"type":{"a":"Root"}}}`,
		`{"eventName":"GetObject","userIdentity":"Root"}`,
		`{"eventName":"GetObject"}`,
	}
	checkIndex(t, tests, events, func(st detect.Stats) int { return st.ByField })
	// A normalized time is a time, not a string, yet equals one by its text.
	at := mkRule("at", "snapwarden", "", D{"selection": sel(fm("time", "2026-03-01T22:15:30Z"))}, nil)
	byTime := compile(t, detect.Options{}, at)
	if st := byTime.Stats(); st.ByField != 1 {
		t.Errorf("time rule: stats %+v", st)
	}
	for _, js := range []string{`{"time":"2026-03-01T22:15:30Z"}`, `{"time":"2026-03-01T22:15:31Z"}`} {
		ev := normEvent(t, js)
		plain := compile(t, detect.Options{DisableIndex: true}, at)
		if a, b := len(byTime.Match(ev, nil)), len(plain.Match(ev, nil)); a != b {
			t.Errorf("event %s: %d hits with the index, %d without", js, a, b)
		}
	}

	// Rules share a field's index, and a skipped rule's index is not read.
	e := compile(t, detect.Options{},
		mkRule("root", "aws", "cloudtrail", D{"selection": sel(typ("Root"))}, nil),
		mkRule("assumed", "aws", "cloudtrail", D{"selection": sel(typ("AssumedRole"), fm("userIdentity.sessionContext.sessionIssuer.type", "Role"))}, nil),
		mkRule("ua", "aws", "cloudtrail", D{"selection": sel(ua("TruffleHog"))}, nil))
	if s := e.Stats().Sources["cloudtrail"]; s != (detect.SourceStats{Rules: 3, ByField: 3, Keys: 3}) {
		t.Errorf("stats %+v, want three rules under two fields' three values", s)
	}
	m := e.NewMatcher()
	m.Skip(func(r *rule.Rule) bool { return r.ID == "ua" })
	ev := rawEvent(t, "cloudtrail", `{"eventName":"GetObject","userIdentity":{"type":"root"},"userAgent":"TruffleHog"}`)
	if got := ids(m.Match(ev, nil)); len(got) != 1 || got[0] != "root" {
		t.Errorf("hits %v, want root", got)
	}
	if c := m.Counts(); c.Candidates != 1 {
		t.Errorf("%d candidates, want 1", c.Candidates)
	}
}

// TestIndex_Candidates counts the rules evaluated for an event: the ones
// listed under its operation and the ones that always run, of its format
// and of the normalized rules.
func TestIndex_Candidates(t *testing.T) {
	var rules []*rule.Rule
	for _, op := range []string{"CreateSnapshot", "DeleteSnapshot", "CopySnapshot", "ModifySnapshotAttribute", "CreateVolume"} {
		rules = append(rules, mkRule("ct-"+op, "aws", "cloudtrail", D{"selection": sel(fm("eventSource", "ec2.amazonaws.com"), fm("eventName", op))}, nil))
	}
	rules = append(rules,
		mkRule("ct-always", "aws", "cloudtrail", D{"selection": sel(fm("userAgent|contains", "console"))}, nil),
		mkRule("az", "azure", "activitylogs", D{"selection": sel(fm("operationName", "Microsoft.Compute/snapshots/write"))}, nil),
		mkRule("gcp-exact", "gcp", "gcp.audit", D{"selection": sel(fm("gcp.audit.method_name", "v1.compute.snapshots.insert"))}, nil),
		mkRule("gcp-wild", "gcp", "gcp.audit", D{"selection": sel(fm("gcp.audit.method_name", "v*.compute.snapshots.insert"))}, nil),
		mkRule("p-create", "snapwarden", "", D{"selection": sel(fm("action", "snapshot.create"))}, nil),
		mkRule("p-always", "snapwarden", "", D{"selection": sel(fm("share.external", true))}, nil),
	)
	e := compile(t, detect.Options{}, rules...)
	st := e.Stats()
	want := detect.Stats{Rules: 11, Indexed: 8, Always: 3, Keys: 8}
	if st.Rules != want.Rules || st.Indexed != want.Indexed || st.Always != want.Always || st.Keys != want.Keys {
		t.Errorf("stats %+v, want %+v", st, want)
	}
	if s := st.Sources["cloudtrail"]; s != (detect.SourceStats{Rules: 6, Indexed: 5, Always: 1, Keys: 5}) {
		t.Errorf("cloudtrail stats %+v", s)
	}
	if s := st.Sources["gcpaudit"]; s != (detect.SourceStats{Rules: 2, Indexed: 1, Always: 1, Keys: 1}) {
		t.Errorf("gcpaudit stats %+v", s)
	}
	m := e.NewMatcher()
	ev := rawEvent(t, "cloudtrail", ctEvent)
	ev.Action = "snapshot.create"
	hits := m.Match(ev, nil)
	// ct-CreateSnapshot, ct-always, p-create, p-always.
	if c := m.Counts(); c.Candidates != 4 || c.Events != 1 {
		t.Errorf("counts %+v, want 4 candidates", c)
	}
	if got := ids(hits); len(got) != 2 || got[0] != "ct-CreateSnapshot" || got[1] != "p-create" {
		t.Errorf("hits %v", got)
	}
	az := rawEvent(t, "azureactivity", `{"operationName":{"value":"MICROSOFT.COMPUTE/SNAPSHOTS/WRITE"}}`)
	if got := ids(m.Match(az, nil)); len(got) != 1 || got[0] != "az" {
		t.Errorf("azure hits %v", got)
	}
}
