package aws

import (
	"errors"
	"strings"

	"github.com/snapwarden/snapwarden/internal/scenario"

	"github.com/snapwarden/snapwarden/internal/event"
)

// RDS: DB snapshots, their sharing, restores and instance changes. Ids are
// ARNs (event.RDSID); requests name a resource of the caller's account and
// region by its identifier, anything else by its ARN. A refused call is
// logged without its request.

func rdsAPI(name, command string) api {
	return api{source: "rds.amazonaws.com", name: name, version: "1.08", command: "rds." + command, iam: "rds", nullOnDeny: true}
}

var (
	apiCreateDBSnapshot          = rdsAPI("CreateDBSnapshot", "create-db-snapshot")
	apiModifyDBSnapshotAttribute = rdsAPI("ModifyDBSnapshotAttribute", "modify-db-snapshot-attribute")
	apiRestoreDBInstance         = rdsAPI("RestoreDBInstanceFromDBSnapshot", "restore-db-instance-from-db-snapshot")
	apiModifyDBInstance          = rdsAPI("ModifyDBInstance", "modify-db-instance")
	errNotRDS                    = errors.New("not an RDS ARN")
)

// engine is what a database runs, picked by a hash of its name.
type engine struct {
	name, version, license, options, params string
	port                                    int64
}

var engines = []engine{
	{"postgres", "16.4", "postgresql-license", "default:postgres-16", "default.postgres16", 5432},
	{"mysql", "8.0.39", "general-public-license", "default:mysql-8-0", "default.mysql8.0", 3306},
}

func engineOf(name string) *engine { return &engines[hashOf(name)%uint64(len(engines))] }

// rdsIdent returns the identifier a request names arn by: the bare name in
// the caller's account and region, else the ARN.
func (r *rec) rdsIdent(arn string) (string, error) {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) != 7 || parts[0] != "arn" || parts[2] != "rds" {
		return "", errNotRDS
	}
	if parts[3] == r.op.Region && parts[4] == r.op.Account.ID {
		return parts[6], nil
	}
	return arn, nil
}

// rdsNameOf returns the name at the end of an RDS ARN.
func rdsNameOf(arn string) string { return arn[strings.LastIndexByte(arn, ':')+1:] }

func (r *rec) createDBSnapshot() error {
	op := r.op
	db, err := r.rdsIdent(op.Source)
	if err != nil {
		return err
	}
	snap := rdsNameOf(op.Created)
	snapARN := event.RDSID(op.Account.ID, op.Region, event.RDSSnapshot, op.Created)
	e := r.w.facts.engine(op.Source)
	r.begin(&apiCreateDBSnapshot, op.Source)
	if !op.Failed {
		r.w.facts.copiedDB(op.Source, op.Created)
	}
	if r.request() {
		b := scenario.AppendString(append(r.b, `{"dBSnapshotIdentifier":`...), snap)
		r.b = append(appendField(b, "dBInstanceIdentifier", db), '}')
	}
	if r.response() {
		b := scenario.AppendString(append(r.b, `{"dBSnapshotIdentifier":`...), snap)
		b = appendField(b, "dBInstanceIdentifier", rdsNameOf(op.Source))
		b = appendField(b, "engine", e.name)
		b = appendInt(b, "allocatedStorage", r.w.facts.size(op.Source))
		b = append(b, `,"status":"creating"`...)
		b = appendInt(b, "port", e.port)
		b = r.appendZone(append(b, `,"availabilityZone":`...), op.Source)
		b = append(b, `,"vpcId":"`...)
		b = appendAccountID(b, "vpc", op.Account.ID, "vpc")
		b = append(b, `","instanceCreateTime":`...)
		b = appendJavaDate(b, op.Time.AddDate(0, -7, -3))
		b = append(b, `,"masterUsername":"dbadmin"`...)
		b = appendField(b, "engineVersion", e.version)
		b = appendField(b, "licenseModel", e.license)
		b = append(b, `,"snapshotType":"manual"`...)
		b = appendField(b, "optionGroupName", e.options)
		b = append(b, `,"percentProgress":0,"storageType":"gp3","encrypted":true`...)
		b = appendField(b, "dBSnapshotArn", snapARN)
		b = append(b, `,"iAMDatabaseAuthenticationEnabled":false,"processorFeatures":[],"dbiResourceId":"db-`...)
		s := streamOf(op.Source)
		b = appendChars(b, &s, upperAlnum, 26)
		r.b = append(b, `","tagList":[],"snapshotTarget":"region","storageThroughput":125,"dedicatedLogVolume":false}`...)
	}
	r.end()
	return nil
}

// modifyDBSnapshotAttribute adds op.ShareWith (an account, or all) to the
// DB snapshot's restore attribute.
func (r *rec) modifyDBSnapshotAttribute() error {
	op := r.op
	snap, err := r.rdsIdent(op.Target)
	if err != nil {
		return err
	}
	value := op.ShareWith
	if value == event.Public {
		value = "all"
	}
	r.begin(&apiModifyDBSnapshotAttribute, op.Target)
	if r.request() {
		b := scenario.AppendString(append(r.b, `{"dBSnapshotIdentifier":`...), snap)
		b = append(b, `,"attributeName":"restore","valuesToAdd":[`...)
		r.b = append(scenario.AppendString(b, value), `]}`...)
	}
	if r.response() {
		b := scenario.AppendString(append(r.b, `{"dBSnapshotIdentifier":`...), snap)
		b = append(b, `,"dBSnapshotAttributes":[{"attributeName":"restore","attributeValues":[`...)
		r.b = append(scenario.AppendString(b, value), `]}]}`...)
	}
	r.end()
	return nil
}

// restoreDBInstance makes the database op.Created from the DB snapshot
// op.Source, private.
func (r *rec) restoreDBInstance() error {
	op := r.op
	snap, err := r.rdsIdent(op.Source)
	if err != nil {
		return err
	}
	db := rdsNameOf(op.Created)
	r.begin(&apiRestoreDBInstance, op.Created)
	if !op.Failed {
		r.w.facts.copiedDB(op.Source, op.Created)
	}
	if r.request() {
		b := scenario.AppendString(append(r.b, `{"dBInstanceIdentifier":`...), db)
		b = appendField(b, "dBSnapshotIdentifier", snap)
		b = append(b, `,"dBInstanceClass":"db.t3.medium","dBSubnetGroupName":"default","publiclyAccessible":false,"vpcSecurityGroupIds":["`...)
		b = appendAccountID(b, "sg", op.Account.ID, "db-sg")
		r.b = append(b, `"]}`...)
	}
	if r.response() {
		r.b = r.appendDBInstance(append(r.b, '{'), op.Created, "creating", r.w.facts.engine(op.Created), false)
	}
	r.end()
	return nil
}

// modifyDBInstance resets the master password of op.Target: the takeover
// of a database.
func (r *rec) modifyDBInstance() error {
	op := r.op
	db, err := r.rdsIdent(op.Target)
	if err != nil {
		return err
	}
	r.begin(&apiModifyDBInstance, op.Target)
	if r.request() {
		b := scenario.AppendString(append(r.b, `{"dBInstanceIdentifier":`...), db)
		r.b = append(b, `,"applyImmediately":true,"masterUserPassword":"HIDDEN_DUE_TO_SECURITY_REASONS","allowMajorVersionUpgrade":false}`...)
	}
	if r.response() {
		r.b = r.appendDBInstance(append(r.b, '{'), op.Target, "available", r.w.facts.engine(op.Target), true)
	}
	r.end()
	return nil
}

// appendDBInstance appends the members of a DB instance description, as
// RDS answers a restore or a modification, and closes the object.
func (r *rec) appendDBInstance(b []byte, arn, status string, e *engine, passwordPending bool) []byte {
	op := r.op
	name := rdsNameOf(arn)
	b = scenario.AppendString(append(b, `"dBInstanceIdentifier":`...), name)
	b = append(b, `,"dBInstanceClass":"db.t3.medium"`...)
	b = appendField(b, "engine", e.name)
	b = appendField(b, "dBInstanceStatus", status)
	b = append(b, `,"masterUsername":"dbadmin"`...)
	if status == "available" {
		b = append(b, `,"endpoint":{"address":"`...)
		b = append(b, name...)
		b = append(b, '.')
		s := streamOf(op.Account.ID + "/rds")
		b = appendChars(b, &s, alnum, 12)
		b = append(b, '.')
		b = append(b, op.Region...)
		b = append(b, `.rds.amazonaws.com"`...)
		b = appendInt(b, "port", e.port)
		b = append(b, `,"hostedZoneId":"Z29XKXDKYMONMX"}`...)
	}
	b = appendInt(b, "allocatedStorage", r.w.facts.size(arn))
	b = append(b, `,"preferredBackupWindow":"03:10-03:40","backupRetentionPeriod":7,"dBSecurityGroups":[],"vpcSecurityGroups":[{"vpcSecurityGroupId":"`...)
	b = appendAccountID(b, "sg", op.Account.ID, "db-sg")
	b = append(b, `","status":"active"}],"dBParameterGroups":[{"dBParameterGroupName":`...)
	b = scenario.AppendString(b, e.params)
	b = append(b, `,"parameterApplyStatus":"in-sync"}]`...)
	b = r.appendZone(append(b, `,"availabilityZone":`...), arn)
	b = append(b, `,"dBSubnetGroup":{"dBSubnetGroupName":"default","dBSubnetGroupDescription":"default","vpcId":"`...)
	b = appendAccountID(b, "vpc", op.Account.ID, "vpc")
	b = append(b, `","subnetGroupStatus":"Complete"},"preferredMaintenanceWindow":"sun:04:30-sun:05:00","pendingModifiedValues":`...)
	if passwordPending {
		b = append(b, `{"masterUserPassword":"HIDDEN_DUE_TO_SECURITY_REASONS"}`...)
	} else {
		b = append(b, `{}`...)
	}
	b = append(b, `,"multiAZ":false`...)
	b = appendField(b, "engineVersion", e.version)
	b = append(b, `,"autoMinorVersionUpgrade":true,"readReplicaDBInstanceIdentifiers":[]`...)
	b = appendField(b, "licenseModel", e.license)
	b = append(b, `,"optionGroupMemberships":[{"optionGroupName":`...)
	b = scenario.AppendString(b, e.options)
	b = append(b, `,"status":"in-sync"}],"publiclyAccessible":false,"storageType":"gp3","dbInstancePort":0,"storageEncrypted":true,"dbiResourceId":"db-`...)
	s := streamOf(arn)
	b = appendChars(b, &s, upperAlnum, 26)
	b = append(b, `","cACertificateIdentifier":"rds-ca-rsa2048-g1","domainMemberships":[],"copyTagsToSnapshot":true,"monitoringInterval":0`...)
	b = appendField(b, "dBInstanceArn", arn)
	b = append(b, `,"iAMDatabaseAuthenticationEnabled":false,"performanceInsightsEnabled":false,"deletionProtection":false,"associatedRoles":[],"tagList":[],"customerOwnedIpEnabled":false,"networkType":"IPV4","backupTarget":"region","storageThroughput":125,"dedicatedLogVolume":false`...)
	return append(b, '}')
}
