package azure

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/inventory"
)

// Values of inventory.Exposure.Network for Azure copies, widest first.
const (
	// NetworkSAS: a SAS URL is granted now and works from the internet.
	NetworkSAS = "sas"
	// NetworkSASPrivate: a SAS URL is granted now but works only through a
	// disk access resource's private endpoints.
	NetworkSASPrivate = "sas-private"
	// NetworkAllowAll: no SAS now, but anyone allowed to export may get one
	// that works from the internet (Azure's default).
	NetworkAllowAll = "AllowAll"
	// NetworkAllowPrivate: exports work only through private endpoints.
	NetworkAllowPrivate = "AllowPrivate"
	// NetworkCommunity: a gallery shared with every Azure user.
	NetworkCommunity = "community"
)

// DiskExposure reads a managed disk's or snapshot's export settings, as
// the API and `az snapshot list` spell them: networkAccessPolicy (AllowAll
// when unset), publicNetworkAccess (Enabled when unset), diskState and
// dataAccessAuthMode. Network is "" when the data cannot be exported
// (DenyAll, or AllowAll with public access disabled). A granted SAS that
// works from the internet is public unless downloads also need an Entra
// token (dataAccessAuthMode AzureActiveDirectory).
func DiskExposure(networkAccessPolicy, publicNetworkAccess, diskState, dataAccessAuthMode string) inventory.Exposure {
	internet, private := false, false
	switch {
	case strings.EqualFold(networkAccessPolicy, "DenyAll"):
	case strings.EqualFold(networkAccessPolicy, "AllowPrivate"):
		private = true
	default: // AllowAll, or unset
		internet = !strings.EqualFold(publicNetworkAccess, "Disabled")
	}
	sas := strings.EqualFold(diskState, "ActiveSAS") || strings.EqualFold(diskState, "ActiveSASFrozen")
	var e inventory.Exposure
	switch {
	case sas && internet:
		e.Network = NetworkSAS
		e.Public = !strings.EqualFold(dataAccessAuthMode, "AzureActiveDirectory")
	case sas:
		// A SAS under DenyAll cannot be granted; should one show, the
		// private form still says that a URL exists.
		e.Network = NetworkSASPrivate
	case internet:
		e.Network = NetworkAllowAll
	case private:
		e.Network = NetworkAllowPrivate
	}
	return e
}
