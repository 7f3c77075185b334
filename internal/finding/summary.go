package finding

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
)

// Placeholders lists what Render fills in a summary template.
var Placeholders = []string{
	"actor", "actor.name", "account", "cloud", "operation", "action",
	"resources", "source", "created", "target", "shares", "ingress", "time",
}

// Render fills a summary template from ev:
//
//	{actor}       the actor's id ({actor.name}: its name, else its id)
//	{account}     {cloud} {operation} {action} {time} (RFC 3339, UTC)
//	{resources}   "snapshot snap-1, volume vol-2" (share targets left to {shares})
//	{source} {created} {target}   ids of the resources in that role
//	{shares}      share targets ("public", account ids)
//	{ingress}     "tcp/22 from 0.0.0.0/0"
//
// Lists are joined with ", "; a value the event lacks renders empty.
// {a|b} is the first of a and b that is not empty: "{target|source}" for
// whichever the operation has (an event with both names the target only).
// An unknown placeholder stays as written, for the rule tests to catch (see
// UnknownPlaceholders). The result is log text: print it through textsafe.
func Render(template string, ev *event.Event) string {
	if !strings.Contains(template, "{") {
		return template
	}
	var b strings.Builder
	b.Grow(len(template) + 64)
	for {
		before, name, after, ok := NextPlaceholder(template)
		if !ok {
			break
		}
		b.WriteString(before)
		if v, known := alternatives(name, ev); known {
			b.WriteString(v)
		} else {
			b.WriteString("{" + name + "}")
		}
		template = after
	}
	b.WriteString(template)
	return b.String()
}

// NextPlaceholder splits s around its first {name} (the innermost braces,
// so "{{actor}}" holds {actor}): the one scanner of every summary template,
// detections' and correlations' alike.
func NextPlaceholder(s string) (before, name, after string, ok bool) {
	for from := 0; ; {
		j := strings.IndexByte(s[from:], '}')
		if j < 0 {
			return "", "", "", false
		}
		j += from
		if i := strings.LastIndexByte(s[:j], '{'); i >= 0 {
			return s[:i], s[i+1 : j], s[j+1:], true
		}
		from = j + 1 // a lone "}": look further on
	}
}

// UnknownPlaceholders returns the {names} in template that Render does not
// know, in order of appearance.
func UnknownPlaceholders(template string) []string {
	var out []string
	for {
		_, name, after, ok := NextPlaceholder(template)
		if !ok {
			return out
		}
		if !known(name) {
			out = append(out, name)
		}
		template = after
	}
}

// known reports whether Render fills name: a placeholder, or alternatives
// of placeholders separated by "|".
func known(name string) bool {
	for alt := range strings.SplitSeq(name, "|") {
		if !slices.Contains(Placeholders, alt) {
			return false
		}
	}
	return true
}

// alternatives renders "a|b|…": the first alternative with a value.
func alternatives(name string, ev *event.Event) (string, bool) {
	if !known(name) {
		return "", false
	}
	for alt := range strings.SplitSeq(name, "|") {
		if v, _ := placeholder(alt, ev); v != "" {
			return v, true
		}
	}
	return "", true
}

func placeholder(name string, ev *event.Event) (string, bool) {
	switch name {
	case "actor":
		return actorID(ev.Actor), true
	case "actor.name":
		return cmp.Or(ev.Actor.Name, ev.Actor.ID), true
	case "account":
		return ev.Account, true
	case "cloud":
		return string(ev.Cloud), true
	case "operation":
		return ev.Operation, true
	case "action":
		return string(ev.Action), true
	case "time":
		if ev.Time.IsZero() {
			return "", true
		}
		return ev.Time.UTC().Format(time.RFC3339), true
	case "resources":
		var parts []string
		for _, r := range ev.Resources {
			if r.Role == event.RoleSharedWith {
				continue
			}
			parts = appendNew(parts, string(r.Type)+" "+r.ID)
		}
		return strings.Join(parts, ", "), true
	case "source", "created", "target":
		var parts []string
		for _, r := range ev.Resources {
			if string(r.Role) == name {
				parts = appendNew(parts, r.ID)
			}
		}
		return strings.Join(parts, ", "), true
	case "shares":
		var parts []string
		for _, s := range ev.Shares {
			parts = appendNew(parts, s.Target)
		}
		return strings.Join(parts, ", "), true
	case "ingress":
		var parts []string
		for _, in := range ev.Ingress {
			parts = appendNew(parts, IngressText(in))
		}
		return strings.Join(parts, ", "), true
	}
	return "", false
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// IngressText spells an inbound rule for people: "tcp/22 from 0.0.0.0/0",
// "tcp/0-65535 from ::/0", "all from Internet".
func IngressText(in event.Ingress) string {
	proto := cmp.Or(in.Protocol, "all")
	var b strings.Builder
	b.WriteString(proto)
	if proto != "all" && (in.FromPort != 0 || in.ToPort != 0) {
		b.WriteByte('/')
		b.WriteString(strconv.Itoa(in.FromPort))
		if in.ToPort != in.FromPort {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(in.ToPort))
		}
	}
	b.WriteString(" from ")
	b.WriteString(cmp.Or(in.Source, "?"))
	return b.String()
}
