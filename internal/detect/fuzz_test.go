package detect_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// fuzzRules cover every matcher kind on every format the fuzzer feeds.
func fuzzRules() []*rule.Rule {
	rules := allocRules()
	return append(rules,
		mkRule("f1", "azure", "activitylogs", D{"selection": sel(fm("OperationNameValue", "Microsoft.Compute/snapshots/write"), fm("ActivityStatusValue", "Succeeded", "Success"))}, nil),
		mkRule("f2", "azure", "activitylogs", D{"keywords": kw("", "listKeys/action")}, nil),
		mkRule("f3", "gcp", "gcp.audit", D{"selection": sel(fm("gcp.audit.method_name", "v*.compute.snapshots.insert", "v1.compute.disks.createSnapshot"))}, nil),
		mkRule("f4", "gcp", "gcp.audit", D{"selection": sel(fm("data.protoPayload.authorizationInfo.granted", "true"), fm("protoPayload.methodName", "SetIamPolicy"))}, nil),
		mkRule("f5", "aws", "cloudtrail", D{
			"sel_a":  sel(fm("eventName", "ModifySnapshotAttribute")),
			"sel_b":  maps(all(fm("requestParameters.createVolumePermission.add.items.group", "all")), all(fm("requestParameters.attributeType|contains", "PERMISSION"))),
			"filter": sel(fm("errorCode|exists", true)),
		}, and(of(0, "sel_*"), not(ref("filter")))),
		mkRule("f6", "aws", "cloudtrail", D{"selection": sel(fm("eventName", "A", "B"), fm("eventName", "B", "C"))}, nil),
		mkRule("f7", "aws", "cloudtrail", D{"selection": sel(fm("eventName|neq", "A"), fm("requestParameters.size|lt", 5), fm("eventTime|month|gte", 6))}, nil),
		mkRule("f8", "yandex", "", D{"selection": sel(fm("event_type|endswith", "CreateSnapshot"), fm("details.source_disk_id", nil))}, nil),
	)
}

// FuzzMatch feeds arbitrary JSON records, as each format and as a
// normalized event, to a fixed rule set: matching must not panic, and the
// operation index must not change the result.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{
		ctEvent, normalized,
		`{"eventName":["A","B","C"],"eventSource":"ec2.amazonaws.com","requestParameters":{"size":"3"},"eventTime":"2026-07-01T00:00:00Z"}`,
		`{"operationName":{"value":"MICROSOFT.COMPUTE/SNAPSHOTS/WRITE"},"status":{"value":"Succeeded"}}`,
		`{"protoPayload":{"methodName":"v1.compute.snapshots.insert","authorizationInfo":[{"granted":true}]}}`,
		`{"event_type":"yandex.cloud.audit.compute.CreateSnapshot","details":{"source_disk_id":null}}`,
		`[1,"x",{"a":{"b":[null,true]}}]`, `"CreateSnapshot"`, `{"eventName":{"eventName":"x"}}`,
	} {
		f.Add(s)
	}
	rules := fuzzRules()
	indexed, errs := detect.Compile(rules, detect.Options{})
	if len(errs) > 0 {
		f.Fatal(errs.Lines())
	}
	plain, _ := detect.Compile(rules, detect.Options{DisableIndex: true})
	mi, mp := indexed.NewMatcher(), plain.NewMatcher()
	formats := []string{"cloudtrail", "azureactivity", "gcpaudit", "yandex", "vkcloud", "openstack"}
	f.Fuzz(func(t *testing.T, js string) {
		v, err := jsondoc.Parse(js)
		if err != nil {
			return
		}
		check := func(ev *event.Event) {
			a, b := ids(mi.Match(ev, nil)), ids(mp.Match(ev, nil))
			if !slices.Equal(a, b) {
				t.Fatalf("%s event %s: hits %v with the index, %v without", ev.Format, js, a, b)
			}
		}
		for _, format := range formats {
			check(&event.Event{Format: format, Docs: []*jsondoc.Value{v, v}})
		}
		if ev, ok := normalizedOf(js); ok {
			check(ev)
		}
	})
}

// normalizedOf decodes a normalized event, ignoring JSON that is not one.
func normalizedOf(js string) (*event.Event, bool) {
	ev := &event.Event{}
	if err := json.Unmarshal([]byte(js), ev); err != nil {
		return nil, false
	}
	return ev, true
}
