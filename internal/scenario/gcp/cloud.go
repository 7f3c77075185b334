// Package gcp renders the scenario generator's operations as GCP Cloud
// Audit Logs: LogEntry records, one JSON object a line, as an
// organization's aggregated log sink writes every project's entries to one
// Cloud Storage bucket (cloudaudit.googleapis.com/activity/YYYY/MM/DD/
// HH:00:00_HH:59:59_S0.json, reads under …/data_access/…). Compute's
// long-running operations log a first and a last entry under one
// operation id, as the real service does; the event's id is the first
// entry's insertId.
//
// It imports the generator core (internal/scenario) and the event
// vocabulary only; the decoder (internal/decode/gcpaudit) is its yardstick
// in tests, never a dependency.
package gcp

import (
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Cloud is GCP for the scenario generator.
type Cloud struct{}

var _ scenario.Cloud = Cloud{}

// Name is the cloud's name.
func (Cloud) Name() event.Cloud { return event.GCP }

// Supports reports the kinds GCP has and the decoder maps to the intended
// action. Left out: snapshot copy (GCP has none: a snapshot is restored or
// turned into an image, never copied), and Cloud SQL backups, which decode
// as db.backup (not db.snapshot.create), cannot be shared, and are
// restored over an existing instance (a target, not a created database).
func (Cloud) Supports(k scenario.Kind) bool {
	switch k {
	case scenario.SnapshotCopy, scenario.DBSnapshotCreate, scenario.DBSnapshotShare, scenario.DBRestore:
		return false
	}
	return k >= scenario.Read && k <= scenario.DBModify
}

// ServiceAccount is empty: no GCP service scans disks through shared
// snapshots.
func (Cloud) ServiceAccount() string { return "" }

// NewWriter writes under dir in a Cloud Storage log sink's layout.
func (Cloud) NewWriter(dir string) (scenario.Writer, error) { return newWriter(dir) }
