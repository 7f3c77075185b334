package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/serve"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/testenv"
)

// hostile is log text an attacker controls: markup that would run if it
// reached the page unescaped, and an ANSI escape.
const hostile = `<script>alert(1)</script>"><svg onload=alert(1)>` + "\x1b[31m" + `<img src=x onerror=alert(1)>`

// Ids of the AWS example's exfiltration chain.
const (
	chainSource   = "vol-0a1b2c3d4e5f60001" // marked critical by the seed's config
	chainSnapshot = "snap-0e9f8a7b6c5d40777"
	chainRestored = "vol-0e9f8a7b6c5d40888" // renamed to hostileID
)

// hostileID replaces the restored volume's id in every record.
const hostileID = chainRestored + hostile

// seedExamples runs the AWS example logs through serve's pipeline into st,
// after planting hostile text in them: every user agent, the restored
// volume's id, and a Name tag on the chain's snapshot. It returns the
// chain finding that follows the snapshot.
func seedExamples(t *testing.T, st *store.Store) finding.Finding {
	t.Helper()
	cfg, err := config.Parse(strings.NewReader("critical:\n  - {cloud: aws, ids: [\""+chainSource+"\"]}\n"), "seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	opts := hunt.Options{Config: cfg, MinSeverity: finding.Low, ShowSuppressed: true}
	rs, _, errs := hunt.LoadRules(opts)
	d, cerrs := hunt.New(rs, opts)
	if len(errs)+len(cerrs) > 0 {
		t.Fatal(errs, cerrs)
	}
	p, err := serve.New(serve.Options{Store: st, Detector: d, Owner: "web-test", Hold: time.Minute,
		CheckpointEvery: 50 * time.Millisecond, PairWait: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	for deadline := time.Now().Add(time.Minute); !p.Ready(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("pipeline not ready")
		}
	}
	root := filepath.Join(testenv.RepoRoot(t), "examples", "aws")
	err = filepath.WalkDir(root, func(path string, de os.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		body := plant(t, readGz(t, path))
		_, err = p.Accept(t.Context(), serve.Input{Source: "file:" + path, Format: "cloudtrail", Body: body})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	cancel() // a graceful stop processes every accepted batch
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	page, err := st.QueryFindings(t.Context(), store.FindingFilter{Limit: store.MaxFindingLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range page.Findings {
		if f.Rule.Kind == finding.KindChain && hasResource(f, chainSnapshot) {
			return f
		}
	}
	t.Fatalf("no chain through %s among %d findings", chainSnapshot, len(page.Findings))
	return finding.Finding{}
}

func hasResource(f finding.Finding, id string) bool {
	for _, r := range f.Resources {
		if r.ID == id {
			return true
		}
	}
	return false
}

func readGz(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// plant rewrites a CloudTrail file with the hostile text in place,
// writing <, > and & as they are (not as \u003c: the raw record must
// carry the markup itself).
func plant(t *testing.T, body []byte) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	recs, _ := doc["Records"].([]any)
	for _, r := range recs {
		rec, _ := r.(map[string]any)
		if rec == nil {
			continue
		}
		if _, ok := rec["userAgent"]; ok {
			rec["userAgent"] = "aws-cli/2.17.50 " + hostile
		}
		if rec["eventName"] == "CreateSnapshot" {
			if resp, _ := rec["responseElements"].(map[string]any); resp != nil && resp["snapshotId"] == chainSnapshot {
				req, _ := rec["requestParameters"].(map[string]any)
				req["tagSpecificationSet"] = map[string]any{"items": []any{map[string]any{"resourceType": "snapshot",
					"tags": []any{map[string]any{"key": "Name", "value": "exfil" + hostile}, map[string]any{"key": "owner" + hostile, "value": "x"}}}}}
			}
		}
	}
	renamed := replaceStrings(doc, chainRestored, hostileID)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(renamed); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// replaceStrings replaces old with new in every string of a JSON value.
func replaceStrings(v any, old, new string) any {
	switch x := v.(type) {
	case string:
		return strings.ReplaceAll(x, old, new)
	case []any:
		for i := range x {
			x[i] = replaceStrings(x[i], old, new)
		}
	case map[string]any:
		for k := range x {
			x[k] = replaceStrings(x[k], old, new)
		}
	}
	return v
}
