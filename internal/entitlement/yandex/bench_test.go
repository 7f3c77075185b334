package yandex_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement/yandex"
)

// synthOrg builds an organization of one cloud with folders folders,
// users users (two or three folder roles each), a service account per
// folder holding compute or admin roles, and a few cloud-wide editors and
// admins: the shape of a mid-sized company's export.
func synthOrg(tb testing.TB, folders, users int) yandex.Input {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	roles := []string{"viewer", "compute.viewer", "compute.editor", "editor", "compute.admin", "managed-postgresql.editor",
		"iam.serviceAccounts.user", "iam.serviceAccounts.tokenCreator", "compute.disks.user", "backup.editor", "monitoring.viewer"}
	type b struct {
		Role    string            `json:"role_id"`
		Subject map[string]string `json:"subject"`
	}
	bindings := make([][]b, folders)
	var sas []map[string]string
	folderList := make([]map[string]string, folders)
	for f := range folders {
		folderList[f] = map[string]string{"id": fmt.Sprintf("b1gfolder%011d", f), "cloud_id": "b1gcloud00000000001", "name": fmt.Sprintf("f%d", f)}
		sa := fmt.Sprintf("ajesa%015d", f)
		sas = append(sas, map[string]string{"id": sa, "folder_id": folderList[f]["id"], "name": "robot"})
		role := "compute.editor"
		if f%10 == 0 {
			role = "admin"
		}
		bindings[f] = append(bindings[f], b{role, map[string]string{"id": sa, "type": "serviceAccount"}})
	}
	for u := range users {
		id := fmt.Sprintf("ajeuser%013d", u)
		for range 2 + u%2 {
			f := rng.IntN(folders)
			bindings[f] = append(bindings[f], b{roles[rng.IntN(len(roles))], map[string]string{"id": id, "type": "userAccount"}})
		}
	}
	var cloud []b
	for i := range 10 {
		role := "editor"
		if i < 3 {
			role = "admin"
		}
		cloud = append(cloud, b{role, map[string]string{"id": fmt.Sprintf("ajecloud%012d", i), "type": "userAccount"}})
	}
	marshal := func(v any) []byte {
		data, err := json.Marshal(v)
		if err != nil {
			tb.Fatal(err)
		}
		return data
	}
	in := yandex.Input{Bindings: []yandex.BindingFile{{Name: "cloud-b1gcloud00000000001.json", Data: marshal(cloud)}}}
	for f := range folders {
		in.Bindings = append(in.Bindings, yandex.BindingFile{Name: "folder-" + folderList[f]["id"] + ".json", Data: marshal(bindings[f])})
	}
	in.Resources = []yandex.File{{Name: "folders.json", Data: marshal(folderList)}, {Name: "sas.json", Data: marshal(sas)}}
	return in
}

func BenchmarkEvaluate(b *testing.B) {
	for _, size := range []struct{ folders, users int }{{10, 100}, {50, 2000}, {200, 10000}} {
		in := synthOrg(b, size.folders, size.users)
		b.Run(fmt.Sprintf("folders=%d/users=%d", size.folders, size.users), func(b *testing.B) {
			b.ReportAllocs()
			var grants int
			for b.Loop() {
				r, err := yandex.Evaluate(in)
				if err != nil {
					b.Fatal(err)
				}
				grants = len(r.Grants)
			}
			b.ReportMetric(float64(grants), "grants")
		})
	}
	in := loadDir(b, "testdata/acme")
	b.Run("acme", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := yandex.Evaluate(in); err != nil {
				b.Fatal(err)
			}
		}
	})
}
