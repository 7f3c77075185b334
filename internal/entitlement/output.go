package entitlement

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/snapwarden/snapwarden/internal/textsafe"
)

// Sort orders grants by cloud, principal, capability (catalog order).
func Sort(gs []Grant) {
	slices.SortStableFunc(gs, func(a, b Grant) int {
		return cmp.Or(strings.Compare(string(a.Cloud), string(b.Cloud)), strings.Compare(a.Principal, b.Principal),
			slices.Index(Capabilities, a.Capability)-slices.Index(Capabilities, b.Capability))
	})
}

// WriteJSON writes the grants as a JSON array, the --output json form a
// later run reads as its --baseline.
func WriteJSON(w io.Writer, gs []Grant) error {
	if gs == nil {
		gs = []Grant{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(gs)
}

// ReadJSON reads grants WriteJSON wrote.
func ReadJSON(name string, data []byte) ([]Grant, error) {
	var gs []Grant
	if err := json.Unmarshal(data, &gs); err != nil {
		return nil, fmt.Errorf("%s: not a snapwarden entitlements --output json file: %w", name, err)
	}
	return gs, nil
}

// csvHeader is the entitlement review sheet's columns.
var csvHeader = []string{"id", "cloud", "principal", "principal_type", "capability", "verdict", "standing", "indirect", "scope", "conditions", "via"}

// WriteCSV writes one row per grant, for an entitlement review.
func WriteCSV(w io.Writer, gs []Grant) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, g := range gs {
		if err := cw.Write([]string{g.ID, string(g.Cloud), g.Principal, g.PrincipalType, string(g.Capability), string(g.Verdict),
			fmt.Sprint(g.Standing), fmt.Sprint(g.Indirect), g.Scope, strings.Join(g.Conditions, "; "), strings.Join(g.Via, " → ")}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteTable writes a table a person reads at a glance: one line per
// principal with its capabilities and verdicts, unexpected holders first
// when unexpected names them.
func WriteTable(w io.Writer, gs []Grant, unexpected map[string]bool) error {
	type row struct {
		cloud, principal, typ string
		caps                  []string
		flagged               bool
	}
	var rows []*row
	byKey := map[string]*row{}
	for _, g := range gs {
		k := string(g.Cloud) + "\x00" + g.Principal
		r := byKey[k]
		if r == nil {
			r = &row{cloud: string(g.Cloud), principal: g.Principal, typ: g.PrincipalType}
			byKey[k] = r
			rows = append(rows, r)
		}
		c := string(g.Capability)
		switch g.Verdict {
		case Conditional:
			c += "?"
		case Eligible:
			c += "(eligible)"
		case Denied:
			c += "(denied)"
		}
		if g.Indirect {
			c += "*"
		}
		r.caps = append(r.caps, c)
		r.flagged = r.flagged || unexpected[g.ID]
	}
	slices.SortStableFunc(rows, func(a, b *row) int {
		if a.flagged != b.flagged {
			if a.flagged {
				return -1
			}
			return 1
		}
		return 0
	})
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tCLOUD\tPRINCIPAL\tTYPE\tCAPABILITIES")
	for _, r := range rows {
		mark := ""
		if r.flagged {
			mark = "!"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", mark, r.cloud, textsafe.Clean(r.principal), textsafe.Clean(r.typ), strings.Join(r.caps, " "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "\n? conditional  * indirect (role assumption, impersonation, PassRole, self-grant)  ! not in --expected")
	return err
}

// Change is a grant that differs from the baseline.
type Change struct {
	Kind     string // "added", "removed", "changed"
	Old, New *Grant
}

// Compare lists what changed between a baseline run and this one, by grant
// id: new holders, holders gone, verdicts or paths changed.
func Compare(base, cur []Grant) []Change {
	old := map[string]*Grant{}
	for i := range base {
		old[base[i].ID] = &base[i]
	}
	var out []Change
	seen := map[string]bool{}
	for i := range cur {
		g := &cur[i]
		seen[g.ID] = true
		o := old[g.ID]
		switch {
		case o == nil:
			out = append(out, Change{Kind: "added", New: g})
		case o.Verdict != g.Verdict || o.Standing != g.Standing || !slices.Equal(o.Via, g.Via):
			out = append(out, Change{Kind: "changed", Old: o, New: g})
		}
	}
	for i := range base {
		if !seen[base[i].ID] {
			out = append(out, Change{Kind: "removed", Old: &base[i]})
		}
	}
	return out
}
