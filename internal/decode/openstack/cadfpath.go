package openstack

import (
	"strings"
)

// segment is one collection of a request path and the id that follows it
// ("servers" + server id), or a bare word ("action", "restore").
type segment struct{ name, id string }

// reqPath is a CADF requestPath cut into segments, without its API prefix.
type reqPath struct {
	project string // the project id of cinder/trove style paths
	segs    []segment
}

// parsePath cuts "/v3/<project>/backups/<id>/restore?x=y" into
// [{backups <id>} {restore}] with project <project>. Everything up to the
// first version segment (v2.1, v3, v1.0) is the endpoint's prefix.
func parsePath(p string) reqPath {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if i := strings.Index(p, "://"); i >= 0 {
		p = p[i+3:]
		if j := strings.IndexByte(p, '/'); j >= 0 {
			p = p[j:]
		} else {
			p = ""
		}
	}
	var words []string
	for w := range strings.SplitSeq(p, "/") {
		if w != "" {
			words = append(words, w)
		}
	}
	for i, w := range words {
		if isVersion(w) {
			words = words[i+1:]
			break
		}
	}
	var rp reqPath
	if len(words) > 1 && isID(words[0]) {
		rp.project, words = words[0], words[1:]
	}
	for i := 0; i < len(words); i++ {
		s := segment{name: words[i]}
		if i+1 < len(words) && isID(words[i+1]) {
			s.id = words[i+1]
			i++
		}
		rp.segs = append(rp.segs, s)
	}
	return rp
}

// isVersion matches API version segments: v2, v2.0, v2.1, v3, v1.0.
func isVersion(w string) bool {
	if len(w) < 2 || w[0] != 'v' {
		return false
	}
	for _, c := range w[1:] {
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return w[1] != '.'
}

// isID matches resource ids: UUIDs with or without dashes, hex keystone ids,
// numbers.
func isID(w string) bool {
	digits := true
	for _, c := range w {
		switch {
		case c >= '0' && c <= '9':
		case c >= 'a' && c <= 'f', c >= 'A' && c <= 'F', c == '-':
			digits = false
		default:
			return false
		}
	}
	return w != "" && (digits || len(w) >= 8)
}

// at returns segment i, or the zero segment.
func (rp reqPath) at(i int) segment {
	if i < 0 || i >= len(rp.segs) {
		return segment{}
	}
	return rp.segs[i]
}

// last returns the last segment, or the zero segment.
func (rp reqPath) last() segment { return rp.at(len(rp.segs) - 1) }

// is reports whether the path is exactly the given collections, e.g.
// is("servers", "action") for /servers/{id}/action.
func (rp reqPath) is(names ...string) bool {
	if len(rp.segs) != len(names) {
		return false
	}
	for i, n := range names {
		if rp.segs[i].name != n {
			return false
		}
	}
	return true
}
