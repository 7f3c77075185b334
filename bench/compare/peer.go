package compare

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	sigma "github.com/bradleyjkemp/sigma-go"
	"github.com/bradleyjkemp/sigma-go/evaluator"
)

// peer is github.com/bradleyjkemp/sigma-go: one RuleEvaluator per rule, each
// line decoded by encoding/json into map[string]interface{}, the shape its
// evaluator reads.
type peer struct {
	ids    []string // rule ids, in the order of evals
	files  []string // rule files, likewise
	evals  []*evaluator.RuleEvaluator
	failed []RuleError // rules it could not parse
}

// RuleError is a rule an engine could not load or evaluate.
type RuleError struct {
	File string
	ID   string // empty when the file did not parse far enough
	Err  string
}

// newPeer parses every rule file under dir with sigma-go. Dotted field names
// (userIdentity.arn) get a field mapping to a JSONPath ($.userIdentity.arn):
// sigma-go reads a field name as a top-level key otherwise, and SigmaHQ's
// AWS rules name nested CloudTrail keys that way.
func newPeer(dir string) (*peer, error) {
	p := &peer{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".yml") || strings.HasSuffix(path, ".yaml")) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		r, err := parseRule(data)
		if err != nil {
			p.failed = append(p.failed, RuleError{File: path, ID: r.ID, Err: err.Error()})
			return nil
		}
		cfg := sigma.Config{FieldMappings: map[string]sigma.FieldMapping{}}
		for _, s := range r.Detection.Searches {
			for _, em := range s.EventMatchers {
				for _, fm := range em {
					if strings.Contains(fm.Field, ".") {
						cfg.FieldMappings[fm.Field] = sigma.FieldMapping{TargetNames: []string{"$." + fm.Field}}
					}
				}
			}
		}
		p.ids = append(p.ids, r.ID)
		p.files = append(p.files, path)
		p.evals = append(p.evals, evaluator.ForRule(r, evaluator.WithConfig(cfg)))
		return nil
	})
	return p, err
}

// parseRule is sigma.ParseRule with a panic turned into an error.
func parseRule(data []byte) (r sigma.Rule, err error) {
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("sigma-go panicked: %v", x)
		}
	}()
	return sigma.ParseRule(data)
}

// PeerModule and PeerVersion are the peer bench/go.mod pins (a test checks
// that the two agree).
const (
	PeerModule  = "github.com/bradleyjkemp/sigma-go"
	PeerVersion = "v0.6.6"
)

// peerName is the peer as the report names it.
const peerName = "sigma-go " + PeerVersion

// run evaluates every rule on every line, calling hit(rule, line) for each
// match and fail(rule, line, err) for each evaluation that failed. A line
// that is not a JSON object is a bad record.
func (p *peer) run(ctx context.Context, lines [][]byte, hit func(rule, line int), fail func(rule, line int, err error)) (bad int, err error) {
	for i, l := range lines {
		if i%4096 == 0 && ctx.Err() != nil {
			return bad, ctx.Err()
		}
		var ev map[string]interface{}
		if json.Unmarshal(l, &ev) != nil {
			bad++
			continue
		}
		for r, e := range p.evals {
			ok, err := matches(ctx, e, ev)
			if err != nil {
				fail(r, i, err)
				continue
			}
			if ok {
				hit(r, i)
			}
		}
	}
	return bad, nil
}

// matches is RuleEvaluator.Matches with a panic turned into an error, so
// that one bad rule cannot end the comparison.
func matches(ctx context.Context, e *evaluator.RuleEvaluator, ev map[string]interface{}) (ok bool, err error) {
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("sigma-go panicked: %v", x)
		}
	}()
	res, err := e.Matches(ctx, ev)
	return res.Match, err
}

// decodeOnly decodes each line as run does and drops it: the floor under
// run.
func (p *peer) decodeOnly(ctx context.Context, lines [][]byte) (bad int, err error) {
	for i, l := range lines {
		if i%4096 == 0 && ctx.Err() != nil {
			return bad, ctx.Err()
		}
		var ev map[string]interface{}
		if json.Unmarshal(l, &ev) != nil {
			bad++
		}
	}
	return bad, nil
}
