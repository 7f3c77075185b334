package cloudtrail

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// RDS operations, for DB instances and Aurora clusters alike. Identifiers
// are plain names or ARNs (a shared or cross-region source); both become
// event.RDSID ARNs qualified by the event's account and region.

// rdsSecurityGroup is the ARN kind of a (classic) DB security group.
const rdsSecurityGroup = "secgrp"

// rds records an RDS resource. A resource in another account (a shared
// snapshot named by ARN) carries that account.
func (r *rec) rds(role event.Role, typ event.ResourceType, kind, id string) *event.Resource {
	rid := event.RDSID(r.e.Account, r.e.Region, kind, id)
	res := r.add(role, typ, rid)
	if res == nil {
		return nil
	}
	if acct := event.ARNAccount(rid); acct != "" && acct != r.e.Account {
		res.Account = acct
	}
	return res
}

// rdsKind returns the kind field of an RDS ARN (db, cluster, snapshot,
// cluster-snapshot), or def for a plain identifier.
func rdsKind(id, def string) string {
	parts := strings.SplitN(id, ":", 7)
	if len(parts) == 7 && parts[0] == "arn" && parts[2] == "rds" {
		return parts[5]
	}
	return def
}

// rdsType returns the resource type an RDS kind names.
func rdsType(kind string) event.ResourceType {
	if kind == event.RDSSnapshot || kind == event.RDSClusterSnapshot {
		return event.DBSnapshot
	}
	return event.Database
}

func createDBSnapshot(r *rec) {
	r.e.Action = event.DBSnapshotCreate
	r.rds(event.RoleSource, event.Database, event.RDSInstance, cmp.Or(r.req("dBInstanceIdentifier"), r.resp("dBInstanceIdentifier")))
	r.tag(r.rds(event.RoleCreated, event.DBSnapshot, event.RDSSnapshot,
		cmp.Or(r.resp("dBSnapshotArn"), r.req("dBSnapshotIdentifier"), r.resp("dBSnapshotIdentifier"))), r.rdsTags()...)
}

func createDBClusterSnapshot(r *rec) {
	r.e.Action = event.DBSnapshotCreate
	r.rds(event.RoleSource, event.Database, event.RDSCluster, cmp.Or(r.req("dBClusterIdentifier"), r.resp("dBClusterIdentifier")))
	r.tag(r.rds(event.RoleCreated, event.DBSnapshot, event.RDSClusterSnapshot,
		cmp.Or(r.resp("dBClusterSnapshotArn"), r.req("dBClusterSnapshotIdentifier"), r.resp("dBClusterSnapshotIdentifier"))), r.rdsTags()...)
}

func copyDBSnapshot(r *rec) {
	r.e.Action = event.DBSnapshotCopy
	r.rds(event.RoleSource, event.DBSnapshot, event.RDSSnapshot, r.req("sourceDBSnapshotIdentifier"))
	r.tag(r.rds(event.RoleCreated, event.DBSnapshot, event.RDSSnapshot,
		cmp.Or(r.resp("dBSnapshotArn"), r.req("targetDBSnapshotIdentifier"), r.resp("dBSnapshotIdentifier"))), r.rdsTags()...)
}

func copyDBClusterSnapshot(r *rec) {
	r.e.Action = event.DBSnapshotCopy
	r.rds(event.RoleSource, event.DBSnapshot, event.RDSClusterSnapshot, r.req("sourceDBClusterSnapshotIdentifier"))
	r.tag(r.rds(event.RoleCreated, event.DBSnapshot, event.RDSClusterSnapshot,
		cmp.Or(r.resp("dBClusterSnapshotArn"), r.req("targetDBClusterSnapshotIdentifier"), r.resp("dBClusterSnapshotIdentifier"))), r.rdsTags()...)
}

func modifyDBSnapshotAttribute(r *rec) {
	r.snapshotRestoreAccess(event.RDSSnapshot, r.req("dBSnapshotIdentifier"))
}

func modifyDBClusterSnapshotAttribute(r *rec) {
	r.snapshotRestoreAccess(event.RDSClusterSnapshot, r.req("dBClusterSnapshotIdentifier"))
}

// snapshotRestoreAccess reads a change of a DB snapshot's "restore"
// attribute: valuesToAdd shares (account ids, or "all" for the public),
// valuesToRemove unshares. An empty valuesToAdd shares nothing.
func (r *rec) snapshotRestoreAccess(kind, id string) {
	r.rds(event.RoleTarget, event.DBSnapshot, kind, id)
	if attr := r.req("attributeName"); attr != "" && !strings.EqualFold(attr, "restore") {
		return
	}
	add, remove := decode.Strs(r.rp, "valuesToAdd"), decode.Strs(r.rp, "valuesToRemove")
	switch {
	case len(add) > 0 || (len(remove) == 0 && r.rp.Get("valuesToAdd") != nil):
		r.e.Action = event.DBSnapshotShare
	case len(remove) > 0:
		r.e.Action, add = event.DBSnapshotUnsh, remove
	default:
		r.e.Action = event.DBSnapshotShare // the request was not logged
	}
	for _, v := range add {
		if strings.EqualFold(v, "all") {
			r.shareWith(event.Public, "public")
		} else {
			r.shareWith(v, "account")
		}
	}
}

func deleteDBSnapshot(r *rec) {
	r.e.Action = event.DBSnapshotDelete
	r.rds(event.RoleTarget, event.DBSnapshot, event.RDSSnapshot, r.req("dBSnapshotIdentifier"))
}

func deleteDBClusterSnapshot(r *rec) {
	r.e.Action = event.DBSnapshotDelete
	r.rds(event.RoleTarget, event.DBSnapshot, event.RDSClusterSnapshot, r.req("dBClusterSnapshotIdentifier"))
}

// startExportTask exports a snapshot (or a cluster) to S3.
func startExportTask(r *rec) {
	r.e.Action = event.DBExport
	src := cmp.Or(r.req("sourceArn"), r.resp("sourceArn"))
	kind := rdsKind(src, event.RDSSnapshot)
	r.rds(event.RoleSource, rdsType(kind), kind, src)
	r.add(event.RoleTarget, event.Bucket, cmp.Or(r.req("s3BucketName"), r.resp("s3Bucket")))
}

func restoreDBInstanceFromDBSnapshot(r *rec) {
	r.e.Action = event.DBRestore
	r.rds(event.RoleSource, event.DBSnapshot, event.RDSSnapshot, r.req("dBSnapshotIdentifier"))
	r.rds(event.RoleSource, event.DBSnapshot, event.RDSClusterSnapshot, r.req("dBClusterSnapshotIdentifier"))
	r.newDB(event.RDSInstance, "dBInstanceIdentifier")
}

// restoreDBClusterFromSnapshot takes a cluster snapshot, or a DB snapshot
// named by ARN.
func restoreDBClusterFromSnapshot(r *rec) {
	r.e.Action = event.DBRestore
	src := r.req("snapshotIdentifier")
	r.rds(event.RoleSource, event.DBSnapshot, rdsKind(src, event.RDSClusterSnapshot), src)
	r.newDB(event.RDSCluster, "dBClusterIdentifier")
}

func restoreDBInstanceToPointInTime(r *rec) {
	r.e.Action = event.DBRestore
	r.rds(event.RoleSource, event.Database, event.RDSInstance, r.req("sourceDBInstanceIdentifier"))
	r.newDB(event.RDSInstance, "targetDBInstanceIdentifier")
}

// restoreDBClusterToPointInTime is also Aurora's clone (restoreType
// copy-on-write): either way a new cluster holds the source's data.
func restoreDBClusterToPointInTime(r *rec) {
	r.e.Action = event.DBRestore
	r.rds(event.RoleSource, event.Database, event.RDSCluster, r.req("sourceDBClusterIdentifier"))
	r.newDB(event.RDSCluster, "dBClusterIdentifier")
}

func modifyDBInstance(r *rec) {
	r.e.Action = event.DBModify
	r.rds(event.RoleTarget, event.Database, event.RDSInstance, cmp.Or(r.req("dBInstanceIdentifier"), r.resp("dBInstanceIdentifier")))
	r.publicDB(false)
}

func modifyDBCluster(r *rec) {
	r.e.Action = event.DBModify
	r.rds(event.RoleTarget, event.Database, event.RDSCluster, cmp.Or(r.req("dBClusterIdentifier"), r.resp("dBClusterIdentifier")))
	r.publicDB(false)
}

func deleteDBInstance(r *rec) {
	r.e.Action = event.DBDelete
	r.rds(event.RoleTarget, event.Database, event.RDSInstance, r.req("dBInstanceIdentifier"))
}

func deleteDBCluster(r *rec) {
	r.e.Action = event.DBDelete
	r.rds(event.RoleTarget, event.Database, event.RDSCluster, r.req("dBClusterIdentifier"))
}

func createDBInstance(r *rec) {
	r.e.Action = event.DBCreate
	r.newDB(event.RDSInstance, "dBInstanceIdentifier")
}

func createDBCluster(r *rec) {
	r.e.Action = event.DBCreate
	r.newDB(event.RDSCluster, "dBClusterIdentifier")
}

// createDBInstanceReadReplica copies a database's data into a new one.
func createDBInstanceReadReplica(r *rec) {
	r.e.Action = event.DBCreate
	r.rds(event.RoleSource, event.Database, event.RDSInstance, r.req("sourceDBInstanceIdentifier"))
	r.newDB(event.RDSInstance, "dBInstanceIdentifier")
}

// newDB records the database (a DB instance or a cluster, as kind says) an
// operation made, named by the response's ARN or else by the request's
// idKey, with its tags, and whether it is reachable from the internet.
func (r *rec) newDB(kind, idKey string) {
	arnKey := "dBInstanceArn"
	if kind == event.RDSCluster {
		arnKey = "dBClusterArn"
	}
	r.tag(r.rds(event.RoleCreated, event.Database, kind, cmp.Or(r.resp(arnKey), r.req(idKey))), r.rdsTags()...)
	r.publicDB(true)
}

// authorizeDBSecurityGroupIngress opens a classic DB security group to a
// CIDR or an EC2 security group, on the database's port (not logged).
func authorizeDBSecurityGroupIngress(r *rec) {
	r.e.Action = event.IngressOpen
	r.rds(event.RoleTarget, event.SecurityGroup, rdsSecurityGroup, r.req("dBSecurityGroupName"))
	r.addRules("tcp", 0, 0, false, false, []string{
		r.req("cIDRIP"), cmp.Or(r.req("eC2SecurityGroupId"), r.req("eC2SecurityGroupName")),
	})
}

// publicDB records a database made reachable from the internet
// (publiclyAccessible) as an inbound rule from anywhere on its port: the
// logged one, else the engine's default, else every port. For new databases
// the response's final state counts too; for a modification only the
// request, since the response repeats a state that may be old.
func (r *rec) publicDB(withResponse bool) {
	if !decode.Bool(r.rp, "publiclyAccessible") && !(withResponse && decode.Bool(r.re, "publiclyAccessible")) {
		return
	}
	in := event.Ingress{Protocol: "tcp", FromPort: 0, ToPort: 65535, Source: "internet"}
	ports := []int{
		port(r.rp, "port"), port(r.rp, "dBPortNumber"), port(r.re, "endpoint", "port"), port(r.re, "dbInstancePort"), port(r.re, "port"),
		enginePorts[strings.ToLower(cmp.Or(r.req("engine"), r.resp("engine")))],
	}
	for _, n := range ports {
		if n > 0 {
			in.FromPort, in.ToPort = n, n
			break
		}
	}
	r.e.AddIngress(in)
}

// enginePorts are the default ports of RDS engines.
var enginePorts = map[string]int{
	"postgres": 5432, "aurora-postgresql": 5432,
	"mysql": 3306, "mariadb": 3306, "aurora-mysql": 3306, "aurora": 3306,
	"oracle-ee": 1521, "oracle-se2": 1521, "oracle-ee-cdb": 1521, "oracle-se2-cdb": 1521,
	"sqlserver-ee": 1433, "sqlserver-se": 1433, "sqlserver-ex": 1433, "sqlserver-web": 1433,
	"db2-se": 50000, "db2-ae": 50000,
}

// port returns the number at path, or 0.
func port(v *jsondoc.Value, path ...string) int {
	n, _ := decode.Int(v, path...)
	return n
}
