// Package yandex collects the Yandex Cloud inventory — each folder's disk
// snapshots, images and disks — through the Compute REST API with net/http
// alone (no SDK), and lists the folders the credentials reach through the
// Resource Manager API when none are named.
//
// Records carry the ids the Audit Trails decoder gives (the bare resource
// ids), the folder as account, and as region a disk's zone (as the decoder's
// zone_id), or for snapshots and images, which the API places in no zone, the
// first region asked (ru-central1 by default). Exposure comes from each
// snapshot's and image's own access bindings: system:allUsers and
// system:allAuthenticatedUsers make a copy public, every other subject is
// listed by its id. Yandex encrypts all data at rest, so every record is
// encrypted; KeyID names the customer's KMS key when there is one.
//
// What the API does not tell: who created a copy (the event history does),
// what an image was made from (only CreateImage's request names it), and
// access granted by bindings on the folder, cloud or organization rather than
// on the copy itself (the entitlement audit reads those).
//
// Credentials, in order: Collector.Token (an IAM token), Collector.OAuthToken
// (exchanged for an IAM token), YC_TOKEN (an IAM token, or an OAuth token
// that is exchanged), then the VM metadata service's service-account token.
// A service-account key file is not read.
package yandex
