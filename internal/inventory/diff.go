package inventory

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
)

// DiffOptions give Diff the configuration's judgements.
type DiffOptions struct {
	// Critical reports whether a resource (a copy's source) is critical.
	Critical func(cloud event.Cloud, r event.Resource) bool
	// TrustedAccount reports whether an account is trusted.
	TrustedAccount func(id string) bool
	// TrustedPrincipal reports whether a creator is trusted.
	TrustedPrincipal func(a event.Actor) bool
	// Creators gives the creating actor of copies the inventory does not
	// name, from the event history (store.Creators).
	Creators map[string]string
	// ShortLived: created and removed within it is a finding (default 24h).
	ShortLived time.Duration
	// MaxAge: copies older than it are listed (default 90 days).
	MaxAge time.Duration
	// Now is when ages are judged (default: time.Now()).
	Now time.Time
}

// The baseline rules: what Diff finds, with its severity.
var (
	RuleCriticalCopy   = baselineRule("baseline-critical-copy", "New copy of a critical resource", finding.High)
	RuleSharedOutside  = baselineRule("baseline-shared-outside", "Copy shared outside the trusted accounts or public", finding.High)
	RuleExposure       = baselineRule("baseline-exposure-widened", "Copy's exposure widened", finding.Medium)
	RuleUnencrypted    = baselineRule("baseline-unencrypted", "Unencrypted copy", finding.Low)
	RuleUnknownCreator = baselineRule("baseline-unknown-creator", "Copy with an unknown creator", finding.Low)
	RuleUntrusted      = baselineRule("baseline-untrusted-creator", "Copy made by an untrusted principal", finding.Low)
	RuleShortLived     = baselineRule("baseline-short-lived", "Copy created and deleted within a short time", finding.Medium)
	RuleOld            = baselineRule("baseline-old", "Old copy", finding.Info)
	RuleGuardrailOff   = baselineRule("baseline-guardrail-off", "Guardrail against public copies turned off", finding.High)
)

func baselineRule(id, title string, sev finding.Severity) finding.RuleInfo {
	return finding.RuleInfo{ID: id, Title: title, Kind: finding.KindBaseline, Severity: sev, Attack: []string{"T1578.001"}}
}

// Diff turns inventory changes into baseline findings, and lists the copies
// of the current picture older than MaxAge. Finding ids are stable: the
// same change gives the same id however often it is diffed.
func Diff(changes []Change, current []Record, opts DiffOptions) []finding.Finding {
	opts.ShortLived = cmp.Or(opts.ShortLived, 24*time.Hour)
	opts.MaxAge = cmp.Or(opts.MaxAge, 90*24*time.Hour)
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	var out []finding.Finding
	add := func(info finding.RuleInfo, r *Record, at time.Time, key string, en, ru string) {
		f := finding.Finding{
			ID:       finding.ID(info.ID, string(r.Cloud), r.Account, r.Region, string(r.Kind), r.ID, key),
			Rule:     finding.Rule{ID: info.ID, Title: info.Title, Kind: finding.KindBaseline},
			Severity: info.Severity,
			Attack:   slices.Clone(info.Attack),
			Time:     at.UTC(),
			Cloud:    r.Cloud,
			Account:  r.Account,
			Region:   r.Region,
			Summary:  map[string]string{"en": en, "ru": ru},
		}
		f.Resources = append(f.Resources, finding.Resource{Type: resourceType(r.Kind), ID: r.ID})
		if r.Source != "" {
			f.Resources = append(f.Resources, finding.Resource{Type: sourceType(r.Kind), ID: r.Source})
		}
		if c := opts.creator(r); c != "" {
			f.Actors = []string{c}
		}
		out = append(out, f)
	}
	// A backup service's recovery point is often the very snapshot or image
	// the inventory lists under its own kind (AWS Backup's EBS and EC2
	// recovery points): judge the copy once, under its own kind.
	copies := map[[3]string]bool{}
	for i := range current {
		if r := &current[i]; r.Kind != Backup {
			copies[[3]string{r.Account, r.Region, r.ID}] = true
		}
	}
	for _, ch := range changes {
		if r := cmp.Or(ch.New, ch.Old); r != nil && r.Kind != Backup {
			copies[[3]string{r.Account, r.Region, r.ID}] = true
		}
	}
	for _, ch := range changes {
		if r := cmp.Or(ch.New, ch.Old); r != nil && r.Kind == Backup && copies[[3]string{r.Account, r.Region, r.ID}] {
			continue
		}
		key := ch.Kind + "@" + ch.At.UTC().Format(time.RFC3339Nano)
		switch ch.Kind {
		case "added":
			r := ch.New
			if r.Kind == Guardrail {
				if !r.Enabled {
					add(RuleGuardrailOff, r, ch.At, key, r.Name+" is off in "+r.Account+" "+r.Region, r.Name+" выключен в "+r.Account+" "+r.Region)
				}
				continue
			}
			opts.added(r, ch.At, key, add)
			if out := opts.outside(r, nil); out != "" {
				add(RuleSharedOutside, r, ch.At, key, name(r)+" is shared with "+out, name(r)+" доступен для "+out)
			}
		case "changed":
			r, old := ch.New, ch.Old
			if r.Kind == Guardrail {
				if old.Enabled && !r.Enabled {
					add(RuleGuardrailOff, r, ch.At, key, r.Name+" was turned off in "+r.Account+" "+r.Region, r.Name+" выключен в "+r.Account+" "+r.Region)
				}
				continue
			}
			if out := opts.outside(r, old); out != "" {
				add(RuleSharedOutside, r, ch.At, key, name(r)+" is now shared with "+out, name(r)+" теперь доступен для "+out)
			} else if wider := widened(old, r); wider != "" {
				add(RuleExposure, r, ch.At, key, name(r)+" is now open to "+wider, name(r)+" теперь открыт для "+wider)
			}
		case "removed":
			r := ch.Old
			born := cmp.Or(r.Created, ch.FirstSeen)
			if r.Kind != Guardrail && r.Kind != Volume && !born.IsZero() && ch.At.Sub(born) <= opts.ShortLived {
				add(RuleShortLived, r, ch.At, key, name(r)+" lived "+ch.At.Sub(born).Round(time.Minute).String(),
					name(r)+" просуществовал "+ch.At.Sub(born).Round(time.Minute).String())
			}
		}
	}
	for i := range current {
		r := &current[i]
		if r.Kind == Guardrail || r.Kind == Volume || r.Created.IsZero() || opts.Now.Sub(r.Created) <= opts.MaxAge {
			continue
		}
		days := int(opts.Now.Sub(r.Created).Hours() / 24)
		add(RuleOld, r, r.Created, "old", name(r)+" is "+strconv.Itoa(days)+" days old", name(r)+": "+strconv.Itoa(days)+" дн.")
	}
	slices.SortStableFunc(out, func(a, b finding.Finding) int {
		return cmp.Or(a.Time.Compare(b.Time), strings.Compare(a.ID, b.ID))
	})
	return out
}

// added judges a new copy: of a critical source, unencrypted, by an unknown
// or untrusted creator.
func (o *DiffOptions) added(r *Record, at time.Time, key string, add func(finding.RuleInfo, *Record, time.Time, string, string, string)) {
	if o.Critical != nil && (r.Source != "" && o.Critical(r.Cloud, event.Resource{ID: r.Source}) ||
		o.Critical(r.Cloud, event.Resource{ID: r.ID, Name: r.Name, Tags: r.Tags})) {
		add(RuleCriticalCopy, r, at, key, "new copy "+name(r)+" of critical "+short(r.Source), "новая копия "+name(r)+" критичного "+short(r.Source))
	}
	if !r.Encrypted && r.Kind != Volume {
		add(RuleUnencrypted, r, at, key, name(r)+" is not encrypted", name(r)+" не зашифрован")
	}
	if r.Kind == Volume {
		return
	}
	switch c := o.creator(r); {
	case c == "":
		add(RuleUnknownCreator, r, at, key, "no event tells who made "+name(r), "неизвестно, кто создал "+name(r))
	case o.TrustedPrincipal != nil && !o.TrustedPrincipal(event.Actor{ID: c}):
		add(RuleUntrusted, r, at, key, c+" made "+name(r), c+" создал "+name(r))
	}
}

func (o *DiffOptions) creator(r *Record) string {
	if r.Creator != "" {
		return r.Creator
	}
	return o.Creators[r.ID]
}

// outside returns the exposure of r beyond its own and the trusted
// accounts that old (nil for a new copy) did not have: "" when none.
func (o *DiffOptions) outside(r, old *Record) string {
	var out []string
	if r.Exposure.Public && (old == nil || !old.Exposure.Public) {
		out = append(out, event.Public)
	}
	// A share names an account, or a principal (GCP members, Yandex
	// subjects): trusted accounts and trusted principals both keep it in.
	trusted := func(a string) bool {
		return a == r.Account || o.TrustedAccount != nil && o.TrustedAccount(a) ||
			o.TrustedPrincipal != nil && o.TrustedPrincipal(event.Actor{ID: a})
	}
	for _, a := range r.Exposure.Accounts {
		if old != nil && slices.Contains(old.Exposure.Accounts, a) {
			continue
		}
		if !(event.Share{Target: a, Kind: "account"}).Within(trusted) {
			out = append(out, a)
		}
	}
	return strings.Join(out, ", ")
}

// widened returns what r is open to that old was not (trusted accounts,
// network access): "" when nothing.
func widened(old, r *Record) string {
	var out []string
	for _, a := range r.Exposure.Accounts {
		if !slices.Contains(old.Exposure.Accounts, a) {
			out = append(out, a)
		}
	}
	if r.Exposure.Network != "" && r.Exposure.Network != old.Exposure.Network {
		out = append(out, r.Exposure.Network)
	}
	return strings.Join(out, ", ")
}

func resourceType(k Kind) event.ResourceType {
	switch k {
	case Snapshot:
		return event.Snapshot
	case Image:
		return event.Image
	case Backup:
		return event.Backup
	case DBSnapshot:
		return event.DBSnapshot
	case Volume:
		return event.Volume
	}
	return event.AccountType
}

func name(r *Record) string {
	return string(r.Kind) + " " + cmp.Or(r.Name, short(r.ID))
}

func short(id string) string {
	if i := strings.LastIndexByte(id, '/'); i >= 0 && i < len(id)-1 {
		return id[i+1:]
	}
	return id
}

// sourceType guesses what a copy of kind k was made from.
func sourceType(k Kind) event.ResourceType {
	switch k {
	case DBSnapshot:
		return event.Database
	case Image:
		return event.Instance
	case Volume:
		return event.Snapshot
	}
	return event.Volume
}
