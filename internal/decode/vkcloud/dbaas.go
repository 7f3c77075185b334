package vkcloud

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// classifyDB reads DBaaS (Trove-compatible) calls. VK names no DBaaS
// actions, so the action log is classified by method and path (reference
// §6, the PT-CR-2305 "critical DB operation" activities), and the DB id —
// an instance or a cluster — always comes from the path. A Cloud Audit
// event has no path; it is classified by its action name and the DB id in
// resource.metadata.stream_id.
func classifyDB(c *call, e *event.Event) {
	if len(c.route.segs) == 0 {
		dbByName(c, e)
		return
	}
	r := c.route
	kind, sub := strings.ToLower(r.at(0)), strings.ToLower(r.at(2))
	n := len(r.segs)
	db := ""
	if (kind == "instances" || kind == "clusters") && n >= 2 {
		db = r.at(1)
	}
	switch m := c.method; {
	case m == "POST" && n == 1 && kind == "instances":
		createDB(c, e, "instance")
	case m == "POST" && n == 1 && kind == "clusters":
		createDB(c, e, "cluster")
	case m == "POST" && n == 1 && kind == "backups":
		e.Action = event.DBBackup
		add(e, event.RoleSource, event.Database, first(
			c.req.str("backup", "instance"), c.req.str("backup", "cluster"),
			c.resp.str("backup", "instance_id"), c.resp.str("backup", "cluster_id")))
		addNamed(e, event.RoleCreated, event.Backup, c.resp.str("backup", "id"), c.req.str("backup", "name"))
	case m == "DELETE" && n == 2 && kind == "backups":
		e.Action = event.DBDelete
		add(e, event.RoleTarget, event.Backup, r.at(1))
	case db == "":
		if (m == "PUT" || m == "PATCH") && kind == "configurations" {
			e.Action = event.DBModify // a configuration group the DBs use
		}
	case m == "POST" && n == 3 && sub == "users":
		e.Action = event.DBUserCreate
		add(e, event.RoleTarget, event.Database, db)
		dbUsers(c, e)
	case m == "DELETE" && (n == 2 || (n == 4 && (sub == "users" || sub == "databases"))):
		e.Action = event.DBDelete
		add(e, event.RoleTarget, event.Database, db)
	case (m == "PUT" || m == "PATCH") && n == 2,
		m == "POST" && n == 2 && kind == "clusters",
		m == "POST" && n == 3 && sub == "action",
		m == "PUT" && sub == "backup_schedule",
		(m == "POST" || m == "DELETE") && n == 3 && sub == "root",
		m == "PUT" && sub == "users",
		m == "DELETE" && sub == "users" && n > 4, // revoke a user's access to a database
		m == "POST" && n == 3 && sub == "databases",
		(m == "PUT" || m == "PATCH") && strings.HasPrefix(sub, "configuration"):
		e.Action = event.DBModify
		add(e, event.RoleTarget, event.Database, db)
	default:
		add(e, event.RoleTarget, event.Database, db)
	}
}

// createDB classifies POST /instances or /clusters: a restore when the body
// names a backup to restore from (restorePoint.backupRef), else a create.
func createDB(c *call, e *event.Event, key string) {
	backup := first(c.req.str(key, "restorePoint", "backupRef"), c.req.str("instance", "restorePoint", "backupRef"))
	if c.req.parsed() && backup == "" {
		// A cluster restores through its instances' restore points.
		for _, in := range capped(decode.Each(c.req.v, key, "instances")) {
			if backup = decode.Str(in, "restorePoint", "backupRef"); backup != "" {
				break
			}
		}
	}
	if backup != "" {
		e.Action = event.DBRestore
		add(e, event.RoleSource, event.Backup, backup)
	} else {
		e.Action = event.DBCreate
	}
	addNamed(e, event.RoleCreated, event.Database, c.resp.str(key, "id"), c.req.str(key, "name"))
}

// dbUsers records the users a DB user creation adds ({"users":[{"name"}]})
// as created principals, named by their DB user names.
func dbUsers(c *call, e *event.Event) {
	if !c.req.parsed() {
		if name := c.req.find("name"); name != "" {
			add(e, event.RoleCreated, event.Principal, name)
		}
		return
	}
	for _, u := range capped(decode.Each(c.req.v, "users")) {
		add(e, event.RoleCreated, event.Principal, decode.Str(u, "name"))
	}
}

// dbByName classifies a DBaaS Cloud Audit event by words of its action name,
// since VK publishes no DBaaS action list.
func dbByName(c *call, e *event.Event) {
	a := c.action
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(a, w) {
				return true
			}
		}
		return false
	}
	db := first(c.dbID, c.object)
	if c.objectType != "" && c.objectType != event.Database && c.dbID == "" {
		db = ""
	}
	switch {
	case has("backup") && has("schedule"):
		e.Action = event.DBModify
	case has("backup") && has("delete", "remove"):
		e.Action = event.DBDelete
	case has("backup"):
		e.Action = event.DBBackup
		add(e, event.RoleSource, event.Database, db)
		return
	case has("user") && has("create", "add"):
		e.Action = event.DBUserCreate
		dbUsers(c, e)
	case has("restore"):
		e.Action = event.DBRestore
		add(e, event.RoleCreated, event.Database, db)
		return
	case has("delete", "remove"):
		e.Action = event.DBDelete
	case has("create") && !has("database"):
		e.Action = event.DBCreate
		add(e, event.RoleCreated, event.Database, db)
		return
	case has("update", "modify", "resize", "restart", "root", "action", "configuration",
		"grant", "revoke", "password", "upgrade", "database"):
		e.Action = event.DBModify
	}
	add(e, event.RoleTarget, event.Database, db)
}
