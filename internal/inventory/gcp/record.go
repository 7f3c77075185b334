package gcp

import (
	"maps"
	"strings"
	"time"

	"google.golang.org/api/compute/v1"
)

// name is a global resource's canonical id, the relative name the audit-log
// decoder gives it: projects/P/global/COLLECTION/NAME.
func name(project, collection, resource string) string {
	return "projects/" + project + "/global/" + collection + "/" + resource
}

// created parses a creationTimestamp (RFC 3339 with a zone offset); zero
// when absent or malformed.
func created(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// location is where a copy is stored: the first of its storageLocations (a
// region such as europe-west1 or a multi-region such as eu; GCP keeps one).
func location(locs []string) string {
	for _, l := range locs {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

// keyID names the key a copy is encrypted with: the Cloud KMS key version,
// or "csek:" and the key's SHA-256 (as the API gives it, never the key)
// for a customer-supplied key; "" for Google-managed encryption.
func keyID(k *compute.CustomerEncryptionKey) string {
	switch {
	case k == nil:
		return ""
	case k.KmsKeyName != "":
		return k.KmsKeyName
	case k.Sha256 != "":
		return "csek:" + k.Sha256
	case k.RawKey != "" || k.RsaEncryptedKey != "":
		return "csek"
	}
	return ""
}

// tags copies labels, nil when there are none.
func tags(labels map[string]string) map[string]string {
	if len(labels) == 0 {
		return nil
	}
	return maps.Clone(labels)
}

// storageURI writes a Cloud Storage URL (an image's rawDisk.source) as
// gs://bucket/object, the form the audit-log decoder gives it.
func storageURI(s string) string {
	s = strings.TrimSpace(s)
	for _, p := range []string{"https://storage.googleapis.com/", "https://storage.cloud.google.com/", "http://storage.googleapis.com/"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return "gs://" + rest
		}
	}
	return s
}
