package gcp

import (
	"encoding/base64"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// imageExport: `gcloud compute images export` runs Daisy's image export
// workflow as a Cloud Build; its step copies the snapshot to a Cloud
// Storage object (-source_disk_snapshot, -destination_uri).
func (r *render) imageExport() {
	op := r.op
	snap := op.Target
	id := buildID(op.ID)
	opName := "operations/build/" + r.project + "/" + base64.StdEncoding.EncodeToString([]byte(id))
	dest := "gs://" + r.project + "-image-export/" + lastSegment(snap) + ".tar.gz"
	builds := "projects/" + r.project + "/builds"
	r.c = call{service: "cloudbuild.googleapis.com", method: "google.devtools.cloudbuild.v1.CloudBuild.CreateBuild", resource: builds,
		authz: []authz{{"cloudbuild.builds.create", builds, ""}}, resType: "build",
		labels:  []string{"build_id", id, "build_trigger_id", "", "project_id", r.project},
		reqType: "google.devtools.cloudbuild.v1.CreateBuildRequest", status: true,
		whole: opName, wholeProducer: "cloudbuild.googleapis.com"}
	r.c.request = func(b []byte) []byte {
		b = append(b, `"build":{"steps":[{"args":["-timeout=7000s",`...)
		b = scenario.AppendString(b, "-source_disk_snapshot="+snap)
		b = append(b, `,"-client_id=gcloud",`...)
		b = scenario.AppendString(b, "-destination_uri="+dest)
		b = append(b, `,"-client_version=502.0.0"],"env":["BUILD_ID=$BUILD_ID"],"name":"gcr.io/compute-image-tools/gce_vm_image_export:release"}],"tags":["gce-daisy","gce-daisy-image-export"],"timeout":"7200s"},`...)
		return appendField(b, "projectId", r.project)
	}
	r.c.response = func(b []byte) []byte {
		b = append(b, `{"@type":"type.googleapis.com/google.longrunning.Operation","metadata":{"@type":"type.googleapis.com/google.devtools.cloudbuild.v1.BuildOperationMetadata","build":{`...)
		b = appendField(b, "id", id)
		b = append(b, ',')
		b = appendField(b, "projectId", r.project)
		b = append(b, `,"status":"QUEUED"}},`...)
		b = appendField(b, "name", opName)
		return append(b, '}')
	}
}

// buildID is a build's UUID, derived from the op's id.
func buildID(opID string) string {
	const digits = "0123456789abcdef"
	h1, h2 := hash(opID, 13), hash(opID, 14)
	b := make([]byte, 0, 36)
	for i := range 32 {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			b = append(b, '-')
		}
		h := h1
		if i >= 16 {
			h = h2
		}
		nib := byte(h >> (4 * uint(i%16)) & 0xf)
		switch i {
		case 12:
			nib = 4 // version 4
		case 16:
			nib = 8 | nib&3 // RFC 4122 variant
		}
		b = append(b, digits[nib])
	}
	return string(b)
}
