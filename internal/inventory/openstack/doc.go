// Package openstack collects the copies an OpenStack or VK Cloud project
// holds, through gophercloud v2: Cinder volumes (with what they were made
// from), snapshots and backups, Glance images with their visibility and
// members, and Trove database backups (VK Cloud's DBaaS speaks the Trove
// API). One Collector serves both clouds; New takes the cloud's name.
//
// Account is the Keystone project, Region the service catalog's region,
// ids are lower-cased UUIDs as the openstack and vkcloud decoders give them,
// so inventory and event history join.
//
// What the APIs cannot tell. A Cinder snapshot names its creator only from
// microversion 3.41, a backup from 3.56 (user_id); below that, and for
// Trove backups always, Creator is empty and Diff takes it from the event
// history. A Glance image has an owner project but no uploader: Creator is
// the user_id property Nova writes on instance snapshots, which the image's
// owner may edit. A snapshot carries no encryption flag: it is its volume's,
// so a snapshot whose volume is gone reads as unencrypted. A Trove backup
// says it is encrypted only through its location's ".enc" suffix. Cinder
// copies have no sharing (a volume transfer moves the volume), so their
// Exposure is empty; a Glance image's is its visibility and members.
//
// It imports the inventory model and event; nothing of ours imports it but
// cmd.
package openstack
