package azure

import (
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
)

// The SDK models every field as a pointer; these read them nil-safely.

func str[T ~string](p *T) string {
	if p == nil {
		return ""
	}
	return string(*p)
}

func when(p *time.Time) time.Time {
	if p == nil {
		return time.Time{}
	}
	return p.UTC()
}

func gb(p *int32) int64 {
	if p == nil || *p < 0 {
		return 0
	}
	return int64(*p)
}

// sizeGB prefers the size in GB and falls back to bytes, rounded up.
func sizeGB(gib *int32, bytes *int64) int64 {
	if n := gb(gib); n > 0 {
		return n
	}
	if bytes == nil || *bytes <= 0 {
		return 0
	}
	return (*bytes + 1<<30 - 1) >> 30
}

// region is a location as ARM names it in resource ids and the activity log:
// lower-case, no spaces ("West Europe" → "westeurope").
func region(loc string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(loc), " ", ""))
}

func tags(m map[string]*string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = str(v)
	}
	return out
}

// armID is a canonical id, or "" for an empty one.
func armID(p *string) string {
	return event.AzureID(str(p))
}

// blobURL is a storage URL without its query, which may hold a SAS
// signature, with the scheme and host lower-cased like the decoder's.
func blobURL(u string) string {
	u, _, _ = strings.Cut(strings.TrimSpace(u), "?")
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	host, path, _ := strings.Cut(rest, "/")
	if path != "" {
		path = "/" + path
	}
	return strings.ToLower(scheme) + "://" + strings.ToLower(host) + path
}

// first returns the first non-empty string.
func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
