// Package openstack evaluates who can create, copy, share, export and
// restore snapshots, backups and images in OpenStack and VK Cloud: from
// Keystone's effective role assignments, the implied roles, and each
// service's oslo.policy rules (the policy files over the in-code defaults
// shipped in defaults.yaml), or, for VK Cloud, VK's documented role catalog
// (vkroles.yaml). catalog.yaml says which policy rules give which
// capability. It implements the oslo.policy check language itself (no Go
// port exists) and imports only the entitlement model.
package openstack
