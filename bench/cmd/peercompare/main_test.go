package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A rule whose plain-value wildcard the peer compares literally, and a
// record it matches in snapwarden only: a difference nothing explains.
const (
	describeRule = `title: Describe calls
id: 0f0e5b4e-2f7a-4c39-9d7e-3a1b2c3d4e5f
status: test
logsource:
    product: aws
    service: cloudtrail
detection:
    selection:
        eventName: 'Describe*'
    condition: selection
level: low
`
	describeEvent = `{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333"},"eventTime":"2026-11-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"eu-west-1","sourceIPAddress":"192.0.2.1","eventID":"0b7a5e8e-1111-2222-3333-444455556666","eventType":"AwsApiCall","recipientAccountId":"111122223333"}`
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules")
	events := filepath.Join(dir, "events.ndjson")
	if err := os.Mkdir(rules, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rules, "describe.yml"), []byte(describeRule), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(events, []byte(describeEvent+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	base := []string{"-rules", rules, "-events", events, "-cases", "none", "-runs", "1"}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // a part of the output
		stderr string // a part of the errors
	}{
		{"unexplained difference shown", base, 0, "UNEXPLAINED", ""},
		{"unexplained difference fails under -strict", append(base, "-strict"), 1, "UNEXPLAINED", "differences without an explanation in 1 of 1 rules"},
		{"missing events", []string{"-rules", rules, "-events", filepath.Join(dir, "none.ndjson"), "-cases", "none"}, 1, "", "none.ndjson"},
		{"no rule cases", []string{"-rules", rules, "-events", events, "-cases", dir}, 1, "", "-cases none leaves them out"},
		{"argument", append(base, "extra"), 2, "", "Try: go run ./cmd/peercompare"},
		{"no runs", append(base, "-runs", "0"), 2, "", "above 0"},
		{"unknown flag", []string{"-fast"}, 2, "", "flag provided but not defined"},
		{"help", []string{"-h"}, 0, "", "-strict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stdout.String(), tt.stdout) || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("exit %d, want %d\nstdout (want %q):\n%s\nstderr (want %q):\n%s",
					code, tt.code, tt.stdout, stdout.String(), tt.stderr, stderr.String())
			}
		})
	}
}
