// Package formats lists the audit-log formats snapwarden reads, in the order
// auto-detection tries them.
package formats

import (
	"fmt"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/azureactivity"
	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/decode/gcpaudit"
	"github.com/snapwarden/snapwarden/internal/decode/openstack"
	"github.com/snapwarden/snapwarden/internal/decode/vkcloud"
	"github.com/snapwarden/snapwarden/internal/decode/yandex"
)

// All returns every format. The order matters only for speed: the decoder
// tries the format of the previous record first.
func All() []decode.Format {
	return []decode.Format{
		cloudtrail.Format{},
		azureactivity.Format{},
		gcpaudit.Format{},
		yandex.Format{},
		vkcloud.Format{},
		openstack.Format{},
	}
}

// Names returns the format names, for help and errors.
func Names() []string {
	var out []string
	for _, f := range All() {
		out = append(out, f.Name())
	}
	return out
}

// Lookup returns the format called name ("auto" or "" returns nil: detect).
func Lookup(name string) (decode.Format, error) {
	if name == "" || name == "auto" {
		return nil, nil
	}
	for _, f := range All() {
		if f.Name() == strings.ToLower(name) {
			return f, nil
		}
	}
	return nil, fmt.Errorf("unknown format %q (want auto or one of %s)", name, strings.Join(Names(), ", "))
}
