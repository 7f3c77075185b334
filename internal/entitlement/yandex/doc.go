// Package yandex evaluates Yandex Cloud access bindings into entitlement
// grants: who can create, copy, share, restore and schedule snapshots,
// images and backups, who is admin-equivalent, and through which binding.
//
// It reads `yc … list-access-bindings --format json` exports of the
// organization, clouds, folders, service accounts and single resources
// (snapshots, images, disks), optionally the folder/cloud/service-account
// listings that place them in the hierarchy and the members of user groups.
// Roles are inherited organization → cloud → folder → resource; what each
// role carries comes from catalog.yaml (data, with its NOTICE). A principal
// that can impersonate a service account (a token, a key, or running a
// service as it) holds that account's capabilities indirectly.
//
// Load turns command-line arguments (LEVEL:ID=FILE, members:GROUP=FILE,
// or a FILE whose name or content says what it is) into an Input.
//
// It imports the entitlement model and nothing of the other clouds.
package yandex
