package importer

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/snapwarden/snapwarden/internal/inventory"
)

// osSnapshot is a row of openstack volume snapshot list -f json --long,
// keyed by the CLI's column titles; "Project ID" appears with
// --all-projects on older clients. Volume is the volume's id (its name
// shows only in table output). The list names no region, no creator and
// no encryption (that is the volume type's).
type osSnapshot struct {
	ID         string          `json:"ID"`
	Name       string          `json:"Name"`
	Status     string          `json:"Status"`
	Size       number          `json:"Size"`
	CreatedAt  string          `json:"Created At"`
	Volume     string          `json:"Volume"`
	ProjectID  string          `json:"Project ID"`
	Properties json.RawMessage `json:"Properties"`
}

func openstackSnapshots(data []byte, p *placer) error {
	elems, err := listOf(p, data, "")
	if err != nil {
		return err
	}
	return each(p, elems, func(i int, s *osSnapshot) error {
		created, err := parseTime(s.CreatedAt)
		if err != nil {
			return p.errorf(i, "Created At: %v", err)
		}
		tags, err := properties(s.Properties)
		if err != nil {
			return p.errorf(i, "Properties: %v", jsonError(err))
		}
		r := inventory.Record{
			// UUIDs are canonical lower-case, as the decoders give them.
			ID:      strings.ToLower(strings.TrimSpace(s.ID)),
			Name:    s.Name,
			Source:  strings.ToLower(strings.TrimSpace(s.Volume)),
			Created: created,
			SizeGB:  int64(s.Size),
			State:   s.Status,
			Tags:    tags,
		}
		return p.add(i, r, s.ProjectID, "")
	})
}

// properties reads the Properties column: an object on current clients,
// the text key='value', key2='value2' on older ones.
func properties(raw json.RawMessage) (map[string]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	if raw[0] != '"' {
		var l labels
		if err := json.Unmarshal(raw, &l); err != nil {
			return nil, err
		}
		return l.tags(), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	return propertyText(s), nil
}

// propertyText parses key='value', key2='value2' (osc_lib's format_dict).
// A value may hold commas; quotes delimit it.
func propertyText(s string) map[string]string {
	out := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; {
		key, rest, ok := strings.Cut(s, "=")
		if !ok {
			break
		}
		key = strings.TrimSpace(key)
		var val string
		if strings.HasPrefix(rest, "'") {
			end := strings.Index(rest[1:], "'")
			if end < 0 {
				val, rest = rest[1:], ""
			} else {
				val, rest = rest[1:1+end], rest[2+end:]
			}
		} else {
			val, rest, _ = strings.Cut(rest, ",")
			rest = "," + rest
		}
		if key != "" {
			out[key] = strings.TrimSpace(val)
		}
		_, rest, _ = strings.Cut(rest, ",")
		s = strings.TrimSpace(rest)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
