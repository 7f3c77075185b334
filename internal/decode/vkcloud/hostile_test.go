package vkcloud_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/vkcloud"
)

// TestHostileInput: inputs built to be slow (many '=' in a CEF line, many
// keys, thousands of block device mappings) decode and add a bounded number
// of resources. The time bound is not a performance target (machines are
// noisy): it only catches a quadratic blow-up, which on these megabyte
// inputs takes hours, not seconds.
func TestHostileInput(t *testing.T) {
	var bdm []string
	for i := range 5000 {
		bdm = append(bdm, fmt.Sprintf(`{"source_type":"snapshot","uuid":"%s"}`, snap(i)))
	}
	body := `{"server":{"block_device_mapping_v2":[` + strings.Join(bdm, ",") + `]}}`
	rec, _ := json.Marshal(map[string]string{"source": "nova", "action": "create-vm", "method": "POST", "uri": "/v2.1/servers",
		"request_body": body, "event_id": "big"})
	truncated, _ := json.Marshal(map[string]string{"source": "nova", "action": "create-vm", "method": "POST", "uri": "/v2.1/servers",
		"request_body": body[:len(body)-3], "event_id": "big-truncated"})
	inputs := map[string]string{
		"equals":   "CEF:0|VK|Audit|1|a|b|1|" + strings.Repeat("=", 1<<20) + "\n",
		"words":    "CEF:0|VK|Audit|1|a|b|1|" + strings.Repeat("ab=", 1<<18) + "\n",
		"keys":     "CEF:0|VK|Audit|1|a|b|1|" + strings.Repeat("k=v ", 1<<18) + "\n",
		"labels":   "CEF:0|VK|Audit|1|a|b|1|" + strings.Repeat("cs1Label=x cs1=y ", 1<<16) + "\n",
		"sd":       "<1>1 - - - - - " + strings.Repeat("[a b=\"\\]\"]", 1<<16) + " {}\n",
		"bdm":      string(rec) + "\n",
		"bdm-text": string(truncated) + "\n",
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			res := decodetest.Decode(t, vkcloud.Format{}, nil, name, []byte(in))
			if d := time.Since(start); d > time.Minute {
				t.Errorf("took %v", d)
			}
			for _, e := range res.Events {
				if len(e.Resources) > 100 {
					t.Errorf("%d resources", len(e.Resources))
				}
			}
		})
	}
}
