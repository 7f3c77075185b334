package rule

import (
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Chain is a chain rule (snapwarden extension): a copy of a resource, then
// steps joined to it through the resources' lineage, each an event with one
// of the step's normalized actions. It is data, evaluated by the chain
// engine (internal/chain); docs/chain-rules.md describes the format.
//
//	chain:
//	  window: 24h            # optional; default: windows.chain of the config
//	  copy:
//	    action: [snapshot.create, snapshot.copy, …]
//	  steps:
//	    - name: restore
//	      action: [volume.restore, …]
//	      uses: copy         # reads the copy (or a copy of it)
//	      actor: other       # by another actor than the copy's, or a new one
//	    - name: expose
//	      action: [network.ingress.open]
//	      reaches: [restore] # opens access to an instance a restore step made or reached
//	      world: true
//	  levels:
//	    - {steps: [restore], level: medium}
//	    - {steps: [restore, expose], actor: new, level: critical}
type Chain struct {
	Pos    Pos
	Window time.Duration // 0: the configuration's chain window
	Copy   ChainStep
	Steps  []ChainStep
	Levels []ChainLevel
	Tests  []ChainTest
}

// ChainStep is one step of a chain: the event's action, and how it joins the
// chain.
type ChainStep struct {
	Pos     Pos
	Name    string
	Actions []string
	// Uses names the step whose resources this step's event reads or
	// changes (as source or target): the copy, a restored volume…
	Uses string
	// Reaches names the steps whose instances the event's network change
	// (security group, firewall, network tag, NIC) must reach.
	Reaches []string
	// Actor is ActorAny, ActorOther (a different actor from the copy's, or
	// a new one) or ActorNew.
	Actor string
	// Outside requires a share outside the trusted accounts (or public), or
	// an export.
	Outside bool
	// World requires an inbound rule open to any address.
	World bool
}

// Step actor conditions.
const (
	ActorAny   = "any"
	ActorOther = "other"
	ActorNew   = "new"
)

// CopyStep is the name of a chain's first step.
const CopyStep = "copy"

// ChainLevel raises a chain's level when all of Steps have happened, and,
// when set, the chain involves a new actor or a critical resource.
type ChainLevel struct {
	Pos      Pos
	Steps    []string
	NewActor bool
	Critical bool
	Level    string
}

// ChainTest is a sequence of normalized events (hunt --events form) and the
// level the chain must end with ("" when no finding must come of it).
type ChainTest struct {
	Pos    Pos
	Name   string
	Level  string
	Events []TestEvent
}

// Step returns the step with the given name (the copy included), or nil.
func (c *Chain) Step(name string) *ChainStep {
	if name == CopyStep {
		return &c.Copy
	}
	for i := range c.Steps {
		if c.Steps[i].Name == name {
			return &c.Steps[i]
		}
	}
	return nil
}

// chain parses a rule's chain block.
func (p *docParser) chain(n *yaml.Node) *Chain {
	c := &Chain{Pos: p.src.at(deref(n))}
	fields, ok := p.mapping(n, "chain")
	if !ok {
		return c
	}
	seen := map[string]bool{}
	for _, f := range fields {
		seen[f.key.Value] = true
		switch f.key.Value {
		case "window":
			c.Window = p.duration(f)
		case "copy":
			c.Copy = p.chainStep(f.val, CopyStep)
		case "steps":
			v := deref(f.val)
			if v.Kind != yaml.SequenceNode {
				p.errorf(p.src.at(v), "chain.steps must be a list of steps, not %s", describe(v))
				continue
			}
			for _, it := range v.Content {
				c.Steps = append(c.Steps, p.chainStep(it, ""))
			}
		case "levels":
			c.Levels = p.chainLevels(f.val)
		default:
			p.errorf(p.src.at(f.key), "unknown key %q in chain%s", f.key.Value, suggest(f.key.Value, []string{"window", "copy", "steps", "levels"}))
		}
	}
	for _, k := range []string{"copy", "steps", "levels"} {
		if !seen[k] {
			p.errorf(c.Pos, "chain.%s is required", k)
		}
	}
	p.checkChainRefs(c)
	return c
}

var stepKeys = []string{"name", "action", "uses", "reaches", "actor", "outside", "world"}

// chainStep parses one step; the copy step is named by its key.
func (p *docParser) chainStep(n *yaml.Node, name string) ChainStep {
	s := ChainStep{Pos: p.src.at(deref(n)), Name: name, Actor: ActorAny}
	fields, ok := p.mapping(n, "a chain step")
	if !ok {
		return s
	}
	for _, f := range fields {
		switch f.key.Value {
		case "name":
			if name == CopyStep {
				p.errorf(p.src.at(f.key), "the copy step is named by its key; name is not allowed here")
				continue
			}
			s.Name = p.str(f, true)
		case "action":
			s.Actions = p.strList(f, true)
		case "uses":
			s.Uses = p.str(f, true)
		case "reaches":
			s.Reaches = p.strList(f, true)
		case "actor":
			if a := p.oneOf(f, []string{ActorAny, ActorOther, ActorNew}); a != "" {
				s.Actor = a
			}
		case "outside":
			s.Outside = p.boolean(f)
		case "world":
			s.World = p.boolean(f)
		default:
			p.errorf(p.src.at(f.key), "unknown key %q in a chain step%s", f.key.Value, suggest(f.key.Value, stepKeys))
		}
	}
	if s.Name == "" {
		p.errorf(s.Pos, "a chain step needs a name")
	}
	if len(s.Actions) == 0 {
		p.errorf(s.Pos, "chain step %q needs at least one action", s.Name)
	}
	return s
}

func (p *docParser) chainLevels(n *yaml.Node) []ChainLevel {
	v := deref(n)
	if v.Kind != yaml.SequenceNode {
		p.errorf(p.src.at(v), "chain.levels must be a list of {steps, level}, not %s", describe(v))
		return nil
	}
	var out []ChainLevel
	for _, it := range v.Content {
		l := ChainLevel{Pos: p.src.at(deref(it))}
		fields, ok := p.mapping(it, "a chain level")
		if !ok {
			continue
		}
		for _, f := range fields {
			switch f.key.Value {
			case "steps":
				l.Steps = p.strList(f, true)
			case "level":
				l.Level = p.oneOf(f, Levels)
			case "actor":
				l.NewActor = p.oneOf(f, []string{ActorNew}) == ActorNew
			case "critical":
				l.Critical = p.boolean(f)
			default:
				p.errorf(p.src.at(f.key), "unknown key %q in a chain level (want steps, level, actor, critical)", f.key.Value)
			}
		}
		if len(l.Steps) == 0 || l.Level == "" {
			p.errorf(l.Pos, "a chain level needs steps and a level")
		}
		out = append(out, l)
	}
	return out
}

// checkChainRefs checks the cross-references of a chain: step names unique,
// uses and reaches naming earlier steps, levels naming known steps.
func (p *docParser) checkChainRefs(c *Chain) {
	names := []string{CopyStep}
	for _, s := range c.Steps {
		if s.Name == "" {
			continue
		}
		if slices.Contains(names, s.Name) {
			p.errorf(s.Pos, "chain step %q is defined twice", s.Name)
		}
		switch {
		case s.Uses == "" && len(s.Reaches) == 0:
			p.errorf(s.Pos, "chain step %q must say how it joins the chain: uses or reaches", s.Name)
		case s.Uses != "" && len(s.Reaches) > 0:
			p.errorf(s.Pos, "chain step %q has both uses and reaches: choose one", s.Name)
		case s.Uses != "" && !slices.Contains(names, s.Uses):
			p.errorf(s.Pos, "chain step %q uses %q, which is not an earlier step (have %s)", s.Name, s.Uses, strings.Join(names, ", "))
		}
		for _, r := range s.Reaches {
			if !slices.Contains(names, r) {
				p.errorf(s.Pos, "chain step %q reaches %q, which is not an earlier step (have %s)", s.Name, r, strings.Join(names, ", "))
			}
		}
		names = append(names, s.Name)
	}
	if c.Copy.Name == CopyStep && (c.Copy.Uses != "" || len(c.Copy.Reaches) > 0 || c.Copy.Actor != ActorAny) {
		p.errorf(c.Copy.Pos, "the copy step starts the chain: it takes no uses, reaches or actor")
	}
	for _, l := range c.Levels {
		for _, s := range l.Steps {
			if !slices.Contains(names, s) {
				p.errorf(l.Pos, "chain level names step %q, which is not defined (have %s)", s, strings.Join(names, ", "))
			}
		}
	}
}

// chainTests parses a chain rule's tests: a list of {name, level, events}.
func (p *docParser) chainTests(n *yaml.Node) []ChainTest {
	v := deref(n)
	if v.Kind != yaml.SequenceNode {
		p.errorf(p.src.at(v), "a chain rule's tests must be a list of {name, level, events}, not %s", describe(v))
		return nil
	}
	var out []ChainTest
	for _, it := range v.Content {
		t := ChainTest{Pos: p.src.at(deref(it))}
		fields, ok := p.mapping(it, "a chain test")
		if !ok {
			continue
		}
		for _, f := range fields {
			switch f.key.Value {
			case "name":
				t.Name = p.str(f, true)
			case "level":
				if l := p.str(f, false); l != "none" {
					t.Level = p.oneOf(f, Levels)
				}
			case "events":
				t.Events = p.testEvents(f)
			default:
				p.errorf(p.src.at(f.key), "unknown key %q in a chain test (want name, level, events)", f.key.Value)
			}
		}
		if t.Name == "" || len(t.Events) == 0 {
			p.errorf(t.Pos, "a chain test needs a name and events")
		}
		out = append(out, t)
	}
	return out
}

// duration reads a Go duration ("24h", "90m") or a number of days ("7d").
func (p *docParser) duration(f field) time.Duration {
	s := strings.TrimSpace(p.str(f, true))
	if s == "" {
		return 0
	}
	d, err := ParseDuration(s)
	if err != nil {
		p.errorf(p.src.at(f.val), "%s: %v", f.key.Value, err)
	}
	return d
}

// boolean reads true or false.
func (p *docParser) boolean(f field) bool {
	v := deref(f.val)
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!bool" {
		return strings.EqualFold(v.Value, "true")
	}
	p.errorf(p.src.at(v), "%s must be true or false, not %s", f.key.Value, describe(v))
	return false
}
