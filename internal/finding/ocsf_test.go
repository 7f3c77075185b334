package finding_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/finding"
)

// OCSF 1.3.0 facts the renderer must honour (schema.ocsf.io, class
// detection_finding and the objects it uses): base_event requires
// activity_id, category_uid, class_uid, type_uid, severity_id, time and
// metadata; the finding class adds finding_info; metadata requires product
// and version; finding_info requires uid (and title in 1.3.0); the cloud
// profile requires cloud.provider; api requires operation and request.uid;
// analytic requires type_id; an evidence needs at least one artifact.
var ocsfRequired = []struct {
	path string
	kind string // number, string, object, array
}{
	{"activity_id", "number"},
	{"category_uid", "number"},
	{"class_uid", "number"},
	{"type_uid", "number"},
	{"severity_id", "number"},
	{"time", "number"},
	{"metadata", "object"},
	{"metadata.version", "string"},
	{"metadata.product", "object"},
	{"metadata.product.name", "string"},
	{"metadata.product.vendor_name", "string"},
	{"finding_info", "object"},
	{"finding_info.uid", "string"},
	{"finding_info.title", "string"},
	{"finding_info.types", "array"},
	{"finding_info.analytic.type_id", "number"},
	{"cloud.provider", "string"},
	// Recommended attributes the issue asks for.
	{"activity_name", "string"},
	{"severity", "string"},
	{"status_id", "number"},
	{"finding_info.first_seen_time", "number"},
	{"evidences", "array"},
}

// detectionFindingAttrs are the class's attributes (with the cloud profile):
// the renderer must not invent top-level keys.
var detectionFindingAttrs = strings.Fields(`action action_id activity_id activity_name actor api attacks
	category_name category_uid class_name class_uid cloud comment confidence confidence_id confidence_score count
	device disposition disposition_id duration end_time enrichments evidences finding_info firewall_rule impact
	impact_id impact_score is_alert malware message metadata observables osint raw_data remediation resources
	risk_details risk_level risk_level_id risk_score severity severity_id start_time status status_code
	status_detail status_id time timezone_offset type_name type_uid unmapped vulnerabilities`)

func TestOCSF_Structure(t *testing.T) {
	var b bytes.Buffer
	emit := finding.OCSF(&b, "v1.0.0")
	fs := hostileFindings()
	for _, f := range fs {
		if err := emit(f); err != nil {
			t.Fatal(err)
		}
	}
	sc := bufio.NewScanner(&b)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		f := fs[n]
		n++
		var doc map[string]any
		if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
			t.Fatalf("line %d is not a JSON object: %v", n, err)
		}
		for _, r := range ocsfRequired {
			v, ok := lookup(doc, r.path)
			if !ok {
				t.Errorf("finding %d: %s missing", n, r.path)
				continue
			}
			if got := kind(v); got != r.kind {
				t.Errorf("finding %d: %s is a %s, want a %s", n, r.path, got, r.kind)
			}
		}
		for k := range doc {
			if !contains(detectionFindingAttrs, k) {
				t.Errorf("finding %d: %q is not a Detection Finding attribute", n, k)
			}
		}
		num := func(p string) float64 { v, _ := lookup(doc, p); x, _ := v.(float64); return x }
		str := func(p string) string { v, _ := lookup(doc, p); s, _ := v.(string); return s }
		if num("class_uid") != 2004 || num("category_uid") != 2 || num("activity_id") != 1 || num("type_uid") != 200401 {
			t.Errorf("finding %d: class %v category %v activity %v type %v", n, num("class_uid"), num("category_uid"), num("activity_id"), num("type_uid"))
		}
		if int(num("severity_id")) != int(f.Severity) || str("severity") == "" {
			t.Errorf("finding %d: severity_id %v %q for %v", n, num("severity_id"), str("severity"), f.Severity)
		}
		if int64(num("time")) != f.Time.UnixMilli() {
			t.Errorf("finding %d: time %v, want %d ms", n, num("time"), f.Time.UnixMilli())
		}
		if !regexp.MustCompile(`^1\.\d+\.\d+$`).MatchString(str("metadata.version")) || str("metadata.product.name") != "snapwarden" || str("metadata.product.version") != "v1.0.0" {
			t.Errorf("finding %d: metadata %v", n, doc["metadata"])
		}
		if str("finding_info.uid") != f.ID || str("finding_info.title") != f.Rule.Title {
			t.Errorf("finding %d: finding_info %v", n, doc["finding_info"])
		}
		if f.Account != "" && str("cloud.account.uid") != f.Account {
			t.Errorf("finding %d: cloud %v", n, doc["cloud"])
		}
		if str("actor.user.uid") != f.Actors[0] {
			t.Errorf("finding %d: actor %v", n, doc["actor"])
		}
		evs, _ := doc["evidences"].([]any)
		if len(evs) != len(f.Events) {
			t.Errorf("finding %d: %d evidences for %d events", n, len(evs), len(f.Events))
		}
		for i, e := range evs {
			m, _ := e.(map[string]any)
			op, _ := lookup(m, "api.operation")
			uid, _ := lookup(m, "api.request.uid")
			if op != f.Events[i].Operation || uid != f.Events[i].ID {
				t.Errorf("finding %d evidence %d: %v", n, i, e)
			}
		}
		res, _ := doc["resources"].([]any)
		if len(res) != len(f.Resources) {
			t.Errorf("finding %d: %d resources for %d", n, len(res), len(f.Resources))
		}
		for i, r := range res {
			m, _ := r.(map[string]any)
			if m["uid"] != f.Resources[i].ID || m["type"] != string(f.Resources[i].Type) {
				t.Errorf("finding %d resource %d: %v", n, i, r)
			}
		}
		for _, a := range mustArray(doc, "finding_info.attacks") {
			tech, _ := lookup(a.(map[string]any), "technique.uid")
			if s, _ := tech.(string); !regexp.MustCompile(`^T\d{4}$`).MatchString(s) {
				t.Errorf("finding %d: attack technique %v", n, tech)
			}
		}
	}
	if n != len(fs) {
		t.Errorf("%d lines for %d findings", n, len(fs))
	}
}

func TestOCSF_SeverityAndStatus(t *testing.T) {
	wantNames := map[finding.Severity]string{finding.Info: "Informational", finding.Low: "Low", finding.Medium: "Medium", finding.High: "High", finding.Critical: "Critical"}
	for i, s := range finding.Severities {
		var b bytes.Buffer
		st := []finding.Status{"", finding.StatusOpen, finding.StatusAcknowledged, finding.StatusSuppressed, ""}[i]
		if err := finding.OCSF(&b, "dev")(finding.Finding{ID: "x", Severity: s, Status: st}); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			SeverityID int    `json:"severity_id"`
			Severity   string `json:"severity"`
			StatusID   int    `json:"status_id"`
			Status     string `json:"status"`
		}
		if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.SeverityID != i+1 || doc.Severity != wantNames[s] {
			t.Errorf("%v: severity_id %d %q, want %d %q", s, doc.SeverityID, doc.Severity, i+1, wantNames[s])
		}
		wantStatus := map[finding.Status]int{"": 1, finding.StatusOpen: 1, finding.StatusAcknowledged: 2, finding.StatusSuppressed: 3}[st]
		if doc.StatusID != wantStatus {
			t.Errorf("status %q: status_id %d %q, want %d", st, doc.StatusID, doc.Status, wantStatus)
		}
	}
}

func lookup(doc map[string]any, path string) (any, bool) {
	var v any = doc
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

func mustArray(doc map[string]any, path string) []any {
	v, _ := lookup(doc, path)
	a, _ := v.([]any)
	return a
}

func kind(v any) string {
	switch v.(type) {
	case float64:
		return "number"
	case string:
		return "string"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case bool:
		return "bool"
	}
	return "null"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
