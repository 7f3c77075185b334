package gcpaudit

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Cloud SQL. Requests carry the instance and project beside the body:
// {"instance": I, "project": P, "body": {…}}.

// sqlInstance names the instance the entry is about: projects/P/instances/I.
func (c *norm) sqlInstance() string {
	if i := segment(c.name, "instances"); i != "" && segment(c.name, "zones") == "" {
		if p := event.GCPProject(c.name); p != "" {
			return "projects/" + p + "/instances/" + i
		}
	}
	project := cmp.Or(str(c.req, "project"), c.res.project)
	inst := str(c.req, "instance")
	if inst == "" {
		// database_id labels read P:I.
		if p, i, ok := strings.Cut(c.o.top("resource", "labels", "database_id"), ":"); ok {
			project, inst = cmp.Or(project, p), i
		}
	}
	return sqlName(project, inst)
}

func sqlName(project, inst string) string {
	if project == "" || inst == "" {
		return ""
	}
	return "projects/" + project + "/instances/" + inst
}

// body is the request's body (older entries put its fields at the top).
func (c *norm) body() *jsondoc.Value {
	if b := c.req.Get("body"); b != nil && b.Type() == jsondoc.TypeObject {
		return b
	}
	return c.req
}

func sqlBackup(c *norm) {
	c.e.Action = event.DBBackup
	c.add(event.RoleSource, event.Database, c.sqlInstance())
}

func sqlExport(c *norm) {
	c.e.Action = event.DBExport
	c.add(event.RoleSource, event.Database, c.sqlInstance())
	c.add(event.RoleCreated, event.Bucket, storageURI(str(c.body(), "exportContext", "uri")))
}

// sqlRestoreBackup overwrites the target instance with a backup, possibly
// of another instance in another project.
func sqlRestoreBackup(c *norm) {
	c.e.Action = event.DBRestore
	inst := c.sqlInstance()
	c.add(event.RoleTarget, event.Database, inst)
	rb := c.body().Get("restoreBackupContext")
	project := cmp.Or(str(rb, "project"), event.GCPProject(inst))
	from := inst
	if i := str(rb, "instanceId"); i != "" {
		from = sqlName(project, i)
	}
	if run := str(rb, "backupRunId"); run != "" && from != "" {
		c.add(event.RoleSource, event.Backup, from+"/backupRuns/"+run)
	}
	c.add(event.RoleSource, event.Backup, event.GCPName(str(c.body(), "backup")))
	if from != inst {
		c.add(event.RoleSource, event.Database, from)
	}
}

// sqlClone makes a new instance from the source's data: a restore into a
// new instance (db.restore), not a copy of a snapshot.
func sqlClone(c *norm) {
	c.e.Action = event.DBRestore
	inst := c.sqlInstance()
	c.add(event.RoleSource, event.Database, inst)
	dest := str(c.body(), "cloneContext", "destinationInstanceName")
	c.add(event.RoleCreated, event.Database, sqlName(cmp.Or(event.GCPProject(inst), c.res.project), dest))
}

func sqlCreate(c *norm) {
	c.e.Action = event.DBCreate
	inst := c.sqlInstance()
	if n := str(c.body(), "name"); n != "" && kindOf(c.name) != event.Database {
		inst = sqlName(cmp.Or(str(c.req, "project"), c.res.project), n)
	}
	c.add(event.RoleCreated, event.Database, inst)
	authorizedNetworks(c)
}

func sqlModify(c *norm) {
	c.e.Action = event.DBModify
	c.add(event.RoleTarget, event.Database, c.sqlInstance())
	authorizedNetworks(c)
}

func sqlDelete(c *norm) {
	c.e.Action = event.DBDelete
	c.add(event.RoleTarget, event.Database, c.sqlInstance())
}

func sqlUserCreate(c *norm) {
	c.e.Action = event.DBUserCreate
	sqlUser(c)
}

// sqlUserUpdate (a new password, most often) modifies who can log in to the
// database: db.modify.
func sqlUserUpdate(c *norm) {
	c.e.Action = event.DBModify
	sqlUser(c)
}

func sqlUser(c *norm) {
	inst := c.sqlInstance()
	c.add(event.RoleTarget, event.Database, inst)
	if n := cmp.Or(str(c.body(), "name"), str(c.req, "name")); n != "" && inst != "" {
		role := event.RoleCreated
		if c.e.Action != event.DBUserCreate {
			role = event.RoleTarget
		}
		c.add(role, event.Principal, inst+"/users/"+n)
	}
}

// authorizedNetworks: each settings.ipConfiguration.authorizedNetworks
// entry admits its CIDR to the instance's port (the engine's, when the
// request names it; else every TCP port).
func authorizedNetworks(c *norm) {
	b := c.body()
	lo, hi := 0, 65535
	if p := enginePort(str(b, "databaseVersion")); p != 0 {
		lo, hi = p, p
	}
	for _, n := range decode.Each(b, "settings", "ipConfiguration", "authorizedNetworks") {
		if v := str(n, "value"); v != "" {
			c.e.AddIngress(event.Ingress{Protocol: "tcp", FromPort: lo, ToPort: hi, Source: v})
		}
	}
}

func enginePort(version string) int {
	v := strings.ToUpper(version)
	switch {
	case strings.HasPrefix(v, "MYSQL"):
		return 3306
	case strings.HasPrefix(v, "POSTGRES"):
		return 5432
	case strings.HasPrefix(v, "SQLSERVER"):
		return 1433
	}
	return 0
}
