package finding_test

import (
	"slices"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
)

func shareEvent() *event.Event {
	return &event.Event{
		ID: "e1", Time: time.Date(2026, 3, 2, 9, 23, 23, 0, time.FixedZone("MSK", 3*3600)),
		Cloud: event.AWS, Account: "111122223333", Operation: "ModifySnapshotAttribute", Action: event.SnapshotShare,
		Actor: event.Actor{ID: "arn:aws:iam::111122223333:user/alice", Name: "alice"},
		Resources: []event.Resource{
			{Role: event.RoleTarget, Type: event.Snapshot, ID: "snap-1"},
			{Role: event.RoleSharedWith, Type: event.AccountType, ID: "444455556666"},
			{Role: event.RoleTarget, Type: event.Snapshot, ID: "snap-1"},
		},
		Shares: []event.Share{{Target: "444455556666", Kind: "account"}, {Target: event.Public, Kind: "public"}},
	}
}

func TestRender(t *testing.T) {
	restore := &event.Event{
		Cloud: event.OpenStack, Operation: "volume.create", Action: event.VolumeRestore,
		Actor: event.Actor{ID: "b0b0"},
		Resources: []event.Resource{
			{Role: event.RoleSource, Type: event.Snapshot, ID: "s-1"},
			{Role: event.RoleCreated, Type: event.Volume, ID: "v-1"},
			{Role: event.RoleCreated, Type: event.Volume, ID: "v-2"},
		},
		Ingress: []event.Ingress{
			{Protocol: "tcp", FromPort: 22, ToPort: 22, Source: "0.0.0.0/0"},
			{Protocol: "tcp", FromPort: 3000, ToPort: 3400, Source: "::/0"},
			{Protocol: "all", Source: "Internet"},
		},
	}
	tests := []struct {
		name string
		tmpl string
		ev   *event.Event
		want string
	}{
		{"plain", "no placeholders", shareEvent(), "no placeholders"},
		{"actor", "{actor} ({actor.name})", shareEvent(), "arn:aws:iam::111122223333:user/alice (alice)"},
		{"actor.name falls back to id", "{actor.name}", restore, "b0b0"},
		{"context", "{cloud} {account} {operation} {action}", shareEvent(), "aws 111122223333 ModifySnapshotAttribute snapshot.share"},
		{"time is UTC", "{time}", shareEvent(), "2026-03-02T06:23:23Z"},
		{"resources leave share targets out and dedupe", "{resources}", shareEvent(), "snapshot snap-1"},
		{"shares", "{target} shared with {shares}", shareEvent(), "snap-1 shared with 444455556666, public"},
		{"roles", "{source} -> {created}", restore, "s-1 -> v-1, v-2"},
		{"ingress", "{ingress}", restore, "tcp/22 from 0.0.0.0/0, tcp/3000-3400 from ::/0, all from Internet"},
		{"empty values", "{shares}|{target}|{account}|{time}", restore, "|||"},
		{"either role", "{target}{source}", restore, "s-1"},
		{"first of alternatives", "{target|created|source}", restore, "v-1, v-2"},
		{"alternatives, none set", "[{target|shares}]", restore, "[]"},
		{"alternative unknown", "{target|nonsense}", restore, "{target|nonsense}"},
		{"unknown stays", "{actor} did {nonsense} to {target}", shareEvent(), "arn:aws:iam::111122223333:user/alice did {nonsense} to snap-1"},
		{"nested braces", "{{actor.name}}", shareEvent(), "{alice}"},
		{"lone braces", "} {target {target}", shareEvent(), "} {target snap-1"},
		{"unterminated", "{target", shareEvent(), "{target"},
		{"russian", "{actor.name} открыл(а) доступ к {target} для {shares}", shareEvent(), "alice открыл(а) доступ к snap-1 для 444455556666, public"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := finding.Render(tt.tmpl, tt.ev); got != tt.want {
				t.Errorf("Render(%q) = %q, want %q", tt.tmpl, got, tt.want)
			}
		})
	}
}

func TestUnknownPlaceholders(t *testing.T) {
	tests := []struct {
		tmpl string
		want []string
	}{
		{"{actor} shared {target} with {shares}", nil},
		{"{actor} {actr} {resource}", []string{"actr", "resource"}},
		{"{}", []string{""}},
		{"{target|source} {target|} {x|actor}", []string{"target|", "x|actor"}},
		{"no braces", nil},
	}
	for _, tt := range tests {
		if got := finding.UnknownPlaceholders(tt.tmpl); !slices.Equal(got, tt.want) {
			t.Errorf("UnknownPlaceholders(%q) = %q, want %q", tt.tmpl, got, tt.want)
		}
	}
	for _, p := range finding.Placeholders {
		if got := finding.UnknownPlaceholders("{" + p + "}"); got != nil {
			t.Errorf("listed placeholder %q is unknown", p)
		}
		if got := finding.Render("{"+p+"}", shareEvent()); got == "{"+p+"}" {
			t.Errorf("listed placeholder %q is not rendered", p)
		}
	}
}

func TestIngressText(t *testing.T) {
	tests := []struct {
		in   event.Ingress
		want string
	}{
		{event.Ingress{Protocol: "tcp", FromPort: 22, ToPort: 22, Source: "0.0.0.0/0"}, "tcp/22 from 0.0.0.0/0"},
		{event.Ingress{Protocol: "udp", FromPort: 0, ToPort: 65535, Source: "::/0"}, "udp/0-65535 from ::/0"},
		{event.Ingress{Protocol: "all", FromPort: 0, ToPort: 0, Source: "*"}, "all from *"},
		{event.Ingress{Protocol: "", Source: ""}, "all from ?"},
		{event.Ingress{Protocol: "icmp", Source: "10.0.0.0/8"}, "icmp from 10.0.0.0/8"},
	}
	for _, tt := range tests {
		if got := finding.IngressText(tt.in); got != tt.want {
			t.Errorf("IngressText(%+v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
