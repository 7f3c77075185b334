package cloudtrail_test

import (
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
)

// TestStratusLabelled checks the Stratus Red Team detonations whose file
// names label the technique: each holds the event the technique is about.
func TestStratusLabelled(t *testing.T) {
	tests := []struct {
		file   string
		action event.Action
		check  func(t *testing.T, e *event.Event)
	}{
		{"aws.exfiltration.ec2-share-ebs-snapshot.json", event.SnapshotShare, func(t *testing.T, e *event.Event) {
			wantShare(t, e, event.Share{Target: "098797384747", Kind: "account"})
			wantResource(t, e, event.RoleTarget, event.Snapshot, "snap-041993b54a9b3af6f")
			wantResource(t, e, event.RoleSharedWith, event.AccountType, "098797384747")
		}},
		{"aws.exfiltration.ec2-share-ami.json", event.ImageShare, func(t *testing.T, e *event.Event) {
			wantShare(t, e, event.Share{Target: "846424999548", Kind: "account"})
			wantResource(t, e, event.RoleTarget, event.Image, "ami-de1fbCab6ccB03e6D")
		}},
		{"aws.exfiltration.rds-share-snapshot.json", event.DBSnapshotShare, func(t *testing.T, e *event.Event) {
			wantShare(t, e, event.Share{Target: "503161813013", Kind: "account"})
			wantResource(t, e, event.RoleTarget, event.DBSnapshot, "arn:aws:rds:meiso-eastwest-2r:171471557522:snapshot:exfiltration")
		}},
		{"aws.exfiltration.ec2-security-group-open-port-22-ingress.json", event.IngressOpen, func(t *testing.T, e *event.Event) {
			wantResource(t, e, event.RoleTarget, event.SecurityGroup, "sg-003dc7f1f1c686164")
			ok := slices.ContainsFunc(e.Ingress, func(in event.Ingress) bool {
				return in.Protocol == "tcp" && in.CoversPort(22) && in.WorldOpen()
			})
			if !ok {
				t.Errorf("no world-open rule covering tcp/22 in %v", e.Ingress)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			evs := decodetest.MustDecode(t, cloudtrail.Format{}, tc.file, readSample(t, "stratus", "detonation-logs", tc.file))
			var hits []*event.Event
			for _, e := range evs {
				if e.Action == tc.action {
					hits = append(hits, e)
				}
			}
			if len(hits) != 1 {
				t.Fatalf("%d events with action %s among %d, want 1", len(hits), tc.action, len(evs))
			}
			e := hits[0]
			if e.Outcome != event.Success {
				t.Errorf("outcome %s", e.Outcome)
			}
			if want := "christophe"; e.Actor.Name != want || e.Actor.Type != "IAMUser" {
				t.Errorf("actor %+v, want IAM user %s", e.Actor, want)
			}
			tc.check(t, e)
		})
	}
}

func wantShare(t *testing.T, e *event.Event, s event.Share) {
	t.Helper()
	if !slices.Contains(e.Shares, s) {
		t.Errorf("shares %v lack %v", e.Shares, s)
	}
}

func wantResource(t *testing.T, e *event.Event, role event.Role, typ event.ResourceType, id string) {
	t.Helper()
	if !slices.ContainsFunc(e.Resources, func(r event.Resource) bool { return r.Role == role && r.Type == typ && r.ID == id }) {
		t.Errorf("resources %v lack %s %s %s", e.Resources, role, typ, id)
	}
}
