package vkcloud

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Karboii (VK Cloud Backup) providers are fixed ids: the provider decides
// whether a checkpoint copies VMs or databases.
const (
	novaProvider  = "37997f75-0637-4a69-bf7e-49ff2ff11fa5"
	troveProvider = "7ab9410c-edda-4623-a51a-1bb806666cb3"
)

// classifyKarbor reads Karboii calls by method and path (the project
// prefix is already stripped):
//
//	POST   /providers/{provider}/checkpoints        backup.create (VMs) or db.backup
//	DELETE /providers/{provider}/checkpoints/{id}   backup.delete
//	POST   /plans, PUT|PATCH /plans/{id}            backup.schedule
//	POST   /restores                                backup.restore
func classifyKarbor(c *call, e *event.Event) {
	r := c.route
	switch m := c.method; {
	case m == "POST" && r.match("providers", "*", "checkpoints"):
		provider := resourceID(r.at(1))
		e.Action = event.BackupCreate
		if provider == troveProvider {
			e.Action = event.DBBackup
		}
		add(e, event.RoleCreated, event.Backup, c.resp.str("checkpoint", "id"))
		planResources(e, provider, c.resp.get("checkpoint", "protection_plan"))
	case m == "DELETE" && r.match("providers", "*", "checkpoints", "*"):
		e.Action = event.BackupDelete
		add(e, event.RoleTarget, event.Backup, r.at(3))
	case m == "POST" && r.match("plans"), (m == "PUT" || m == "PATCH") && r.match("plans", "*"):
		e.Action = event.BackupSchedule
		provider := resourceID(first(c.req.str("plan", "provider_id"), c.resp.str("plan", "provider_id")))
		planResources(e, provider, c.req.get("plan"))
		planResources(e, provider, c.resp.get("plan"))
	case m == "POST" && r.match("restores"):
		e.Action = event.BackupRestore
		add(e, event.RoleSource, event.Backup, first(c.req.str("restore", "checkpoint_id"), c.resp.str("restore", "checkpoint_id")))
	}
}

// planResources records the resources a plan protects
// ({"resources":[{"id","type","name"}]}) as the sources of its copies.
func planResources(e *event.Event, provider string, plan *jsondoc.Value) {
	for _, res := range capped(decode.Each(plan, "resources")) {
		typ := karborType(decode.Str(res, "type"), provider)
		addNamed(e, event.RoleSource, typ, decode.Str(res, "id"), decode.Str(res, "name"))
	}
}

// karborType maps a protectable type (OS::Nova::Server, OS::Trove::Instance,
// or VK's provider names cloud_servers / dbaas) to a resource type; an
// unknown type takes the provider's.
func karborType(t, provider string) event.ResourceType {
	t = strings.ToLower(t)
	switch {
	case strings.Contains(t, "trove") || strings.Contains(t, "dbaas") || strings.Contains(t, "database"):
		return event.Database
	case strings.Contains(t, "cinder") || strings.Contains(t, "volume"):
		return event.Volume
	case strings.Contains(t, "glance") || strings.Contains(t, "image"):
		return event.Image
	case strings.Contains(t, "nova") || strings.Contains(t, "server"):
		return event.Instance
	case provider == troveProvider:
		return event.Database
	}
	return event.Instance
}
