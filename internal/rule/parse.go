package rule

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// DefaultLevel is the level of a rule that states none. Sigma leaves level
// optional; an unlabelled rule that matched still deserves a look, so it is
// neither informational nor an alert.
const DefaultLevel = "medium"

// Levels are the rule levels Sigma defines, least severe first.
var Levels = []string{"informational", "low", "medium", "high", "critical"}

// Statuses are the rule statuses Sigma defines.
var Statuses = []string{"stable", "test", "experimental", "deprecated", "unsupported"}

// RelationTypes are the types of a related entry.
var RelationTypes = []string{"derived", "obsolete", "merged", "renamed", "similar"}

// Languages are the keys a summary may have.
var Languages = []string{"en", "ru"}

// Parse reads every rule document of one YAML file. It returns the rules that
// are valid and an error, with its file:line:col, for each problem of the
// others: a document with any error yields no rule. A rule whose log source
// snapwarden does not read is valid (see Rule.Format). Empty documents are
// passed over; a file with no document at all is an error.
//
// Keys are strict: Sigma's rule keys, SigmaHQ's regression_tests_path and
// simulation (metadata, ignored), and snapwarden's summary and tests;
// anything else is an error naming the key. Required: title, id (any
// non-empty text; Sigma recommends a UUID), logsource, detection and its
// condition. Defaults: Kind is KindDetection, and Level is DefaultLevel when
// the rule states none. A document with a correlation block is a Sigma
// correlation rule (see Correlation); Sigma 1 collections (action:) are
// rejected.
//
// A search is a map (a selection: all of its matchers), a list of maps (any
// of them), a list of values or a single value (keywords), or a map whose
// only key has no field, such as '|all' (keywords with modifiers). A
// matcher's value is a scalar or a list of scalars; an empty list gives no
// value, and such a matcher never matches. Modifiers are lower-cased and
// checked: each known, combined sensibly and in order, with values they can
// take (numbers for lt…gte and the time parts, CIDRs, regular expressions in
// Go's syntax, booleans for exists, %placeholders% for expand, field names
// for fieldref). Values keep their text as written (see Value).
func Parse(file string, data []byte) ([]*Rule, ErrorList) {
	var (
		rules []*Rule
		errs  ErrorList
	)
	for _, d := range parseFile(file, data) {
		if d.rule != nil {
			rules = append(rules, d.rule)
		}
		errs = append(errs, d.errs...)
	}
	return rules, errs
}

// document is what one YAML document of a file gave: a rule, or the errors
// that rejected it (and the place and label of the rejected document).
type document struct {
	pos   Pos
	label string // id, else title, else empty
	rule  *Rule
	errs  ErrorList
	// collection marks a Sigma 1 collection (action: global…): the
	// documents after it are its parts, rejected with it.
	collection bool
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseFile splits a file into documents and parses each. A YAML syntax
// error ends the file: the decoder cannot resynchronise after it.
func parseFile(file string, data []byte) (docs []document) {
	src := newSource(file, data)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	collection := false
	budget := &nodeBudget{left: maxNodes}
	for {
		var n yaml.Node
		err := decodeNode(dec, &n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			e := yamlError(src, err)
			docs = append(docs, document{pos: e.Pos, errs: ErrorList{e}})
			return docs
		}
		if n.Kind != yaml.DocumentNode || len(n.Content) == 0 {
			continue
		}
		root := n.Content[0]
		if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
			continue // an empty document, as between two "---"
		}
		if collection {
			continue // a part of the rejected collection
		}
		if msg, at := budget.spend(root); msg != "" {
			pos := src.at(at)
			docs = append(docs, document{pos: pos, label: ruleLabel(root), errs: ErrorList{Errorf(pos, ruleLabel(root), "%s", msg)}})
			continue
		}
		d := parseDocument(src, root)
		collection = d.collection
		docs = append(docs, d)
	}
	if len(docs) == 0 {
		pos := Pos{File: file, Line: 1}
		docs = append(docs, document{pos: pos, errs: ErrorList{Errorf(pos, "", "no rule in the file")}})
	}
	return docs
}

// maxNodes bounds the YAML nodes of a file, counting each alias as the nodes
// it stands for: an anchor used many times (inside others used many times)
// would otherwise make a small file into millions of matchers.
const maxNodes = 1 << 20

// nodeBudget counts the nodes of a file's documents against maxNodes.
type nodeBudget struct {
	left int
}

// spend counts the nodes of a document with aliases expanded. It returns
// why the document cannot be parsed, and where: too many nodes, or an alias
// inside the node it refers to (which would be endless); else "".
func (b *nodeBudget) spend(root *yaml.Node) (string, *yaml.Node) {
	var (
		sizes  = map[*yaml.Node]int{} // of anchored nodes already counted
		open   = map[*yaml.Node]bool{}
		cyclic *yaml.Node
	)
	var size func(n *yaml.Node) int
	size = func(n *yaml.Node) int {
		alias := n
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		if s, ok := sizes[n]; ok {
			return s
		}
		if open[n] {
			cyclic = alias
			return 1
		}
		open[n] = true
		s := 1
		for _, c := range n.Content {
			if s += size(c); s > b.left || cyclic != nil {
				break
			}
		}
		open[n] = false
		if n.Anchor != "" {
			sizes[n] = s
		}
		return s
	}
	s := size(root)
	switch {
	case cyclic != nil:
		return "an alias refers to a node that contains it", cyclic
	case s > b.left:
		return fmt.Sprintf("the file expands to more than %d YAML nodes (aliases count as the nodes they stand for)", maxNodes), root
	}
	b.left -= s
	return "", nil
}

// decodeNode is yaml's Decode with any panic of the YAML library turned into
// an error: input must never crash a run.
func decodeNode(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: internal error: %v", r)
		}
	}()
	return dec.Decode(n)
}

// yamlError turns a YAML syntax error ("yaml: line 3: …") into an Error at
// that line; the library does not expose the column. It counts lines from 1
// for scanner errors but from 0 for parser errors (parserErrors), and leaves
// the line out when it would be 0: such messages are about the first line,
// except those located here by their cause.
func yamlError(src *source, err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	pos := Pos{File: src.file, Line: 1}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if parserErrors[msg] {
			pos.Line++
		}
		return Errorf(pos, "", "invalid YAML: %s", msg)
	}
	if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		if i := bytes.Index(src.data, []byte("*"+m[1])); i >= 0 {
			pos = src.posAt(i)
		}
	} else if i := badByte(src.data); i >= 0 {
		pos = src.posAt(i)
	}
	return Errorf(pos, "", "invalid YAML: %s", msg)
}

// parserErrors are the messages of the YAML parser (as opposed to its
// scanner), whose line numbers count from 0.
var parserErrors = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

var unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)

// badByte is the offset of the first byte the YAML reader refuses (invalid
// UTF-8 or a control character), or -1.
func badByte(data []byte) int {
	for i := 0; i < len(data); {
		r, w := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			return i
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0x7f:
			return i
		}
		i += w
	}
	return -1
}

// docParser parses one document. Errors carry the rule's id (or title),
// found before anything else is parsed.
type docParser struct {
	src        *source
	label      string
	errs       ErrorList
	collection bool
}

func (p *docParser) errorf(pos Pos, format string, args ...any) {
	p.errs.Add(Errorf(pos, p.label, format, args...))
}

// parseDocument parses one rule document. A panic anywhere in it becomes an
// internal error (a bug to fix, asserted never to happen by the fuzz tests).
func parseDocument(src *source, root *yaml.Node) (d document) {
	p := &docParser{src: src}
	d.pos = src.at(root)
	defer func() {
		if r := recover(); r != nil {
			d.rule = nil
			d.errs = append(p.errs, Errorf(d.pos, p.label, "internal error: %v", r))
		}
	}()
	r := p.parseRule(root)
	d.collection = p.collection
	p.errs.Sort()
	d.label, d.errs = p.label, p.errs
	if len(p.errs) == 0 {
		d.rule = r
	}
	return d
}

// field is one key of a mapping, with its value.
type field struct {
	key, val *yaml.Node
}

// mapping returns the entries of a mapping node in order. Duplicate keys
// (an error in YAML that yaml.Node does not report) and non-scalar keys are
// errors; ok is false when n is not a mapping.
func (p *docParser) mapping(n *yaml.Node, what string) (fields []field, ok bool) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(p.src.at(n), "%s must be a map, not %s", what, describe(n))
		return nil, false
	}
	seen := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(p.src.at(k), "a key of %s must be a string, not %s", what, describe(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			p.errorf(p.src.at(k), "duplicate key %q in %s (first at line %d)", k.Value, what, first.Line)
			continue
		}
		seen[k.Value] = k
		fields = append(fields, field{k, v})
	}
	return fields, true
}

// deref follows an alias to its anchored node.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 8; i++ {
		n = n.Alias
	}
	return n
}

// describe names a node's shape for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "null"
		}
		return fmt.Sprintf("the value %q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "a document"
}

// topKeys are the keys a rule may have: Sigma's, SigmaHQ's repository
// metadata (ignored) and snapwarden's extensions.
var topKeys = []string{
	"title", "id", "name", "related", "status", "description", "license", "author",
	"references", "date", "modified", "logsource", "detection", "fields",
	"falsepositives", "level", "tags", "scope", "taxonomy",
	"summary", "tests", "chain",
	// SigmaHQ repository conventions: where its regression data lives and
	// how to simulate the activity. Metadata only.
	"regression_tests_path", "simulation",
}

func (p *docParser) parseRule(root *yaml.Node) *Rule {
	r := &Rule{Pos: p.src.at(root), Kind: KindDetection, Level: DefaultLevel}
	p.label = ruleLabel(root)
	fields, ok := p.mapping(root, "a rule")
	if !ok {
		return nil
	}
	byKey := make(map[string]field, len(fields))
	for _, f := range fields {
		byKey[f.key.Value] = f
	}
	if _, ok := byKey["correlation"]; ok {
		return p.correlationRule(r, fields)
	}
	if f, ok := byKey["action"]; ok {
		p.collection = true
		p.errorf(p.src.at(f.key), "Sigma 1 rule collections (action: %s) are not supported: write each rule as one complete document", scalarText(f.val))
		return nil
	}

	for _, f := range fields {
		k, v := f.key.Value, f.val
		if p.metadata(r, f) {
			continue
		}
		switch k {
		case "logsource":
			r.LogSource = p.logSource(v)
		case "detection":
			r.Detection = p.detection(v)
		case "tests":
			if _, chain := byKey["chain"]; chain {
				r.ChainTests = p.chainTests(v)
			} else {
				r.Tests = p.tests(v)
			}
		case "chain":
			r.Kind, r.Chain = KindChain, p.chain(v)
		case "regression_tests_path", "simulation":
		default:
			p.errorf(p.src.at(f.key), "unknown key %q%s", k, suggest(k, topKeys))
		}
	}

	pos := r.Pos
	if _, ok := byKey["title"]; !ok {
		p.errorf(pos, "title is required")
	}
	if _, ok := byKey["id"]; !ok {
		p.errorf(pos, "id is required: give the rule a unique id (a UUID, as Sigma recommends)")
	}
	if r.Kind == KindChain {
		for _, k := range []string{"logsource", "detection"} {
			if f, ok := byKey[k]; ok {
				p.errorf(p.src.at(f.key), "a chain rule has no %s: its steps name normalized actions", k)
			}
		}
		return r
	}
	if _, ok := byKey["logsource"]; !ok {
		p.errorf(pos, "logsource is required")
	}
	if _, ok := byKey["detection"]; !ok {
		p.errorf(pos, "detection is required")
	}
	return r
}

// metadata reads the keys every kind of rule shares (Sigma's metadata and
// snapwarden's summary); it reports whether f was one of them.
func (p *docParser) metadata(r *Rule, f field) bool {
	switch f.key.Value {
	case "title":
		r.Title = p.str(f, true)
	case "id":
		r.ID = p.str(f, true)
	case "name":
		r.Name = p.str(f, false)
	case "description":
		r.Description = p.str(f, false)
	case "license":
		r.License = p.str(f, false)
	case "author":
		r.Author = p.str(f, false)
	case "date":
		r.Date = p.str(f, false)
	case "modified":
		r.Modified = p.str(f, false)
	case "taxonomy":
		r.Taxonomy = p.str(f, false)
	case "status":
		r.Status = p.oneOf(f, Statuses)
	case "level":
		if l := p.oneOf(f, Levels); l != "" {
			r.Level = l
		}
	case "references":
		r.References = p.strList(f, false)
	case "falsepositives":
		r.FalsePositives = p.strList(f, true)
	case "fields":
		r.Fields = p.strList(f, false)
	case "tags":
		r.Tags = p.strList(f, false)
	case "scope":
		r.Scope = p.strList(f, false)
	case "related":
		r.Related = p.related(f.val)
	case "summary":
		r.Summary = p.summary(f.val)
	default:
		return false
	}
	return true
}

// ruleLabel names a rule document in errors: its id, else its title. It is
// found before anything else is parsed, so that every error names its rule.
func ruleLabel(root *yaml.Node) string {
	var id, title string
	if root = deref(root); root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(root.Content); i += 2 {
			switch deref(root.Content[i]).Value {
			case "id":
				id = cmp.Or(id, scalarText(root.Content[i+1]))
			case "title":
				title = cmp.Or(title, scalarText(root.Content[i+1]))
			}
		}
	}
	return cmp.Or(id, title)
}

// scalarText is the text of a non-null scalar, else "".
func scalarText(n *yaml.Node) string {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return ""
	}
	return n.Value
}

// str reads a string value. Any scalar is taken as written (a date stays as
// text); null counts as absent unless the key is required.
func (p *docParser) str(f field, required bool) string {
	v := deref(f.val)
	switch {
	case v.Kind != yaml.ScalarNode:
		p.errorf(p.src.at(v), "%s must be a string, not %s", f.key.Value, describe(v))
	case v.ShortTag() == "!!null" || strings.TrimSpace(v.Value) == "":
		if required {
			p.errorf(p.src.at(v), "%s must not be empty", f.key.Value)
		}
	default:
		return v.Value
	}
	return ""
}

// oneOf reads a string that must be one of allowed.
func (p *docParser) oneOf(f field, allowed []string) string {
	s := p.str(f, false)
	if s != "" && !slices.Contains(allowed, s) {
		p.errorf(p.src.at(f.val), "%s %q is not one of %s", f.key.Value, s, strings.Join(allowed, ", "))
		return ""
	}
	return s
}

// strList reads a list of strings; single allows one string in its stead.
func (p *docParser) strList(f field, single bool) []string {
	v := deref(f.val)
	switch {
	case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null":
		return nil
	case v.Kind == yaml.ScalarNode && single:
		return []string{v.Value}
	case v.Kind != yaml.SequenceNode:
		p.errorf(p.src.at(v), "%s must be a list of strings, not %s", f.key.Value, describe(v))
		return nil
	}
	out := make([]string, 0, len(v.Content))
	for _, it := range v.Content {
		it = deref(it)
		if it.Kind != yaml.ScalarNode || it.ShortTag() == "!!null" {
			p.errorf(p.src.at(it), "%s must be a list of strings, not hold %s", f.key.Value, describe(it))
			continue
		}
		out = append(out, it.Value)
	}
	return out
}

func (p *docParser) related(n *yaml.Node) []Related {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		p.errorf(p.src.at(n), "related must be a list of {id, type}, not %s", describe(n))
		return nil
	}
	var out []Related
	for _, it := range n.Content {
		fields, ok := p.mapping(it, "a related entry")
		if !ok {
			continue
		}
		var rel Related
		var hasID, hasType bool
		for _, f := range fields {
			switch f.key.Value {
			case "id":
				rel.ID, hasID = p.str(f, true), true
			case "type":
				rel.Type, hasType = p.oneOf(f, RelationTypes), true
			default:
				p.errorf(p.src.at(f.key), "unknown key %q in a related entry (want id, type)", f.key.Value)
			}
		}
		if !hasID || !hasType {
			p.errorf(p.src.at(it), "a related entry needs both id and type")
		}
		out = append(out, rel)
	}
	return out
}

func (p *docParser) logSource(n *yaml.Node) LogSource {
	ls := LogSource{Pos: p.src.at(deref(n))}
	fields, ok := p.mapping(n, "logsource")
	if !ok {
		return ls
	}
	for _, f := range fields {
		switch f.key.Value {
		case "product":
			ls.Product = p.str(f, false)
		case "service":
			ls.Service = p.str(f, false)
		case "category":
			ls.Category = p.str(f, false)
		case "definition":
			ls.Definition = p.str(f, false)
		default:
			p.errorf(p.src.at(f.key), "unknown key %q in logsource (want product, service, category, definition)", f.key.Value)
		}
	}
	return ls
}

func (p *docParser) summary(n *yaml.Node) map[string]string {
	fields, ok := p.mapping(n, "summary")
	if !ok {
		return nil
	}
	out := make(map[string]string, len(fields))
	for _, f := range fields {
		if !slices.Contains(Languages, f.key.Value) {
			p.errorf(p.src.at(f.key), "unknown summary language %q (want %s)", f.key.Value, strings.Join(Languages, ", "))
			continue
		}
		if s := p.str(f, true); s != "" {
			out[f.key.Value] = s
		}
	}
	return out
}

func (p *docParser) tests(n *yaml.Node) *Tests {
	t := &Tests{Pos: p.src.at(deref(n))}
	fields, ok := p.mapping(n, "tests")
	if !ok {
		return t
	}
	for _, f := range fields {
		switch f.key.Value {
		case "match":
			t.Match = p.testEvents(f)
		case "nomatch":
			t.NoMatch = p.testEvents(f)
		default:
			p.errorf(p.src.at(f.key), "unknown key %q in tests (want match, nomatch)", f.key.Value)
		}
	}
	return t
}

func (p *docParser) testEvents(f field) []TestEvent {
	v := deref(f.val)
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		p.errorf(p.src.at(v), "tests.%s must be a list of events, not %s", f.key.Value, describe(v))
		return nil
	}
	var out []TestEvent
	for _, it := range v.Content {
		it = deref(it)
		if it.Kind != yaml.MappingNode {
			p.errorf(p.src.at(it), "a test event must be a map (a JSON object), not %s", describe(it))
			continue
		}
		var b bytes.Buffer
		if err := writeJSON(&b, it, 0); err != nil {
			p.errorf(err.pos(p.src), "test event: %s", err.msg)
			continue
		}
		out = append(out, TestEvent{Pos: p.src.at(it), JSON: b.String()})
	}
	return out
}
