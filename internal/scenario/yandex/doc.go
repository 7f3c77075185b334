// Package yandex renders the scenario generator's operations as Yandex Cloud
// Audit Trails events, as a trail delivers them to an Object Storage bucket:
// files holding a JSON array of snake_case events, under
// <dir>/trail/<trail id>/YYYY/MM/DD/HHMMSSmmm.json, one trail per cloud
// (its folders share it), a new file every five minutes of event time.
//
// Long operations (compute, network, resource manager, managed databases)
// log a STARTED record carrying the op's id and a DONE record under the same
// request_metadata.request_id; the decoder pairs them into one event with
// the STARTED record's id. IAM management events and data events are
// single DONE records. A refused call is one ERROR record.
//
// Background reads are data events (KMS, Lockbox, Certificate Manager,
// managed database Get/List, Kubernetes API reads, OS Login checks, WebSQL):
// Audit Trails does not log management Get/List calls.
//
// Yandex has no snapshot copy, share or export event and no shareable DB
// backup, so those kinds are not supported; a managed database backup is
// rendered but decodes as db.backup, so DBSnapshotCreate is not claimed
// either (see Cloud.Supports).
package yandex
