// Package finding owns what snapwarden reports: the Finding (DESIGN.md
// "Finding"), its severity, the summary templates rules fill from an event,
// and the renderers that write findings as JSONL, as OCSF Detection Findings
// or as a table for a terminal. It imports only the event vocabulary and
// textsafe; rule, detect and the commands import it.
package finding

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/textsafe"
)

// Finding is one reported problem. Its JSON form is a contract (tests and
// users parse it): keep the keys as they are.
type Finding struct {
	ID        string      `json:"id"`
	Rule      Rule        `json:"rule"`
	Severity  Severity    `json:"severity"`
	Attack    []string    `json:"attack"` // ATT&CK technique ids, T1578.001
	Time      time.Time   `json:"time"`   // of the first event, UTC
	Cloud     event.Cloud `json:"cloud"`
	Account   string      `json:"account"`
	Actors    []string    `json:"actors"` // actor ids (event.Actor.ID), first actor first
	Resources []Resource  `json:"resources"`
	Events    []EventRef  `json:"events"`
	// Summary is one line per language ("en", "ru").
	Summary map[string]string `json:"summary"`

	// Optional lifecycle fields (omitted by hunt).
	Status      Status       `json:"status,omitempty"`
	Revision    int          `json:"revision,omitempty"`
	Suppression *Suppression `json:"suppression,omitempty"`

	// Display-only context, not part of the JSON contract: renderers use it
	// when present.

	// Region of the first event (OCSF cloud.region).
	Region string `json:"-"`
	// ActorNames maps an actor id to a readable name (an email, a user
	// name) when the log gave one that differs from the id.
	ActorNames map[string]string `json:"-"`
}

// Rule names the rule that produced a finding.
type Rule struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Kind  Kind   `json:"kind"`
}

// Kind tells what produced a finding.
type Kind string

const (
	KindDetection   Kind = "detection"
	KindCorrelation Kind = "correlation"
	KindChain       Kind = "chain"
	KindBaseline    Kind = "baseline"
	KindEntitlement Kind = "entitlement"
)

// Resource is a resource a finding is about.
type Resource struct {
	Type event.ResourceType `json:"type"`
	ID   string             `json:"id"`
}

// EventRef points at an event behind a finding.
type EventRef struct {
	ID        string       `json:"id"`
	Time      time.Time    `json:"time"`
	Operation string       `json:"operation"`
	Action    event.Action `json:"action"`
	Actor     string       `json:"actor"`
}

// Status is where a finding is in its review.
type Status string

const (
	StatusOpen         Status = "open"
	StatusAcknowledged Status = "acknowledged"
	StatusSuppressed   Status = "suppressed"
)

// Suppression says why a finding is suppressed, by whom, until when.
type Suppression struct {
	Reason  string `json:"reason"`
	By      string `json:"by"`
	Expires string `json:"expires,omitempty"` // a date, 2027-12-31
}

// RuleInfo is what a rule contributes to each of its findings.
type RuleInfo struct {
	ID       string
	Title    string
	Kind     Kind
	Severity Severity
	Attack   []string // technique ids; see AttackIDs
}

// ID returns the stable id of a finding: a hash of the rule id and the ids
// of its key events, in order. The same rule on the same events gives the
// same id in every run, so stores and users can deduplicate.
func ID(ruleID string, eventIDs ...string) string {
	var room [256]byte // most ids fit: hashed without an allocation
	b := append(room[:0], ruleID...)
	for _, id := range eventIDs {
		b = append(b, 0) // separator: ("ab","c") and ("a","bc") differ
		b = append(b, id...)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// AttackIDs returns the ATT&CK technique ids among Sigma tags, upper-cased,
// without duplicates, in tag order: attack.t1578.001 gives T1578.001.
// Tactic tags (attack.defense-evasion) and group or software ids are left out.
func AttackIDs(tags []string) []string {
	var out []string
	for _, t := range tags {
		rest, ok := strings.CutPrefix(strings.ToLower(strings.TrimSpace(t)), "attack.t")
		if !ok || !isTechnique(rest) {
			continue
		}
		id := "T" + rest
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// isTechnique reports whether s is NNNN or NNNN.NNN (what follows the T).
func isTechnique(s string) bool {
	num, sub, hasSub := strings.Cut(s, ".")
	return len(num) == 4 && digits(num) && (!hasSub || len(sub) == 3 && digits(sub))
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// FromEvent builds the finding a single-event rule makes of ev. summary holds
// the rule's templates per language; FromEvent renders them against ev
// (see Render). It copies what it keeps, so ev may be reused afterwards.
func FromEvent(r RuleInfo, ev *event.Event, summary map[string]string) Finding {
	f := Finding{
		ID:       ID(r.ID, ev.ID),
		Rule:     Rule{ID: r.ID, Title: r.Title, Kind: cmp.Or(r.Kind, KindDetection)},
		Severity: r.Severity,
		Attack:   slices.Clone(r.Attack),
		Time:     ev.Time.UTC(),
		Cloud:    ev.Cloud,
		Account:  ev.Account,
		Region:   ev.Region,
		Summary:  make(map[string]string, len(summary)),
	}
	if id := actorID(ev.Actor); id != "" {
		f.Actors = []string{id}
		if n := ev.Actor.Name; n != "" && n != id {
			f.ActorNames = map[string]string{id: n}
		}
	}
	for _, res := range ev.Resources {
		x := Resource{Type: res.Type, ID: res.ID}
		if res.ID != "" && !slices.Contains(f.Resources, x) {
			f.Resources = append(f.Resources, x)
		}
	}
	f.Events = []EventRef{{ID: ev.ID, Time: ev.Time.UTC(), Operation: ev.Operation, Action: ev.Action, Actor: actorID(ev.Actor)}}
	for lang, tmpl := range summary {
		f.Summary[lang] = Render(tmpl, ev)
	}
	return f
}

// actorID is the actor's identity, or its name when the log gave no id.
func actorID(a event.Actor) string { return cmp.Or(a.ID, a.Name) }

// SummaryIn returns the summary in lang, else in English, else "".
func (f *Finding) SummaryIn(lang string) string {
	if s, ok := f.Summary[lang]; ok && s != "" {
		return s
	}
	return f.Summary["en"]
}

// MarshalJSON writes empty lists as [] and an empty summary as {}, so
// consumers need not test for null (see AppendJSON).
func (f Finding) MarshalJSON() ([]byte, error) {
	return f.AppendJSON(make([]byte, 0, 1024))
}

// Compare orders findings for output: higher severity first, then earlier
// time, then id.
func Compare(a, b Finding) int {
	if c := cmp.Compare(b.Severity, a.Severity); c != 0 {
		return c
	}
	if c := a.Time.Compare(b.Time); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// Sort orders findings by Compare, so output is the same in every run
// whatever order parallel workers found them in.
func Sort(fs []Finding) { slices.SortStableFunc(fs, Compare) }

// LogValue keeps log text out of the logs' control: slog prints a finding
// as a group of its key fields, cleaned.
func (f Finding) LogValue() slog.Value {
	actors := make([]string, len(f.Actors))
	for i, a := range f.Actors {
		actors[i] = textsafe.Truncate(a, 200)
	}
	return slog.GroupValue(
		slog.String("id", f.ID),
		slog.String("rule", textsafe.Clean(f.Rule.ID)),
		slog.String("severity", f.Severity.String()),
		slog.String("cloud", textsafe.Clean(string(f.Cloud))),
		slog.String("account", textsafe.Truncate(f.Account, 200)),
		slog.String("actors", strings.Join(actors, ", ")),
	)
}
