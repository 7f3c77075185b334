package gcpaudit

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// createBuild: `gcloud compute images export` runs as a Cloud Build whose
// tags name the export workflow (gce-daisy-image-export) and whose step
// (gce_vm_image_export) takes -source_image and -destination_uri. Other
// builds mean nothing here.
func createBuild(c *norm) {
	build := c.req.Get("build")
	export := false
	for _, t := range decode.Strs(build, "tags") {
		if strings.Contains(strings.ToLower(t), "image-export") {
			export = true
		}
	}
	var args []string
	for _, s := range decode.Each(build, "steps") {
		if n := strings.ToLower(str(s, "name")); strings.Contains(n, "image_export") || strings.Contains(n, "image-export") {
			export = true
		}
		args = append(args, decode.Strs(s, "args")...)
	}
	if !export {
		return
	}
	c.e.Action = event.ImageExport
	for _, a := range args {
		k, v, ok := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !ok {
			continue
		}
		switch k {
		case "source_image":
			c.add(event.RoleSource, event.Image, c.res.resolve(v, global, "images"))
		case "source_disk_snapshot":
			c.add(event.RoleSource, event.Snapshot, c.res.resolve(v, global, "snapshots"))
		case "destination_uri":
			c.add(event.RoleCreated, event.Bucket, storageURI(v))
		}
	}
}
