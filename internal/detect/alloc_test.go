package detect_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// allocRules use every kind of matcher, so that the allocation test covers
// each evaluation path.
func allocRules() []*rule.Rule {
	return []*rule.Rule{
		mkRule("a1", "aws", "cloudtrail", D{"selection": sel(fm("eventSource", "ec2.amazonaws.com"), fm("eventName", "CreateSnapshot", "CopySnapshot"))}, nil),
		mkRule("a2", "aws", "cloudtrail", D{"selection": sel(fm("eventName|startswith", "Create"), fm("userAgent|contains", "AWS-CLI"), fm("userIdentity.sessionContext.sessionIssuer.type", "Role"))}, nil),
		mkRule("a3", "aws", "cloudtrail", D{"selection": sel(fm("requestParameters|contains", "prod-db"), fm("requestParameters.tagSpecificationSet.items.tags.value", "prod*"))}, nil),
		mkRule("a4", "aws", "cloudtrail", D{"keywords": kw("|all", "snap-0def", "vol-0abc")}, nil),
		mkRule("a5", "aws", "cloudtrail", D{"selection": sel(fm("eventName|re|i", "^create.*"), fm("sourceIPAddress|cidr", "203.0.113.0/24"), fm("requestParameters.size|gte", 10))}, nil),
		mkRule("a6", "aws", "cloudtrail", D{"selection": sel(fm("userIdentity.arn|fieldref|endswith", "requestParameters.userName"), fm("eventTime|hour", 22), fm("requestParameters.encrypted", "true"))}, nil),
		mkRule("a7", "aws", "cloudtrail", D{
			"selection": sel(fm("eventName", "CreateSnapshot")),
			"filter_1":  sel(fm("errorCode", nil)),
			"filter_2":  sel(fm("errorMessage|exists", true)),
		}, and(ref("selection"), not(of(1, "filter_*")))),
		mkRule("a8", "aws", "cloudtrail", D{"selection": sel(fm("requestParameters.b64off|base64offset|contains", "secret-token"), fm("requestParameters.description|contains", `nightly \*full\*`))}, nil),
		mkRule("a9", "aws", "cloudtrail", D{"selection": sel(fm("requestParameters.unicode", "ÜNÏCODE*"), fm("status", "success"))}, nil),
		mkRule("p1", "snapwarden", "", D{"selection": sel(fm("action", "snapshot.share", "snapshot.create"), fm("share.external", true), fm("resources.type", "volume"))}, nil),
		mkRule("p2", "snapwarden", "", D{"selection": sel(fm("ingress.admin_open", true), fm("time|hour", 22), fm("actor.ip|cidr", "203.0.113.0/24"), fm("resource.critical", false))}, nil),
		mkRule("p3", "snapwarden", "", D{"keywords": kw("", "prod-db")}, nil),
	}
}

func TestMatch_NoAllocations(t *testing.T) {
	e := compile(t, detect.Options{}, allocRules()...)
	m := e.NewMatcher()
	ct := rawEvent(t, "cloudtrail", ctEvent)
	ct.Action, ct.Outcome, ct.Cloud = event.SnapshotCreate, event.Success, event.AWS
	ct.Resources = []event.Resource{{Role: event.RoleSource, Type: event.Volume, ID: "vol-0abc", Name: "prod-db"}}
	norm := normEvent(t, normalized)
	var hits []detect.Hit
	for _, ev := range []*event.Event{ct, norm} {
		hits = m.Match(ev, hits[:0]) // warm up scratch
		if len(hits) == 0 {
			t.Fatalf("no rule matched the %s event", ev.Format)
		}
		// Under the race detector, sync.Pool drops items at random, and
		// package regexp keeps its matchers' state in one: not counted.
		if n := testing.AllocsPerRun(100, func() { hits = m.Match(ev, hits[:0]) }); n != 0 && !raceEnabled {
			t.Errorf("%s event: %v allocations per match, want 0", ev.Format, n)
		}
	}
	// Raw records without parsed Docs are parsed by the matcher, reusing
	// its parsers.
	raw := rawEvent(t, "cloudtrail", ctEvent)
	raw.Docs = nil
	hits = m.Match(raw, hits[:0])
	if n := testing.AllocsPerRun(100, func() { hits = m.Match(raw, hits[:0]) }); n != 0 && !raceEnabled {
		t.Errorf("raw event: %v allocations per match, want 0", n)
	}
	// The pooled Engine.Match too.
	if n := testing.AllocsPerRun(100, func() { hits = e.Match(ct, hits[:0]) }); n != 0 && !raceEnabled {
		t.Errorf("Engine.Match: %v allocations per match, want 0", n)
	}
}

// TestEngine_Concurrent shares one engine between goroutines, each with
// its own events (run with -race).
func TestEngine_Concurrent(t *testing.T) {
	e := compile(t, detect.Options{}, allocRules()...)
	want := len(e.Match(rawEvent(t, "cloudtrail", ctEvent), nil))
	done := make(chan int)
	for g := range 4 {
		go func() {
			ev := rawEvent(t, "cloudtrail", ctEvent) // records are per goroutine, as per worker
			m := e.NewMatcher()
			n := 0
			for range 200 {
				if g%2 == 0 {
					n += len(m.Match(ev, nil))
				} else {
					n += len(e.Match(ev, nil))
				}
			}
			done <- n
		}()
	}
	for range 4 {
		if n := <-done; n != 200*want {
			t.Errorf("%d hits, want %d", n, 200*want)
		}
	}
}
