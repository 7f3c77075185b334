package correlate

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
)

// maxFindingResources bounds the resources a finding lists.
const maxFindingResources = 50

// episode is a finding under way: the events it holds and what it last
// reported.
type episode struct {
	id        string
	first     *Observation
	events    []finding.EventRef // the first MaxEvents
	total     int
	last      time.Time // newest event
	actors    []string
	names     map[string]string
	resources []finding.Resource
	value     float64
	rare      []string // value_percentile without a percentile: the rare values

	revision      int
	reported      int // total at the last revision
	reportedValue float64
}

func newEpisode(p *program, w *window, ents []entry, value float64) *episode {
	first := ents[0].o
	ep := &episode{
		id:    finding.ID(w.c.rule.ID, append(slices.Clone(w.group), first.Event)...),
		first: first,
		value: value,
	}
	for i := range ents {
		ep.add(p, ents[i].o)
	}
	return ep
}

// add counts an event into the finding.
func (ep *episode) add(p *program, o *Observation) {
	ep.total++
	if o.Time.After(ep.last) {
		ep.last = o.Time
	}
	if len(ep.events) < p.opts.MaxEvents {
		ep.events = append(ep.events, finding.EventRef{ID: o.Event, Time: o.Time.UTC(), Operation: o.Operation, Action: o.Action, Actor: o.Actor})
	}
	if o.Actor != "" && !slices.Contains(ep.actors, o.Actor) {
		ep.actors = append(ep.actors, o.Actor)
		if o.ActorName != "" {
			if ep.names == nil {
				ep.names = map[string]string{}
			}
			ep.names[o.Actor] = o.ActorName
		}
	}
	for _, r := range o.Resources {
		if len(ep.resources) < maxFindingResources && !slices.Contains(ep.resources, r) {
			ep.resources = append(ep.resources, r)
		}
	}
}

// finding renders the episode's current revision.
func (ep *episode) finding(w *window) finding.Finding {
	x := w.c
	f := finding.Finding{
		ID:         ep.id,
		Rule:       finding.Rule{ID: x.info.ID, Title: x.info.Title, Kind: finding.KindCorrelation},
		Severity:   x.info.Severity,
		Attack:     slices.Clone(x.info.Attack),
		Time:       ep.first.Time.UTC(),
		Cloud:      ep.first.Cloud,
		Account:    ep.first.Account,
		Region:     ep.first.Region,
		Actors:     slices.Clone(ep.actors),
		Resources:  slices.Clone(ep.resources),
		Events:     slices.Clone(ep.events),
		Revision:   ep.revision,
		Summary:    make(map[string]string, len(x.summary)),
		ActorNames: maps.Clone(ep.names),
	}
	for lang, tmpl := range x.summary {
		f.Summary[lang] = render(tmpl, lang, w, ep)
	}
	return f
}

// formatNumber writes a metric: whole numbers plainly, others with at most
// two decimals.
func formatNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	s := strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(v, 'f', 2, 64), "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}
