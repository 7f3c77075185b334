package yandex_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/yandex"
	"github.com/snapwarden/snapwarden/internal/event"
)

// TestExamples decodes every file of the README's Yandex Cloud example (the
// trail's bucket files, in name order, as a hunt over the folder does) and
// checks the attack chain it tells is all there.
func TestExamples(t *testing.T) {
	paths := decodetest.ExampleFiles(t, "yandex")
	evs := decodetest.DecodeFiles(t, yandex.Format{}, nil, paths...).Clean(t)
	records := 0
	for _, e := range evs {
		records += len(e.Raw)
		if e.Outcome != event.Success {
			t.Errorf("%s %s: outcome %s, want every operation complete", e.Operation, e.ID, e.Outcome)
		}
	}
	t.Logf("examples/yandex: %d files, %d records, %d events", len(paths), records, len(evs))
	if len(paths) != 11 || records != 36 || len(evs) != 19 {
		t.Errorf("got %d files, %d records, %d events; want 11, 36, 19", len(paths), records, len(evs))
	}

	const (
		stolen = "ajeivan0petr0v000001" // the engineer's identity, used from 203.0.113.66
		helper = "ajemaint0helper00009" // the principal it creates
	)
	steps := []struct {
		actor  string
		action event.Action
		res    res
	}{
		{stolen, event.PrincipalCreate, res{event.RoleCreated, event.Principal, helper}},
		{stolen, event.CredentialCreate, res{event.RoleTarget, event.Principal, helper}},
		{stolen, event.RoleAssign, res{event.RoleSharedWith, event.Principal, helper}},
		{stolen, event.SnapshotCreate, res{event.RoleSource, event.Volume, "fhm1pr0ddb01data0001"}},
		{helper, event.VolumeRestore, res{event.RoleSource, event.Snapshot, "fd8x9exf1l0db01snp07"}},
		{helper, event.InstanceCreate, res{event.RoleTarget, event.SecurityGroup, "enp8sgma1nt000000008"}},
		{helper, event.VolumeAttach, res{event.RoleSource, event.Volume, "fhm5rest0red0disk005"}},
		{helper, event.IngressOpen, res{event.RoleTarget, event.SecurityGroup, "enp8sgma1nt000000008"}},
	}
	for _, s := range steps {
		found := false
		for _, e := range evs {
			if e.Actor.ID == s.actor && e.Action == s.action && hasResource(e, s.res) {
				found = true
				if s.action == event.SnapshotCreate && e.Resource(event.RoleCreated, event.Snapshot).ID != "fd8x9exf1l0db01snp07" {
					t.Errorf("the copy's id, known only on DONE, is missing: %+v", e.Resources)
				}
				if s.action == event.IngressOpen && !sshFromAnywhere(e) {
					t.Errorf("sg-maint update does not open 22 from anywhere: %+v", e.Ingress)
				}
			}
		}
		if !found {
			t.Errorf("no %s by %s with %v", s.action, s.actor, s.res)
		}
	}
}

func sshFromAnywhere(e *event.Event) bool {
	n := 0
	for _, in := range e.Ingress {
		if in.WorldOpen() && in.CoversPort(22) {
			n++
		}
	}
	return n == 2 // 0.0.0.0/0 and ::/0
}
