package scenario

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
)

// File names a generated set holds beside the clouds' folders.
const (
	TruthFile  = "truth.json"
	ConfigFile = "snapwarden.yaml"
)

// Truth is what a detector must find in a generated set.
type Truth struct {
	Seed   uint64        `json:"seed"`
	Start  time.Time     `json:"start"`
	Days   int           `json:"days"`
	Clouds []event.Cloud `json:"clouds"`
	// Accounts are the company's main account per cloud: what `hunt
	// --account` gives records that name none (VK Cloud's compute and
	// network action logs).
	Accounts   map[event.Cloud]string `json:"accounts"`
	Scenarios  []Scenario             `json:"scenarios"`
	Lookalikes []Scenario             `json:"lookalikes"` // must stay below high
}

// Scenario is one injected attack (or look-alike): its events and the
// findings it must produce.
type Scenario struct {
	ID     string      `json:"id"`
	Kind   string      `json:"kind"`
	Cloud  event.Cloud `json:"cloud"`
	Events []string    `json:"events"`
	Expect []Expect    `json:"expect,omitempty"`
	// ops are the scenario's ops while they are written: a writer may set
	// an op's ID to the id the decoder will derive (records without one).
	ops []*Op
}

// settle reads the scenarios' event ids from their ops, once written.
func settle(ss []Scenario) {
	for i := range ss {
		s := &ss[i]
		if s.ops == nil {
			continue
		}
		s.Events = make([]string, len(s.ops))
		for j, op := range s.ops {
			s.Events[j] = op.ID
		}
		s.ops = nil
	}
}

// Expect is a finding a scenario must produce: of the rule, at least at the
// severity, holding one of the scenario's events.
type Expect struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
}

func (t *Truth) write(path string) error {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ReadTruth reads a generated set's truth.json.
func ReadTruth(path string) (*Truth, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t Truth
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &t, nil
}

// writeConfig writes the configuration the truth assumes: prod-db-*
// resources critical, the company's accounts trusted, the backup
// automation a trusted principal.
func writeConfig(path string, worlds []*world) error {
	var b strings.Builder
	b.WriteString("# Written by snapwarden gen: the configuration truth.json assumes.\n")
	b.WriteString("critical:\n  - {names: [\"prod-db-*\"]}\n")
	for _, w := range worlds {
		fmt.Fprintf(&b, "  - cloud: %s\n    ids:\n", w.cloud.Name())
		for _, id := range append(append([]string(nil), w.critical...), w.dbs...) {
			fmt.Fprintf(&b, "      - %q\n", id)
		}
	}
	b.WriteString("trusted_accounts:\n")
	for _, w := range worlds {
		fmt.Fprintf(&b, "  - %q\n  - %q\n", w.main.ID, w.dev.ID)
	}
	b.WriteString("trusted_principals:\n")
	for _, w := range worlds {
		fmt.Fprintf(&b, "  - %q\n", w.backup.ID)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
