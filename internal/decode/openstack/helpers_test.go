package openstack_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
)

// want lists the fields a test checks; empty fields are not checked, and
// resources, shares and ingress must be present (others may be too).
type want struct {
	id, operation, service, region, account, actor string
	action                                         event.Action
	noAction                                       bool // Action must be empty
	outcome                                        event.Outcome
	errText                                        string
	resources                                      []event.Resource
	shares                                         []string
	ingress                                        []event.Ingress
	noIngress                                      bool
}

func expect(tb testing.TB, e *event.Event, w want) {
	tb.Helper()
	where := e.ID + " " + e.Operation
	check := func(field, got, exp string) {
		tb.Helper()
		if exp != "" && got != exp {
			tb.Errorf("%s: %s = %q, want %q", where, field, got, exp)
		}
	}
	check("id", e.ID, w.id)
	check("operation", e.Operation, w.operation)
	check("service", e.Service, w.service)
	check("region", e.Region, w.region)
	check("account", e.Account, w.account)
	check("actor.id", e.Actor.ID, w.actor)
	check("action", string(e.Action), string(w.action))
	check("outcome", string(e.Outcome), string(w.outcome))
	if w.noAction && e.Action != "" {
		tb.Errorf("%s: action = %q, want none", where, e.Action)
	}
	if w.errText != "" && !strings.Contains(e.Error, w.errText) {
		tb.Errorf("%s: error = %q, want it to contain %q", where, e.Error, w.errText)
	}
	for _, r := range w.resources {
		if !slices.ContainsFunc(e.Resources, func(x event.Resource) bool { return x.Role == r.Role && x.Type == r.Type && x.ID == r.ID }) {
			tb.Errorf("%s: no %s %s %s among %+v", where, r.Role, r.Type, r.ID, e.Resources)
		}
	}
	for _, s := range w.shares {
		if !slices.ContainsFunc(e.Shares, func(x event.Share) bool { return x.Target == s }) {
			tb.Errorf("%s: no share with %s among %+v", where, s, e.Shares)
		}
	}
	for _, in := range w.ingress {
		if !slices.Contains(e.Ingress, in) {
			tb.Errorf("%s: no ingress %+v among %+v", where, in, e.Ingress)
		}
	}
	if w.noIngress && len(e.Ingress) > 0 {
		tb.Errorf("%s: ingress %+v, want none", where, e.Ingress)
	}
	if e.Time.IsZero() && e.Operation != "" && w.id != "" {
		tb.Errorf("%s: no time", where)
	}
}

// Ids as the fixture files spell them.
func msgID(n int) string  { return fmt.Sprintf("5a5a%04x-1111-4222-8333-%012x", n, n) }
func cadfID(n int) string { return fmt.Sprintf("ca0f%04x-0000-4000-8000-%012x", n, n) }
func uid(prefix string, n int) string {
	return fmt.Sprintf("%s%04x-0000-4000-8000-%012x", prefix, n, n)
}

func vol(n int) string  { return uid("a0a0", n) }
func snap(n int) string { return uid("b0b0", n) }
func img(n int) string  { return uid("c0c0", n) }
func inst(n int) string { return uid("d0d0", n) }
func bak(n int) string  { return uid("e0e0", n) }
func sg(n int) string   { return uid("5e50", n) }
func rule(n int) string { return uid("7a70", n) }
func port(n int) string { return uid("9090", n) }
func db(n int) string   { return uid("db00", n) }

const (
	alice   = "a11ce00000000000000000000000a11c"
	bob     = "b0b0000000000000000000000000b0b0"
	project = "f00d000000000000000000000000f00d"
	other   = "0e0e000000000000000000000000ee01"
)

func res(role event.Role, typ event.ResourceType, id string) event.Resource {
	return event.Resource{Role: role, Type: typ, ID: id}
}

// byID indexes events by id, failing on duplicates.
func byID(tb testing.TB, evs []*event.Event) map[string]*event.Event {
	tb.Helper()
	m := map[string]*event.Event{}
	for _, e := range evs {
		if m[e.ID] != nil {
			tb.Errorf("two events with id %s", e.ID)
		}
		m[e.ID] = e
	}
	return m
}
