// Package yandex decodes Yandex Cloud Audit Trails events: bucket files (a
// JSON array of events), Cloud Logging and Data Streams messages (one event
// per message, optionally inside a Cloud Logging entry's json_payload), in
// snake_case as delivered or in the camelCase of the per-event reference.
//
// Event.Operation is the short event name, the last segment of event_type
// (yandex.cloud.audit.compute.CreateSnapshot → CreateSnapshot); the full
// event_type stays in the raw record for rules that need it, and Service is
// event_source (compute, network, mdb.postgresql …).
//
// Long operations log STARTED, sometimes RUNNING, then DONE, ERROR or
// CANCELLED under one request_metadata.request_id. They are paired by
// request id and event type into one event that carries the first record's
// id and time; ids of created objects are read from the latest record that
// has them, because they may only be final on DONE.
//
// Mapping choices a rule writer needs: a CreateDisk from a snapshot or an
// image is volume.restore; an instance's security groups are its targets; a
// public (one-to-one NAT) address is a nic resource <instance>/nic/<index>
// named by the address; role bindings list each subject granted a role as a
// shared-with principal; UpdateSecurityGroup lists every INGRESS rule of
// the group's full rule list, since the event carries no delta.
//
// Details field names not in the published schemas, and so accepted in
// every spelling seen in the API: CreateSnapshot's source disk (disk_id or
// source_disk_id), DetachInstanceDisk's disk_id, the backup service's
// backup_id / compute_instance_id(s) / source_compute_instance_id, the IAM
// key events' service_account_id, and RestoreCluster's backup_id (details,
// then request_parameters).
package yandex
