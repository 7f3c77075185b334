package cloudtrail_test

import (
	"maps"
	"testing"
)

// TestTags asserts the tags each fixture gives its resources, by resource
// id; a resource not listed must carry none.
func TestTags(t *testing.T) {
	byID := fixtureEvents(t)
	type tags = map[string]string
	tests := map[string]map[string]tags{
		// tagSpecificationSet of the created kind only, merged with the
		// response's tagSet; an absent value is "", case is kept.
		"tags-create-volume": {"vol-0tagged0000000001": {"Criticality": "High", "Owner": "", "Name": "Orders Data"}},
		// tags written as tagSet.items.
		"tags-create-snapshot": {"snap-0tagged000000001": {"criticality": "high", "CostCenter": "42"}},
		// TagSpecifications as a plain list, Key/Value capitalized, a number value.
		"tags-copy-snapshot": {"snap-0tagcopy00000001": {"Env": "Prod", "Num": "7"}},
		// the snapshot specification does not tag the image.
		"tags-create-image":  {"ami-0tagged0000000001": {"criticality": "high"}},
		"tags-run-instances": {"i-0tagged00000000001": {"Name": "worker", "aws:autoscaling:groupName": "workers"}},
		"tags-create-sg":     {"sg-0tagged0000000001": {"tier": "data"}},
		// the subnet is not a resource snapshot abuse knows.
		"tags-create-tags": {
			"vol-0db00000000000001":  {"Criticality": "High", "Backup": ""},
			"snap-0new000000000001":  {"Criticality": "High", "Backup": ""},
			"ami-0created0000000001": {"Criticality": "High", "Backup": ""},
		},
		// garbage entries are skipped, the record still decodes.
		"tags-odd-shapes":         {"vol-0oddtags000000001": {"ok": ""}},
		"tags-create-tags-denied": {},
		// request tags merged with the response's tagList.
		"tags-rds-create-snapshot": {rdsBase + "snapshot:orders-tagged-1": {"criticality": "high", "Team": "payments"}},
		"tags-rds-restore":         {rdsBase + "db:orders-tagged-restore": {"Purpose": "restore test"}},
		"tags-rds-create-instance": {rdsBase + "db:tagged-db": {"criticality": "high"}},
		"tags-rds-add-tags":        {rdsBase + "snapshot:orders-manual-1": {"criticality": "high"}},
		"tags-rds-add-tags-pg":     {},
		// recoveryPointTags, an object; backupOptions are not tags.
		"tags-backup-start":        {"snap-0tagbackup0000001": {"criticality": "high", "Empty": ""}},
		"tags-backup-tag-resource": {"arn:aws:backup:eu-west-1:111122223333:recovery-point:33333333-aaaa-bbbb-cccc-555555555555": {"criticality": "high"}},
		// fixtures without tags stay without.
		"create-volume": {}, "run-instances": {}, "rds-create-instance": {}, "backup-start": {},
	}
	for id, want := range tests {
		t.Run(id, func(t *testing.T) {
			e := byID[id]
			if e == nil {
				t.Fatalf("no event %s in the fixtures", id)
			}
			seen := map[string]bool{}
			for _, r := range e.Resources {
				if w, ok := want[r.ID]; ok {
					seen[r.ID] = true
					if !maps.Equal(r.Tags, w) {
						t.Errorf("%s %s: tags %v, want %v", r.Role, r.ID, r.Tags, w)
					}
				} else if len(r.Tags) > 0 {
					t.Errorf("%s %s: tags %v, want none", r.Role, r.ID, r.Tags)
				}
			}
			for rid := range want {
				if !seen[rid] {
					t.Errorf("no resource %s", rid)
				}
			}
		})
	}
}
