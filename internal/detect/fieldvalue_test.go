package detect_test

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// parseOne parses a rule written in YAML.
func parseOne(t *testing.T, doc string) *rule.Rule {
	t.Helper()
	rs, errs := rule.Parse("r.yml", []byte(doc))
	if len(errs) > 0 || len(rs) != 1 {
		t.Fatalf("parse: %s", errs.Lines())
	}
	return rs[0]
}

const (
	trailRule = "title: T\nid: t\nlogsource: {product: aws, service: cloudtrail}\ndetection: {s: {eventName: CreateSnapshot}, condition: s}\n"
	normRule  = "title: N\nid: n\nlogsource: {product: snapwarden}\ndetection: {s: {action: snapshot.create}, condition: s}\n"
)

// TestFieldReader_Read: a field resolves as the matcher resolves it (raw
// paths, mappings, normalized fields, raw.PATH), and reads copies of its
// values as text.
func TestFieldReader_Read(t *testing.T) {
	record := `{"eventName":"CreateSnapshot","sourceIPAddress":"203.0.113.7","recipientAccountId":"111122223333",
		"userIdentity":{"arn":"arn:aws:sts::111122223333:assumed-role/ops/alice","sessionContext":{"mfa":true}},
		"requestParameters":{"volumeId":"vol-1","size":100,"tags":["a","","b"],"none":null,"obj":{"k":"v"}}}`
	ev := &event.Event{
		ID: "e1", Time: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), Cloud: event.AWS, Format: "cloudtrail",
		Account: "111122223333", Action: event.SnapshotCreate,
		Actor: event.Actor{ID: "arn:aws:iam::111122223333:role/ops", Name: "alice"},
		Resources: []event.Resource{
			{Role: event.RoleSource, Type: event.Volume, ID: "vol-1"},
			{Role: event.RoleCreated, Type: event.Snapshot, ID: "snap-1"},
		},
		Raw: []json.RawMessage{json.RawMessage(record)},
	}
	var p jsondoc.Parser
	doc, err := p.Parse(record)
	if err != nil {
		t.Fatal(err)
	}
	withDocs := *ev
	withDocs.Docs = []*jsondoc.Value{doc}

	eng, errs := detect.Compile(nil, detect.Options{FieldMappings: map[string]map[string][]string{
		"cloudtrail": {"principal": {"userIdentity.arn"}},
	}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	trail, norm := parseOne(t, trailRule), parseOne(t, normRule)
	cases := []struct {
		rule  *rule.Rule
		field string
		want  []string
	}{
		{trail, "userIdentity.arn", []string{"arn:aws:sts::111122223333:assumed-role/ops/alice"}},
		{trail, "userIdentity.sessionContext.mfa", []string{"true"}},
		{trail, "requestParameters.size", []string{"100"}},
		{trail, "requestParameters.tags", []string{"a", "b"}}, // empty strings give nothing
		{trail, "requestParameters.none", nil},
		{trail, "requestParameters.obj", nil},
		{trail, "requestParameters.missing", nil},
		{trail, "source.ip", []string{"203.0.113.7"}},                                      // built-in mapping
		{trail, "principal", []string{"arn:aws:sts::111122223333:assumed-role/ops/alice"}}, // Options mapping
		{trail, "actor.id", []string{"arn:aws:iam::111122223333:role/ops"}},                // normalized fallback
		{trail, "account", []string{"111122223333"}},
		{norm, "actor.id", []string{"arn:aws:iam::111122223333:role/ops"}},
		{norm, "resources.id", []string{"vol-1", "snap-1"}},
		{norm, "time", []string{"2026-11-20T10:00:00Z"}},
		{norm, "raw.requestParameters.volumeId", []string{"vol-1"}},
	}
	for _, c := range cases {
		t.Run(c.rule.ID+"/"+c.field, func(t *testing.T) {
			fr, err := eng.FieldReader(c.rule, c.field)
			if err != nil {
				t.Fatal(err)
			}
			if fr.Name() != c.field {
				t.Errorf("name %q", fr.Name())
			}
			for name, e := range map[string]*event.Event{"docs": &withDocs, "raw": ev} {
				got := fr.Read(e, []string{"kept"})
				if got[0] != "kept" || !slices.Equal(got[1:], c.want) {
					t.Errorf("%s: read %q, want %q after the kept value", name, got, c.want)
				}
			}
		})
	}
}

// TestFieldReader_errors: a field neither the log source nor the normalized
// event knows is an error, as in a detection.
func TestFieldReader_errors(t *testing.T) {
	eng, _ := detect.Compile(nil, detect.Options{})
	cases := []struct {
		rule  string
		field string
		want  string
	}{
		{trailRule, "noSuchRoot.x", "neither a field-mapping entry nor a path"},
		{trailRule, "a..b", "empty segment"},
		{normRule, "userIdentity.arn", "not a normalized field"},
		{"title: W\nid: w\nlogsource: {product: windows}\ndetection: {s: {x: y}, condition: s}\n", "x", "logsource"},
	}
	for _, c := range cases {
		_, err := eng.FieldReader(parseOne(t, c.rule), c.field)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.field, err, c.want)
		}
	}
	var zero detect.FieldReader
	if got := zero.Read(&event.Event{ID: "x"}, nil); len(got) != 0 || zero.Name() != "" {
		t.Errorf("the zero reader read %q", got)
	}
}

// TestFieldReader_concurrent: readers share the engine's matchers safely
// (run under -race).
func TestFieldReader_concurrent(t *testing.T) {
	eng, _ := detect.Compile(nil, detect.Options{})
	fr, err := eng.FieldReader(parseOne(t, trailRule), "userIdentity.arn")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				want := strings.Repeat("x", g+1) + string(rune('a'+i%26))
				ev := &event.Event{Format: "cloudtrail", Raw: []json.RawMessage{json.RawMessage(`{"userIdentity":{"arn":"` + want + `"}}`)}}
				if got := fr.Read(ev, nil); len(got) != 1 || got[0] != want {
					t.Errorf("read %q, want %q", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}
