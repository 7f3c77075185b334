package event_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
)

func TestProtocol(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "all"},
		{"  ", "all"},
		{"-1", "all"},
		{"all", "all"},
		{"ALL", "all"},
		{"any", "all"},
		{"Any", "all"},
		{"*", "all"},
		{"6", "tcp"},
		{"17", "udp"},
		{"1", "icmp"},
		{"58", "icmpv6"},
		{"ipv6-icmp", "icmpv6"},
		{"icmpv6", "icmpv6"},
		{"TCP", "tcp"},
		{" Udp ", "udp"},
		{"Icmp", "icmp"},
		{"sctp", "sctp"},
		{"ESP", "esp"},
		{"47", "47"},
		{"132", "132"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := event.Protocol(tt.in); got != tt.want {
				t.Errorf("Protocol(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
