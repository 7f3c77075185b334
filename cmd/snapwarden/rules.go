package main

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/rule"
	"github.com/spf13/cobra"
)

func newRulesCmd(e env) *cobra.Command {
	var configPath string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Check Sigma rules, and run the tests rules carry",
		Long: `snapwarden reads Sigma rules (specification v2.1) for AWS CloudTrail
(product aws, service cloudtrail), Azure Activity Log (azure/activitylogs),
GCP Cloud Audit Logs (gcp/gcp.audit), VK Cloud (vkcloud), OpenStack
(openstack) and Yandex Cloud (yandex), and rules over the normalized event
(product snapwarden) that run on every cloud. Rules for log sources
snapwarden does not read load as inactive.

A rule may say what happened in a line per language (a snapwarden
extension, shown in the findings table and by --lang):

  summary:
    en: "{actor.name} shared {target} with {shares}"
    ru: "{actor.name} открыл доступ к {target} для {shares}"

Placeholders: {actor} (id), {actor.name}, {account}, {cloud}, {operation},
{action}, {time}, {resources}, {source}, {created} and {target} (ids of the
resources in that role), {shares}, {ingress}; {a|b} is the first of a and
b that has a value. rules lint reports an unknown one.`,
	}
	cmd.PersistentFlags().StringVar(&configPath, "config", "", "configuration file (placeholders, field mappings, trusted and critical lists)")
	lint := &cobra.Command{
		Use:   "lint PATH...",
		Short: "Load rule files and report every problem with file, line and column",
		Long: `lint loads every rule file under the paths, compiles the active rules and
prints one line per problem, then "loaded N, rejected M (inactive K)".
It exits with 1 when a rule is rejected.`,
		Example: "  snapwarden rules lint ../sigma/rules/cloud\n  snapwarden rules lint my-rules/",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			cfg, err := loadConfig(configPath)
			if err != nil {
				return err
			}
			rep := hunt.Lint(hunt.Options{Config: cfg}, args...)
			errs := rep.Errors()
			errs.Sort()
			fmt.Fprint(e.stdout, cleanLines(errs.Lines()))
			fmt.Fprintln(e.stdout, rep.Summary())
			if len(rep.Rejected) > 0 {
				return &exitError{code: exitFindings, err: fmt.Errorf("%d rules rejected", len(rep.Rejected))}
			}
			return nil
		},
	}
	test := &cobra.Command{
		Use:   "test [PATH...]",
		Short: "Run the tests of the built-in rules, and of the rules under PATH that carry tests",
		Long: `A rule may carry its own test events (a snapwarden extension ignored by other
Sigma tools):

  tests:
    match:   [ {…event…} ]   # events the rule must match
    nomatch: [ {…event…} ]   # near misses it must not match

Events are raw records of the rule's log source, or normalized events (the
hunt --events form) for product snapwarden. Without PATH, the built-in rules
are tested with the configuration their tests assume.`,
		Example: "  snapwarden rules test\n  snapwarden rules test --config snapwarden.yaml my-rules/",
		RunE: func(_ *cobra.Command, args []string) error {
			return runRuleTests(e, configPath, args)
		},
	}
	fields := &cobra.Command{
		Use:   "fields",
		Short: "List the normalized event fields rules with product snapwarden can match",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "FIELD\tTYPE\tDESCRIPTION")
			for _, f := range detect.Fields() {
				typ := f.Type
				if f.List {
					typ += " (any element)"
				}
				if f.Derived {
					typ += ", from config"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", f.Name, typ, f.Description)
			}
			fmt.Fprintln(tw, "\nActions: "+actionList())
			return tw.Flush()
		},
	}
	cmd.AddCommand(lint, test, fields)
	return cmd
}

func runRuleTests(e env, configPath string, paths []string) error {
	cfg, err := loadConfig(configPath)
	if err != nil {
		return err
	}
	if len(paths) == 0 && configPath == "" {
		if cfg, err = hunt.BuiltinTestConfig(); err != nil {
			return err
		}
	}
	// Without paths the built-in pack; with paths, the rules there that
	// carry tests.
	rs, _, errs := hunt.LoadRules(hunt.Options{Config: cfg, RulePaths: paths, NoBuiltin: len(paths) > 0})
	if len(paths) > 0 {
		rs = slices.DeleteFunc(rs, func(r *rule.Rule) bool { return r.Tests == nil })
	}
	results, cerrs := hunt.RunTests(rs, hunt.Options{Config: cfg})
	errs = append(errs, cerrs...)
	if len(errs) > 0 {
		return &exitError{code: exitUsage, err: fmt.Errorf("rules:\n%s", strings.TrimSpace(errs.Lines())), hint: "snapwarden rules lint PATH"}
	}
	passed, failed := 0, 0
	for _, res := range results {
		passed += res.Passed
		if len(res.Failures) > 0 {
			failed++
			fmt.Fprintf(e.stdout, "FAIL %s (%s)\n", res.Rule.ID, res.Rule.Title)
			fmt.Fprint(e.stdout, cleanLines(strings.Join(res.Failures, "\n")+"\n"))
		} else {
			fmt.Fprintf(e.stdout, "ok   %s (%s): %d events\n", res.Rule.ID, res.Rule.Title, res.Passed)
		}
	}
	fmt.Fprintf(e.stdout, "%d rules: %d passed, %d failed (%d test events passed)\n", len(results), len(results)-failed, failed, passed)
	if failed > 0 {
		return &exitError{code: exitFindings, err: fmt.Errorf("%d rules failed their tests", failed)}
	}
	return nil
}

func actionList() string {
	var out []string
	for _, a := range event.Actions {
		out = append(out, string(a))
	}
	return strings.Join(out, ", ")
}
