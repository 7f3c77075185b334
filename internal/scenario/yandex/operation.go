package yandex

import (
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// renderer says how one kind of op is logged.
type renderer struct {
	src, typ string
	// single: one DONE record (IAM management events), in whole seconds.
	single bool
	// An operation's DONE record comes base plus up to spread after its
	// STARTED record, under an id with this prefix.
	base, spread time.Duration
	idPrefix     string
	// details appends the details' fields, each with a leading comma; done
	// tells the DONE record from STARTED and ERROR ones.
	details func(w *writer, b []byte, c *call, done bool) []byte
	// after records what a successful op changed, for later records.
	after func(w *writer, c *call)
}

// operation renders an op as its STARTED and DONE records, a single DONE
// record, or, when refused, one ERROR record.
func (w *writer) operation(c *call, r *renderer) error {
	op := c.op
	c.src, c.typ, c.secs = r.src, r.typ, r.single
	t0 := c.at(op.Time, 0)
	status := statusStarted
	switch {
	case op.Failed:
		status = statusError
	case r.single:
		status = statusDone
	}
	b, err := w.start(c.f.tf, t0)
	if err != nil {
		return err
	}
	b = c.head(b, op.ID, t0, status)
	if err := w.commit(c.f.tf, w.details(b, c, r, status == statusDone)); err != nil {
		return err
	}
	if op.Failed {
		return nil
	}
	if !r.single {
		t1 := c.at(op.Time.Add(r.base+spread(c.h, r.spread)), 1)
		b = c.head(w.buf[:0], derive(r.idPrefix, op.ID, 1), t1, statusDone)
		b = w.details(b, c, r, true)
		w.buf = b
		w.later(c.f.tf, t1, b)
	}
	if r.after != nil {
		r.after(w, c)
	}
	return nil
}

// details appends ,"details":{…}} and closes the event.
func (w *writer) details(b []byte, c *call, r *renderer, done bool) []byte {
	b = append(b, `,"details":{`...)
	start := len(b)
	b = r.details(w, b, c, done)
	b = dropComma(b, start)
	return append(b, '}', '}')
}

// dropComma removes the leading comma of the fields appended from start.
func dropComma(b []byte, start int) []byte {
	if len(b) > start && b[start] == ',' {
		copy(b[start:], b[start+1:])
		b = b[:len(b)-1]
	}
	return b
}

// spread is a duration below max drawn from h.
func spread(h uint64, max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	return time.Duration(h>>17) % max
}

// renderers map the kinds rendered the common way; Read and InstanceCreate
// have their own code.
var renderers = map[scenario.Kind]*renderer{
	scenario.SnapshotCreate: {src: "compute", typ: "compute.CreateSnapshot", base: 25 * time.Second,
		spread: 150 * time.Second, idPrefix: prefixGlobal, details: snapshotCreate},
	scenario.SnapshotDelete: {src: "compute", typ: "compute.DeleteSnapshot", base: 3 * time.Second,
		spread: 10 * time.Second, idPrefix: prefixGlobal, details: snapshotDelete},
	scenario.VolumeCreate: {src: "compute", typ: "compute.CreateDisk", base: 4 * time.Second,
		spread: 20 * time.Second, idPrefix: prefixGlobal, details: diskCreate},
	scenario.VolumeRestore: {src: "compute", typ: "compute.CreateDisk", base: 10 * time.Second,
		spread: 60 * time.Second, idPrefix: prefixGlobal, details: diskCreate},
	scenario.VolumeDelete: {src: "compute", typ: "compute.DeleteDisk", base: 2 * time.Second,
		spread: 8 * time.Second, idPrefix: prefixGlobal, details: diskDelete},
	scenario.ImageCreate: {src: "compute", typ: "compute.CreateImage", base: time.Minute,
		spread: 4 * time.Minute, idPrefix: prefixGlobal, details: imageCreate},
	scenario.VolumeAttach: {src: "compute", typ: "compute.AttachInstanceDisk", base: 3 * time.Second,
		spread: 12 * time.Second, idPrefix: prefixGlobal, details: diskAttach},
	scenario.IngressOpen: {src: "network", typ: "network.UpdateSecurityGroup", base: time.Second,
		spread: 4 * time.Second, idPrefix: prefixNetwork, details: securityGroupUpdate, after: securityGroupUpdated},
	scenario.PrincipalCreate: {src: "iam", typ: "iam.CreateServiceAccount", single: true,
		details: serviceAccountCreate, after: serviceAccountCreated},
	scenario.CredentialCreate: {src: "iam", typ: "iam.CreateAccessKey", single: true, details: accessKeyCreate},
	scenario.RoleAssign: {src: "resourcemanager", typ: "resourcemanager.UpdateFolderAccessBindings",
		base: time.Second, spread: 3 * time.Second, idPrefix: prefixCloud, details: folderBindings},
	scenario.DBModify: {src: "mdb.postgresql", typ: "mdb.postgresql.UpdateCluster", base: time.Minute,
		spread: 8 * time.Minute, idPrefix: prefixMDB, details: clusterUpdate},
	scenario.DBRestore: {src: "mdb.postgresql", typ: "mdb.postgresql.RestoreCluster", base: 5 * time.Minute,
		spread: 15 * time.Minute, idPrefix: prefixMDB, details: clusterRestore},
	scenario.DBSnapshotCreate: {src: "mdb.postgresql", typ: "mdb.postgresql.BackupCluster", base: 2 * time.Minute,
		spread: 10 * time.Minute, idPrefix: prefixMDB, details: clusterBackup},
}
