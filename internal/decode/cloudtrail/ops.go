package cloudtrail

import (
	"strconv"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Event sources whose operations are mapped.
const (
	srcEC2    = "ec2.amazonaws.com"
	srcEBS    = "ebs.amazonaws.com"
	srcRDS    = "rds.amazonaws.com"
	srcBackup = "backup.amazonaws.com"
	srcIAM    = "iam.amazonaws.com"
	srcSTS    = "sts.amazonaws.com"
	srcSSO    = "sso-directory.amazonaws.com"
	srcIDS    = "identitystore.amazonaws.com"
)

// opKey names an operation: event source and event name (the same name
// means different things at different services).
type opKey struct{ source, name string }

// rec is the record being normalized, with its request and response.
type rec struct {
	e      *event.Event
	v      *jsondoc.Value
	rp, re *jsondoc.Value // requestParameters, responseElements; nil when null
}

// handler fills the action, resources, shares and ingress of one operation.
type handler func(r *rec)

// handlerOf returns the handler of an operation, or nil.
func handlerOf(source, name string) handler {
	if !mayHandle(name) {
		return nil
	}
	for _, h := range handlersByName[name] {
		if h.source == source {
			return h.h
		}
	}
	return nil
}

// handlersByName is handlers by event name alone: most records are of
// operations without a handler, and a miss by one string key costs less
// than by a pair of them.
var handlersByName = func() map[string][]sourcedHandler {
	m := map[string][]sourcedHandler{}
	for k, h := range handlers {
		m[k.name] = append(m[k.name], sourcedHandler{k.source, h})
	}
	return m
}()

// handledShapes marks, per name length, the first and the last bytes
// (six bits of each) of the names with a handler. Nearly every record's
// operation (a read) has a shape no handler has, and is passed over
// without hashing its name for the map.
var handledShapes = func() (t [64][2]uint64) {
	for k := range handlers {
		n := len(k.name)
		if n == 0 || n >= len(t) {
			panic("cloudtrail: handler name of length " + strconv.Itoa(n))
		}
		t[n][0] |= 1 << (k.name[0] & 63)
		t[n][1] |= 1 << (k.name[n-1] & 63)
	}
	return t
}()

// mayHandle reports whether an operation of this name may have a handler.
func mayHandle(name string) bool {
	n := len(name)
	if n == 0 || n >= len(handledShapes) {
		return false
	}
	t := &handledShapes[n]
	return t[0]&(1<<(name[0]&63)) != 0 && t[1]&(1<<(name[n-1]&63)) != 0
}

type sourcedHandler struct {
	source string
	h      handler
}

// handlers maps the operations that matter for snapshot abuse. Any other
// operation keeps an empty action.
var handlers = map[opKey]handler{
	// EC2: snapshots, images, volumes, instances.
	{srcEC2, "CreateSnapshot"}:                   createSnapshot,
	{srcEC2, "CreateSnapshots"}:                  createSnapshots,
	{srcEC2, "CopySnapshot"}:                     copySnapshot,
	{srcEC2, "ModifySnapshotAttribute"}:          snapshotPermission.modify,
	{srcEC2, "ResetSnapshotAttribute"}:           snapshotPermission.reset,
	{srcEC2, "DeleteSnapshot"}:                   deleteSnapshot,
	{srcEC2, "RestoreSnapshotFromRecycleBin"}:    restoreSnapshotFromRecycleBin,
	{srcEC2, "SharedSnapshotCopyInitiated"}:      sharedSnapshotCopyInitiated,
	{srcEC2, "SharedSnapshotVolumeCreated"}:      sharedSnapshotVolumeCreated,
	{srcEC2, "CreateImage"}:                      createImage,
	{srcEC2, "RegisterImage"}:                    registerImage,
	{srcEC2, "CopyImage"}:                        copyImage,
	{srcEC2, "ModifyImageAttribute"}:             imagePermission.modify,
	{srcEC2, "ResetImageAttribute"}:              imagePermission.reset,
	{srcEC2, "DeregisterImage"}:                  deregisterImage,
	{srcEC2, "RestoreImageFromRecycleBin"}:       restoreImageFromRecycleBin,
	{srcEC2, "CreateInstanceExportTask"}:         createInstanceExportTask,
	{srcEC2, "ExportImage"}:                      exportImage,
	{srcEC2, "CreateStoreImageTask"}:             createStoreImageTask,
	{srcEC2, "CreateVolume"}:                     createVolume,
	{srcEC2, "AttachVolume"}:                     attachVolume,
	{srcEC2, "DetachVolume"}:                     detachVolume,
	{srcEC2, "DeleteVolume"}:                     deleteVolume,
	{srcEC2, "RunInstances"}:                     runInstances,
	{srcEC2, "ModifyInstanceAttribute"}:          modifyInstanceAttribute,
	{srcEC2, "AuthorizeSecurityGroupIngress"}:    authorizeSecurityGroupIngress,
	{srcEC2, "ModifySecurityGroupRules"}:         modifySecurityGroupRules,
	{srcEC2, "DisableSnapshotBlockPublicAccess"}: guardrailDisable,
	{srcEC2, "DisableImageBlockPublicAccess"}:    guardrailDisable,
	{srcEC2, "DisableEbsEncryptionByDefault"}:    guardrailDisable,
	{srcEC2, "CreateSecurityGroup"}:              createSecurityGroup,
	{srcEC2, "CreateTags"}:                       createTags,

	// EBS direct APIs: snapshots written and read block by block.
	{srcEBS, "StartSnapshot"}:      startSnapshot,
	{srcEBS, "CompleteSnapshot"}:   completeSnapshot,
	{srcEBS, "PutSnapshotBlock"}:   putSnapshotBlock,
	{srcEBS, "ListSnapshotBlocks"}: readSnapshotBlocks,
	{srcEBS, "GetSnapshotBlock"}:   readSnapshotBlocks,
	{srcEBS, "ListChangedBlocks"}:  readSnapshotBlocks,

	// RDS, instances and clusters (also DocumentDB and Neptune).
	{srcRDS, "CreateDBSnapshot"}:                 createDBSnapshot,
	{srcRDS, "CreateDBClusterSnapshot"}:          createDBClusterSnapshot,
	{srcRDS, "CopyDBSnapshot"}:                   copyDBSnapshot,
	{srcRDS, "CopyDBClusterSnapshot"}:            copyDBClusterSnapshot,
	{srcRDS, "ModifyDBSnapshotAttribute"}:        modifyDBSnapshotAttribute,
	{srcRDS, "ModifyDBClusterSnapshotAttribute"}: modifyDBClusterSnapshotAttribute,
	{srcRDS, "DeleteDBSnapshot"}:                 deleteDBSnapshot,
	{srcRDS, "DeleteDBClusterSnapshot"}:          deleteDBClusterSnapshot,
	{srcRDS, "StartExportTask"}:                  startExportTask,
	{srcRDS, "RestoreDBInstanceFromDBSnapshot"}:  restoreDBInstanceFromDBSnapshot,
	{srcRDS, "RestoreDBClusterFromSnapshot"}:     restoreDBClusterFromSnapshot,
	{srcRDS, "RestoreDBInstanceToPointInTime"}:   restoreDBInstanceToPointInTime,
	{srcRDS, "RestoreDBClusterToPointInTime"}:    restoreDBClusterToPointInTime,
	{srcRDS, "ModifyDBInstance"}:                 modifyDBInstance,
	{srcRDS, "ModifyDBCluster"}:                  modifyDBCluster,
	{srcRDS, "DeleteDBInstance"}:                 deleteDBInstance,
	{srcRDS, "DeleteDBCluster"}:                  deleteDBCluster,
	{srcRDS, "CreateDBInstance"}:                 createDBInstance,
	{srcRDS, "CreateDBCluster"}:                  createDBCluster,
	{srcRDS, "CreateDBInstanceReadReplica"}:      createDBInstanceReadReplica,
	{srcRDS, "AuthorizeDBSecurityGroupIngress"}:  authorizeDBSecurityGroupIngress,
	{srcRDS, "AddTagsToResource"}:                addTagsToResource,

	// AWS Backup.
	{srcBackup, "StartBackupJob"}:             startBackupJob,
	{srcBackup, "StartCopyJob"}:               startCopyJob,
	{srcBackup, "StartRestoreJob"}:            startRestoreJob,
	{srcBackup, "DeleteRecoveryPoint"}:        deleteRecoveryPoint,
	{srcBackup, "PutBackupVaultAccessPolicy"}: putBackupVaultAccessPolicy,
	{srcBackup, "CreateBackupPlan"}:           backupPlan,
	{srcBackup, "UpdateBackupPlan"}:           backupPlan,
	{srcBackup, "TagResource"}:                backupTagResource,

	// IAM and STS: new principals and credentials, grants.
	{srcIAM, "CreateUser"}:         createUser,
	{srcIAM, "CreateRole"}:         createRole,
	{srcIAM, "CreateLoginProfile"}: createLoginProfile,
	{srcIAM, "CreateAccessKey"}:    createAccessKey,
	{srcIAM, "AttachUserPolicy"}:   userGrant,
	{srcIAM, "PutUserPolicy"}:      userGrant,
	{srcIAM, "AddUserToGroup"}:     userGrant,
	{srcIAM, "AttachRolePolicy"}:   roleGrant,
	{srcIAM, "PutRolePolicy"}:      roleGrant,
	{srcIAM, "AttachGroupPolicy"}:  groupGrant,
	{srcIAM, "PutGroupPolicy"}:     groupGrant,
	{srcSTS, "AssumeRole"}:         assumeRole,
	{srcSSO, "CreateUser"}:         identityCenterUser,
	{srcIDS, "CreateUser"}:         identityCenterUser,
}

// req returns the request parameter at path as text.
func (r *rec) req(path ...string) string { return decode.Str(r.rp, path...) }

// resp returns the response element at path as text.
func (r *rec) resp(path ...string) string { return decode.Str(r.re, path...) }

// add records a resource; an empty id records nothing.
func (r *rec) add(role event.Role, typ event.ResourceType, id string) *event.Resource {
	return r.e.AddResource(role, typ, strings.TrimSpace(id))
}

// shareWith records a grant to an account, principal, organization or the
// public; for share actions an account also becomes a shared-with resource.
func (r *rec) shareWith(target, kind string) {
	target = strings.TrimSpace(target)
	if target == "" {
		return
	}
	r.e.AddShare(target, kind)
	if kind == "account" && isShare(r.e.Action) {
		r.add(event.RoleSharedWith, event.AccountType, target)
	}
}

func isShare(a event.Action) bool {
	switch a {
	case event.SnapshotShare, event.ImageShare, event.DBSnapshotShare, event.BackupShare, event.BackupCopy, event.BackupSchedule:
		return true
	}
	return false
}

// items returns the elements of an EC2 list ({"items": […]}) at path.
func items(v *jsondoc.Value, path ...string) []*jsondoc.Value {
	return decode.Each(v.Get(path...), "items")
}

// sameName compares an attribute name ignoring case and underscores:
// CREATE_VOLUME_PERMISSION, createVolumePermission and launchPermission
// are spelled several ways.
func sameName(s, name string) bool {
	return strings.EqualFold(strings.ReplaceAll(s, "_", ""), name)
}
