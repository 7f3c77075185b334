package store_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

func testFinding(id string, at time.Time) finding.Finding {
	return finding.Finding{
		ID:        id,
		Rule:      finding.Rule{ID: "aws-snapshot-restore-chain", Title: "Snapshot restored and exposed", Kind: finding.KindChain},
		Severity:  finding.Medium,
		Attack:    []string{"T1578.001", "T1537"},
		Time:      at,
		Cloud:     event.AWS,
		Account:   "111122223333",
		Actors:    []string{"arn:aws:iam::111122223333:user/alice"},
		Resources: []finding.Resource{{Type: event.Snapshot, ID: "snap-1"}},
		Events: []finding.EventRef{{ID: "e1", Time: at, Operation: "CreateSnapshot", Action: event.SnapshotCreate,
			Actor: "arn:aws:iam::111122223333:user/alice"}},
		Summary:    map[string]string{"en": "first version", "ru": "первая версия"},
		Region:     "eu-west-1",
		ActorNames: map[string]string{"arn:aws:iam::111122223333:user/alice": "alice"},
	}
}

func TestStore_FindingsRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		at := time.Date(2026, 4, 5, 6, 7, 8, 999999999, time.FixedZone("", -5*3600))
		f := testFinding("f1", at)
		f.Status, f.Revision = finding.StatusAcknowledged, 3
		f.Suppression = &finding.Suppression{Reason: "scanner", By: "ops@example.ru", Expires: "2027-12-31"}
		if err := s.PutFindings(t.Context(), []finding.Finding{f}); err != nil {
			t.Fatal(err)
		}
		fs, err := s.Findings(t.Context())
		if err != nil || len(fs) != 1 {
			t.Fatalf("Findings = %d findings, %v", len(fs), err)
		}
		got := fs[0]
		gotJSON, _ := json.Marshal(got)
		wantJSON, _ := json.Marshal(f)
		if string(gotJSON) != string(wantJSON) {
			t.Errorf("JSON differs:\n got %s\nwant %s", gotJSON, wantJSON)
		}
		if got.Region != f.Region || !reflect.DeepEqual(got.ActorNames, f.ActorNames) {
			t.Errorf("display fields: region %q names %v", got.Region, got.ActorNames)
		}
		if !got.Time.Equal(at) || got.Time.Nanosecond() != 999999999 {
			t.Errorf("Time = %v, want %v", got.Time, at)
		}
	})
}

func TestStore_PutFindingsUpsert(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		ack := &finding.Suppression{Reason: "known backup job", By: "soc"}
		type version struct {
			severity finding.Severity
			revision int
			status   finding.Status
			supp     *finding.Suppression
			summary  string
		}
		tests := []struct {
			name     string
			stored   version
			put      version
			want     version
			replaced bool
		}{
			{"same revision and severity: kept",
				version{finding.Medium, 1, finding.StatusAcknowledged, nil, "old"},
				version{finding.Medium, 1, "", nil, "new"},
				version{finding.Medium, 1, finding.StatusAcknowledged, nil, "old"}, false},
			{"higher revision: replaced, status and suppression kept",
				version{finding.Medium, 1, finding.StatusSuppressed, ack, "old"},
				version{finding.Medium, 2, finding.StatusOpen, nil, "new"},
				version{finding.Medium, 2, finding.StatusSuppressed, ack, "new"}, true},
			{"severity rose at the same revision: replaced",
				version{finding.Medium, 2, finding.StatusAcknowledged, nil, "old"},
				version{finding.High, 2, "", nil, "new"},
				version{finding.High, 2, finding.StatusAcknowledged, nil, "new"}, true},
			{"severity rose, lower revision: replaced, revision does not fall",
				version{finding.Low, 5, "", nil, "old"},
				version{finding.Critical, 1, "", nil, "new"},
				version{finding.Critical, 5, finding.StatusOpen, nil, "new"}, true},
			{"higher revision, lower severity: replaced, severity does not fall",
				version{finding.High, 1, "", nil, "old"},
				version{finding.Low, 4, finding.StatusOpen, ack, "new"},
				version{finding.High, 4, finding.StatusOpen, nil, "new"}, true},
			{"lower revision and severity: kept",
				version{finding.High, 3, "", nil, "old"},
				version{finding.Medium, 2, "", nil, "new"},
				version{finding.High, 3, finding.StatusOpen, nil, "old"}, false},
			{"hunt output without lifecycle fields: kept",
				version{finding.High, 0, "", nil, "old"},
				version{finding.High, 0, "", nil, "new"},
				version{finding.High, 0, finding.StatusOpen, nil, "old"}, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s, _ := openTemp(t, b)
				mk := func(v version) finding.Finding {
					f := testFinding("chain-1", at)
					f.Severity, f.Revision, f.Status, f.Suppression = v.severity, v.revision, v.status, v.supp
					f.Summary = map[string]string{"en": v.summary}
					if v.summary == "new" {
						f.Events = append(f.Events, finding.EventRef{ID: "e2", Time: at.Add(time.Hour), Operation: "CreateVolume", Action: event.VolumeRestore})
					}
					return f
				}
				if err := s.PutFindings(t.Context(), []finding.Finding{mk(tt.stored)}); err != nil {
					t.Fatal(err)
				}
				if err := s.PutFindings(t.Context(), []finding.Finding{mk(tt.put)}); err != nil {
					t.Fatal(err)
				}
				fs, err := s.Findings(t.Context())
				if err != nil || len(fs) != 1 {
					t.Fatalf("Findings = %d, %v", len(fs), err)
				}
				f := fs[0]
				got := version{f.Severity, f.Revision, f.Status, f.Suppression, f.Summary["en"]}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("stored %+v\n        want %+v", got, tt.want)
				}
				if wantEvents := map[bool]int{false: 1, true: 2}[tt.replaced]; len(f.Events) != wantEvents {
					t.Errorf("%d events, want %d (replaced=%v)", len(f.Events), wantEvents, tt.replaced)
				}
			})
		}
	})
}

func TestStore_FindingsOrder(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		base := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
		// RFC 3339 with trimmed zeros would sort "…:00Z" after "…:00.5Z".
		put := []finding.Finding{
			testFinding("d", base.Add(time.Second)),
			testFinding("c", base.Add(500*time.Millisecond)),
			testFinding("b", base),
			testFinding("a", base.In(time.FixedZone("", 3600)).Add(time.Nanosecond)),
			testFinding("e", base),
			testFinding("f", time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)),
		}
		if err := s.PutFindings(t.Context(), put); err != nil {
			t.Fatal(err)
		}
		fs, err := s.Findings(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, f := range fs {
			ids = append(ids, f.ID)
		}
		if want := []string{"f", "b", "e", "a", "c", "d"}; !slices.Equal(ids, want) {
			t.Errorf("order %q, want %q", ids, want)
		}
	})
}

// A batch with one bad finding stores none of it.
func TestStore_PutFindingsRejects(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		tests := []struct {
			name    string
			bad     func(*finding.Finding)
			wantErr string
		}{
			{"empty id", func(f *finding.Finding) { f.ID = "" }, "empty id"},
			{"no severity", func(f *finding.Finding) { f.Severity = 0 }, "invalid severity"},
			{"unknown status", func(f *finding.Finding) { f.Status = "closed" }, `unknown status "closed"`},
			{"year 10000", func(f *finding.Finding) { f.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "year outside"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s, _ := openTemp(t, b)
				bad := testFinding("bad", at)
				tt.bad(&bad)
				err := s.PutFindings(t.Context(), []finding.Finding{testFinding("good", at), bad})
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("PutFindings error %v, want %q", err, tt.wantErr)
				}
				if fs, err := s.Findings(t.Context()); err != nil || len(fs) != 0 {
					t.Errorf("after a failed batch: %d findings stored, %v", len(fs), err)
				}
			})
		}
	})
}
