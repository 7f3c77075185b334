package vkcloud

import "strings"

// route is a request path with its API version and project prefix removed:
// "/v3/<project>/snapshots/<id>" is project <project>, segments
// [snapshots <id>]. Cinder (/v3/<project>/…), Trove
// (/infra/database/v1.0/<project>/…) and Karboii (/<project>/…) carry the
// project; Nova, Neutron and Glance paths do not.
type route struct {
	segs    []string
	project string
}

// versionDepth is how deep a version segment may sit (/infra/database/v1.0).
const versionDepth = 4

func parseRoute(uri string) route {
	if i := strings.Index(uri, "://"); i >= 0 {
		rest := uri[i+3:]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			return route{}
		}
		uri = rest[j:]
	}
	if i := strings.IndexAny(uri, "?#"); i >= 0 {
		uri = uri[:i]
	}
	var segs []string
	for s := range strings.SplitSeq(uri, "/") {
		if s = strings.TrimSpace(s); s != "" {
			segs = append(segs, s)
		}
	}
	for i := 0; i < len(segs) && i < versionDepth; i++ {
		if isVersion(segs[i]) {
			segs = segs[i+1:]
			break
		}
	}
	var r route
	if len(segs) > 0 && isProjectID(segs[0]) {
		r.project = strings.ToLower(segs[0])
		segs = segs[1:]
	}
	r.segs = segs
	if p := r.after("projects"); r.project == "" && isProjectID(p) {
		r.project = strings.ToLower(p) // IAM: /…/projects/<project_id>/…
	}
	return r
}

// isVersion reports whether s is an API version segment: v1, v2.1, v1.0.
func isVersion(s string) bool {
	if len(s) < 2 || (s[0] != 'v' && s[0] != 'V') {
		return false
	}
	dot := false
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == '.' && !dot && i > 1 && i < len(s)-1:
			dot = true
		default:
			return false
		}
	}
	return true
}

// match reports whether the path has exactly the given segments; "*"
// matches any one segment.
func (r route) match(pat ...string) bool {
	if len(pat) != len(r.segs) {
		return false
	}
	for i, p := range pat {
		if p != "*" && !strings.EqualFold(p, r.segs[i]) {
			return false
		}
	}
	return true
}

// at returns segment i, or "".
func (r route) at(i int) string {
	if i < 0 || i >= len(r.segs) {
		return ""
	}
	return r.segs[i]
}

// after returns the segment following the first segment named coll, or "".
func (r route) after(coll string) string {
	for i, s := range r.segs {
		if strings.EqualFold(s, coll) {
			return r.at(i + 1)
		}
	}
	return ""
}

// has reports whether a segment is named coll.
func (r route) has(coll string) bool {
	for _, s := range r.segs {
		if strings.EqualFold(s, coll) {
			return true
		}
	}
	return false
}

// template writes the path with ids and names replaced by placeholders, so
// that an operation VK leaves "unknown" gets a stable name:
// "/instances/{id}/users/{name}".
func (r route) template() string {
	if len(r.segs) == 0 {
		return "/"
	}
	var b strings.Builder
	for i, s := range r.segs {
		b.WriteByte('/')
		prev := strings.ToLower(r.at(i - 1))
		switch {
		case looksLikeID(s):
			b.WriteString("{id}")
		case prev == "users" || prev == "databases" || prev == "members":
			b.WriteString("{name}")
		default:
			b.WriteString(s)
		}
	}
	return b.String()
}
