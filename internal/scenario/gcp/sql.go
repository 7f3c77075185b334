package gcp

import "strconv"

// sqlUserUpdate: a Cloud SQL user's password reset, logged against the
// instance (projects/P/instances/I), the request naming project and
// instance apart.
func (r *render) sqlUserUpdate() {
	op := r.op
	db := op.Target
	inst := lastSegment(db)
	const user = "postgres"
	opID := sqlOperationID(op.ID)
	api := "https://sqladmin.googleapis.com/sql/v1beta4/projects/" + r.project
	r.c = call{service: "cloudsql.googleapis.com", method: "cloudsql.users.update", resource: db,
		authz: []authz{{"cloudsql.users.update", db, ""}}, resType: "cloudsql_database",
		labels:  []string{"database_id", r.project + ":" + inst, "project_id", r.project, "region", regionOf(zoneOf(op.Region))},
		reqType: "google.cloud.sql.v1beta4.SqlUsersUpdateRequest", status: true}
	r.c.request = func(b []byte) []byte {
		b = append(b, `"body":{"host":"",`...)
		b = appendField(b, "name", user)
		b = append(b, `},"host":"",`...)
		b = appendField(b, "instance", inst)
		b = append(b, ',')
		b = appendField(b, "name", user)
		b = append(b, ',')
		return appendField(b, "project", r.project)
	}
	r.c.response = func(b []byte) []byte {
		b = append(b, `{"@type":"type.googleapis.com/google.cloud.sql.v1beta4.Operation","insertTime":`...)
		b = appendTime(b, op.Time, 3)
		b = append(b, `,"kind":"sql#operation",`...)
		b = appendField(b, "name", opID)
		b = append(b, `,"operationType":"UPDATE_USER",`...)
		b = appendField(b, "selfLink", api+"/operations/"+opID)
		b = append(b, `,"status":"PENDING",`...)
		b = appendField(b, "targetId", inst)
		b = append(b, ',')
		b = appendField(b, "targetLink", api+"/instances/"+inst)
		b = append(b, ',')
		b = appendField(b, "targetProject", r.project)
		b = append(b, ',')
		b = appendField(b, "user", op.Actor.ID)
		return append(b, '}')
	}
}

// sqlOperationID is a Cloud SQL operation's name: a UUID with a short
// suffix, as the Admin API gives them.
func sqlOperationID(opID string) string {
	return buildID(opID+"sql") + "-" + strconv.FormatUint(hash(opID, 15)%0xffffffff, 16)
}
