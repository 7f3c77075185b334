package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// probe is one record that must become a finding: a snapshot made public
// (ModifySnapshotAttribute adding the group "all"), with a fresh event id
// and snapshot, so its finding is new and can be told apart.
type probe struct {
	eventID string
	time    time.Time
}

// newProbe makes the n-th probe for a batch whose last record is last: the
// same account and region, a time a few milliseconds after it (the
// generated records have whole seconds, so the probe's time is its own and
// the chain rules' hold sees no jump in time).
func newProbe(n int, prefix string, last recordInfo) (probe, []byte) {
	p := probe{
		eventID: fmt.Sprintf("%s-%04x-4%03x-8000-%012x", prefix[:8], (n>>12)&0xffff, n&0xfff, n),
		time:    last.Time.Add(time.Duration(n%997+1) * time.Millisecond),
	}
	rec := map[string]any{
		"eventVersion": "1.10",
		"userIdentity": map[string]any{
			"type":        "IAMUser",
			"principalId": "AIDASERVEBENCHPROBE01",
			"arn":         "arn:aws:iam::" + last.Account + ":user/servebench-probe",
			"accountId":   last.Account,
			"accessKeyId": "AKIASERVEBENCHPROBE1",
			"userName":    "servebench-probe",
		},
		"eventTime":       p.time.UTC().Format(time.RFC3339Nano),
		"eventSource":     "ec2.amazonaws.com",
		"eventName":       "ModifySnapshotAttribute",
		"awsRegion":       last.Region,
		"sourceIPAddress": "198.51.100.7",
		"userAgent":       "aws-cli/2.15.0",
		"requestParameters": map[string]any{
			"snapshotId":    fmt.Sprintf("snap-%017x", n),
			"attributeType": "CREATE_VOLUME_PERMISSION",
			"createVolumePermission": map[string]any{
				"add": map[string]any{"items": []any{map[string]any{"group": "all"}}},
			},
		},
		"responseElements":   map[string]any{"requestId": p.eventID, "_return": true},
		"requestID":          p.eventID,
		"eventID":            p.eventID,
		"readOnly":           false,
		"eventType":          "AwsApiCall",
		"managementEvent":    true,
		"recipientAccountId": last.Account,
		"eventCategory":      "Management",
	}
	b, _ := json.Marshal(rec) // maps of strings, bools and slices: cannot fail
	return p, b
}

// withProbe returns the batch body with rec appended to its Records.
func withProbe(plain, rec []byte) []byte {
	body := bytes.TrimSuffix(plain, []byte("]}"))
	out := make([]byte, 0, len(body)+len(rec)+3)
	out = append(out, body...)
	out = append(out, ',')
	out = append(out, rec...)
	return append(out, "]}"...)
}

// visible polls the findings API every interval until a finding of rule
// names the probe's event, and returns when it was seen.
func (c *client) visible(ctx context.Context, rule string, p probe, interval time.Duration) (time.Time, error) {
	q := url.Values{}
	q.Set("rule", rule)
	q.Set("since", p.time.UTC().Format(time.RFC3339Nano))
	q.Set("until", p.time.Add(time.Millisecond).UTC().Format(time.RFC3339Nano))
	u := c.base + "/v1/findings?" + q.Encode()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		found, err := c.lookFor(ctx, u, p.eventID)
		if err != nil {
			return time.Time{}, err
		}
		if found {
			return time.Now(), nil
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-t.C:
		}
	}
}

func (c *client) lookFor(ctx context.Context, u, eventID string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("GET findings: %s", resp.Status)
	}
	var page struct {
		Findings []struct {
			Events []struct {
				ID string `json:"id"`
			} `json:"events"`
		} `json:"findings"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		return false, fmt.Errorf("GET findings: %w", err)
	}
	for _, f := range page.Findings {
		for _, e := range f.Events {
			if e.ID == eventID {
				return true, nil
			}
		}
	}
	return false, nil
}
