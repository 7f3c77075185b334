package azure_test

import (
	"reflect"
	"testing"

	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/azure"
)

func TestDiskExposure(t *testing.T) {
	tests := []struct {
		name                              string
		policy, publicAccess, state, auth string
		want                              inventory.Exposure
	}{
		{"defaults: exportable from anywhere", "", "", "", "", inventory.Exposure{Network: azure.NetworkAllowAll}},
		{"allow all, attached", "AllowAll", "Enabled", "Attached", "", inventory.Exposure{Network: azure.NetworkAllowAll}},
		{"SAS from anywhere is public", "AllowAll", "Enabled", "ActiveSAS", "None", inventory.Exposure{Network: azure.NetworkSAS, Public: true}},
		{"SAS on a hibernated VM's disk", "", "", "ActiveSASFrozen", "", inventory.Exposure{Network: azure.NetworkSAS, Public: true}},
		{"SAS that needs an Entra token", "AllowAll", "Enabled", "ActiveSAS", "AzureActiveDirectory", inventory.Exposure{Network: azure.NetworkSAS}},
		{"SAS through a private endpoint", "AllowPrivate", "Enabled", "ActiveSAS", "", inventory.Exposure{Network: azure.NetworkSASPrivate}},
		{"private endpoints only", "AllowPrivate", "Disabled", "Unattached", "", inventory.Exposure{Network: azure.NetworkAllowPrivate}},
		{"public access disabled", "AllowAll", "Disabled", "Unattached", "", inventory.Exposure{}},
		{"public access disabled, SAS granted", "AllowAll", "Disabled", "ActiveSAS", "", inventory.Exposure{Network: azure.NetworkSASPrivate}},
		{"deny all", "DenyAll", "Enabled", "Unattached", "", inventory.Exposure{}},
		{"values compared case-insensitively", "denyall", "enabled", "activesas", "", inventory.Exposure{Network: azure.NetworkSASPrivate}},
		{"az CLI spelling of a public SAS", "AllowAll", "", "ActiveSAS", "", inventory.Exposure{Network: azure.NetworkSAS, Public: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := azure.DiskExposure(tt.policy, tt.publicAccess, tt.state, tt.auth)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DiskExposure(%q, %q, %q, %q) = %+v, want %+v", tt.policy, tt.publicAccess, tt.state, tt.auth, got, tt.want)
			}
		})
	}
}
