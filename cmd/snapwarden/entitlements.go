package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	awsent "github.com/snapwarden/snapwarden/internal/entitlement/aws"
	azureent "github.com/snapwarden/snapwarden/internal/entitlement/azure"
	gcpent "github.com/snapwarden/snapwarden/internal/entitlement/gcp"
	osent "github.com/snapwarden/snapwarden/internal/entitlement/openstack"
	yandexent "github.com/snapwarden/snapwarden/internal/entitlement/yandex"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/textsafe"
	"github.com/spf13/cobra"
)

type entitlementOptions struct {
	sources  entitlementSources
	expected string
	baseline string
	db       string
	config   string
	output   string
	failOn   string
	lang     string
	color    string
}

func newEntitlementsCmd(e env) *cobra.Command {
	var o entitlementOptions
	cmd := &cobra.Command{
		Use:   "entitlements",
		Short: "Who can create, copy, share, export and restore snapshots — from the clouds' IAM exports",
		Long: `entitlements reads IAM exports and tells, for each principal, which snapshot
capabilities it holds — create, copy, share, export, restore, read-data,
schedule, disable-guardrail, admin-equivalent — through which grant
(policy and statement, role and assignment scope, binding), with a verdict:
ALLOW, CONDITIONAL (naming the condition keys), ELIGIBLE (Azure PIM),
DENIED (an explicit deny, an SCP or a boundary caps an allow). Grants that
come through another identity (role assumption, impersonation, PassRole to
a snapshotting service, the power to grant oneself the permission) are
marked indirect, with the path. Administrators are listed, not excluded.

--expected FILE (YAML: principal glob, capability, owner, justification,
expires; admin_equivalent_max) turns unexpected holders, expired
approvals, too many admin-equivalent principals and standing privileged
assignments into findings (kind entitlement). --baseline FILE (a previous
--output json) shows what changed since that review. --db stores the run.

Output: a table (one line per principal, unexpected holders first), json
(an array of grants, the --baseline form) or csv (a review sheet).`,
		Example: `  aws iam get-account-authorization-details > auth.json
  snapwarden entitlements --aws auth.json --aws-scp scp.json --expected expected.yaml
  snapwarden entitlements --azure-roles roles.json --azure-assignments assignments.json --output csv > review.csv
  snapwarden entitlements --gcp-policy organization:123=org.json --gcp-policy project:prod=prod.json --output json > today.json
  snapwarden entitlements --gcp-policy project:prod=prod.json --baseline last-month.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runEntitlements(cmd.Context(), e, o) },
	}
	f := cmd.Flags()
	o.sources.flags(cmd)
	f.StringVar(&o.expected, "expected", "", "expected holders (YAML) whose absence makes findings")
	f.StringVar(&o.baseline, "baseline", "", "a previous --output json: show what changed since")
	f.StringVar(&o.db, "db", "", "store the run in this store (SQLite FILE or postgres:// URL)")
	f.StringVar(&o.config, "config", "", "configuration file (language, store)")
	f.StringVarP(&o.output, "output", "o", "table", "table, json or csv")
	f.StringVar(&o.failOn, "fail-on", "", "exit 1 when a finding at or above this severity exists (needs --expected)")
	f.StringVar(&o.lang, "lang", "", "language of the findings' summaries: en or ru")
	f.StringVar(&o.color, "color", "auto", "colour severities in the findings table: auto, always, never")
	return cmd
}

func runEntitlements(ctx context.Context, e env, o entitlementOptions) error {
	switch o.output {
	case "table", "json", "csv":
	default:
		return usageErr("snapwarden entitlements --output json …", "--output %q: want table, json or csv", o.output)
	}
	var failOn finding.Severity
	if o.failOn != "" {
		var err error
		if failOn, err = finding.ParseSeverity(o.failOn); err != nil {
			return usageErr("snapwarden entitlements --fail-on high …", "--fail-on: %v", err)
		}
	}
	cfg, err := loadConfig(o.config)
	if err != nil {
		return err
	}
	if o.sources.empty() {
		return usageErr("snapwarden entitlements --aws auth.json", "name at least one IAM export (--aws, --azure-roles, --gcp-policy, --openstack-assignments, --yandex-bindings)")
	}
	rep, err := o.sources.evaluate()
	if err != nil {
		return &exitError{code: exitBadInput, err: err, hint: "snapwarden entitlements --help says which export each flag takes"}
	}
	entitlement.Sort(rep.Grants)
	now := time.Now().UTC()

	var findings []finding.Finding
	unexpected := map[string]bool{}
	if o.expected != "" {
		data, err := os.ReadFile(o.expected)
		if err != nil {
			return &exitError{code: exitFailure, err: err}
		}
		exp, err := entitlement.ParseExpected(o.expected, data)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		findings = entitlement.Review(rep, exp, now)
		for _, f := range findings {
			if f.Rule.ID == "entitlement-unexpected-holder" {
				for i := range rep.Grants {
					if finding.ID(f.Rule.ID, rep.Grants[i].ID) == f.ID {
						unexpected[rep.Grants[i].ID] = true
					}
				}
			}
		}
	}
	out := bufio.NewWriter(e.stdout)
	switch o.output {
	case "json":
		err = entitlement.WriteJSON(out, rep.Grants)
	case "csv":
		err = entitlement.WriteCSV(out, rep.Grants)
	default:
		err = entitlement.WriteTable(out, rep.Grants, unexpected)
	}
	if err != nil {
		return err
	}
	if o.baseline != "" {
		data, err := os.ReadFile(o.baseline)
		if err != nil {
			return &exitError{code: exitFailure, err: err}
		}
		base, err := entitlement.ReadJSON(o.baseline, data)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		w := e.stderr
		if o.output == "table" {
			w = out
			fmt.Fprintln(out)
		}
		changes := entitlement.Compare(base, rep.Grants)
		fmt.Fprintf(w, "since %s: %d changes\n", textsafe.Clean(o.baseline), len(changes))
		for _, c := range changes {
			g := cmp.Or(c.New, c.Old)
			mark := map[string]string{"added": "+", "removed": "-", "changed": "~"}[c.Kind]
			line := fmt.Sprintf("  %s %s %s %s %s", mark, g.Cloud, textsafe.Clean(g.Principal), g.Capability, g.Verdict)
			if c.Kind == "changed" {
				line += " (was " + string(c.Old.Verdict) + ")"
			}
			fmt.Fprintln(w, line)
		}
	}
	if len(findings) > 0 && o.output == "table" {
		fmt.Fprintln(out)
		lang := cmp.Or(o.lang, cfg.Lang)
		sink := newSink(out, "table", 5000, lang, colorOn(o.color, e.stdout))
		for _, f := range findings {
			if err := sink.add(f); err != nil {
				return err
			}
		}
		if err := sink.close(); err != nil {
			return err
		}
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if len(findings) > 0 && o.output != "table" {
		fmt.Fprintf(e.stderr, "%d findings against %s (table output lists them)\n", len(findings), textsafe.Clean(o.expected))
	}
	if o.db != "" {
		st, err := store.Open(ctx, o.db)
		if err != nil {
			return &exitError{code: exitFailure, err: err}
		}
		defer st.Close()
		body, err := json.Marshal(rep)
		if err == nil {
			err = st.PutEntitlementRun(ctx, now, body)
		}
		if err == nil {
			err = st.PutFindings(ctx, findings)
		}
		if err != nil {
			return &exitError{code: exitFailure, err: err}
		}
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(e.stderr, "note: %s\n", textsafe.Clean(n))
	}
	fmt.Fprintf(e.stderr, "entitlements: %d principals, %d grants, %d findings\n", rep.Principals, len(rep.Grants), len(findings))
	if o.failOn != "" {
		n := 0
		for _, f := range findings {
			if f.Severity >= failOn {
				n++
			}
		}
		if n > 0 {
			return &exitError{code: exitFindings, err: fmt.Errorf("%d findings at or above %s", n, failOn)}
		}
	}
	return nil
}

// entitlementSources are the IAM exports, per cloud.
type entitlementSources struct {
	aws, azureRoles, azureAssignments, azureEligible, azureDeny string
	awsSCPs, gcpPolicies, gcpDeny, gcpAncestry                  []string
	gcpRoles, osAssignments, osPolicy, osImplied, vkBindings    string
	yandexBindings, yandexResources                             []string
	osLegacy                                                    bool
}

func (s *entitlementSources) flags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&s.aws, "aws", "", "aws iam get-account-authorization-details output")
	f.StringArrayVar(&s.awsSCPs, "aws-scp", nil, "service control policy applying to the account (repeatable)")
	f.StringVar(&s.azureRoles, "azure-roles", "", "az role definition list output")
	f.StringVar(&s.azureAssignments, "azure-assignments", "", "az role assignment list --all output")
	f.StringVar(&s.azureEligible, "azure-eligible", "", "PIM role eligibility export")
	f.StringVar(&s.azureDeny, "azure-deny", "", "deny assignments export")
	f.StringArrayVar(&s.gcpPolicies, "gcp-policy", nil, "[LEVEL:ID=]FILE: get-iam-policy output of an organization, folder, project or\nservice account; without LEVEL:ID the file name says (repeatable)")
	f.StringArrayVar(&s.gcpDeny, "gcp-deny", nil, "[LEVEL:ID=]FILE: deny policies (repeatable)")
	f.StringVar(&s.gcpRoles, "gcp-roles", "", "DIR of custom role exports (gcloud iam roles describe|list --format=json)")
	f.StringArrayVar(&s.gcpAncestry, "gcp-ancestry", nil, "gcloud projects get-ancestors output (repeatable)")
	f.StringVar(&s.osAssignments, "openstack-assignments", "", "openstack role assignment list --effective --names -f json output")
	f.StringVar(&s.osPolicy, "openstack-policy", "", "DIR of the services' policy files (cinder, nova, glance, trove, keystone)")
	f.StringVar(&s.osImplied, "openstack-implied", "", "openstack implied role list -f json output")
	f.BoolVar(&s.osLegacy, "openstack-legacy-defaults", false, "the services run with [oslo_policy] enforce_new_defaults=False")
	f.StringVar(&s.vkBindings, "vkcloud-bindings", "", "VK Cloud project members with their roles")
	f.StringArrayVar(&s.yandexBindings, "yandex-bindings", nil, "[LEVEL:ID=]FILE: yc … list-access-bindings output; members:GROUP=FILE: a group's\nmembers (repeatable)")
	f.StringArrayVar(&s.yandexResources, "yandex-resources", nil, "yc resource-manager cloud|folder list, yc iam service-account list output: places\nresources in the hierarchy, needed for impersonation through folder roles (repeatable)")
}

func (s *entitlementSources) empty() bool {
	return s.aws == "" && s.azureRoles == "" && len(s.gcpPolicies) == 0 && s.osAssignments == "" && s.vkBindings == "" && len(s.yandexBindings) == 0
}

// read reads a named file.
func read(path string) (string, []byte, error) {
	b, err := os.ReadFile(path)
	return path, b, err
}

// dirFiles reads every regular file of dir.
func dirFiles(dir string) ([][2]any, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out [][2]any
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		p := dir + string(os.PathSeparator) + e.Name()
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		out = append(out, [2]any{p, b})
	}
	return out, nil
}

// evaluate runs every cloud's evaluator the flags name and merges the
// reports.
func (s *entitlementSources) evaluate() (*entitlement.Report, error) {
	var all entitlement.Report
	add := func(r *entitlement.Report, err error) error {
		if err != nil {
			return err
		}
		all.Grants = append(all.Grants, r.Grants...)
		all.Principals += r.Principals
		all.Notes = append(all.Notes, r.Notes...)
		return nil
	}
	if s.aws != "" {
		in := awsent.Input{}
		n, b, err := read(s.aws)
		if err != nil {
			return nil, err
		}
		in.Authorization = awsent.File{Name: n, Data: b}
		for _, p := range s.awsSCPs {
			n, b, err := read(p)
			if err != nil {
				return nil, err
			}
			in.SCPs = append(in.SCPs, awsent.File{Name: n, Data: b})
		}
		if err := add(awsent.Evaluate(in)); err != nil {
			return nil, err
		}
	}
	if s.azureRoles != "" {
		var in azureent.Input
		for _, x := range []struct {
			path string
			dst  *azureent.File
		}{{s.azureRoles, &in.Roles}, {s.azureAssignments, &in.Assignments}, {s.azureEligible, &in.Eligible}, {s.azureDeny, &in.Deny}} {
			if x.path == "" {
				continue
			}
			n, b, err := read(x.path)
			if err != nil {
				return nil, err
			}
			*x.dst = azureent.File{Name: n, Data: b}
		}
		if err := add(azureent.Evaluate(in)); err != nil {
			return nil, err
		}
	}
	if len(s.gcpPolicies) > 0 {
		var in gcpent.Input
		policies := func(args []string) ([]gcpent.PolicyFile, error) {
			var out []gcpent.PolicyFile
			for _, a := range args {
				res, path, err := gcpent.ParsePolicyArg(a)
				if err != nil {
					return nil, err
				}
				n, b, err := read(path)
				if err != nil {
					return nil, err
				}
				out = append(out, gcpent.PolicyFile{File: gcpent.File{Name: n, Data: b}, Resource: res})
			}
			return out, nil
		}
		var err error
		if in.Policies, err = policies(s.gcpPolicies); err != nil {
			return nil, err
		}
		if in.Deny, err = policies(s.gcpDeny); err != nil {
			return nil, err
		}
		if s.gcpRoles != "" {
			fs, err := dirFiles(s.gcpRoles)
			if err != nil {
				return nil, err
			}
			for _, f := range fs {
				in.Roles = append(in.Roles, gcpent.File{Name: f[0].(string), Data: f[1].([]byte)})
			}
		}
		for _, p := range s.gcpAncestry {
			n, b, err := read(p)
			if err != nil {
				return nil, err
			}
			in.Ancestry = append(in.Ancestry, gcpent.File{Name: n, Data: b})
		}
		if err := add(gcpent.Evaluate(in)); err != nil {
			return nil, err
		}
	}
	if s.osAssignments != "" {
		var in osent.Input
		n, b, err := read(s.osAssignments)
		if err != nil {
			return nil, err
		}
		in.Assignments = osent.File{Name: n, Data: b}
		if s.osPolicy != "" {
			if in.Policies, err = osent.PolicyFiles(s.osPolicy); err != nil {
				return nil, err
			}
		}
		in.LegacyDefaults = s.osLegacy
		if s.osImplied != "" {
			n, b, err := read(s.osImplied)
			if err != nil {
				return nil, err
			}
			in.Implied = osent.File{Name: n, Data: b}
		}
		if err := add(osent.Evaluate(in)); err != nil {
			return nil, err
		}
	}
	if s.vkBindings != "" {
		n, b, err := read(s.vkBindings)
		if err != nil {
			return nil, err
		}
		if err := add(osent.EvaluateVK(osent.File{Name: n, Data: b})); err != nil {
			return nil, err
		}
	}
	if len(s.yandexBindings) > 0 {
		// Bindings (LEVEL:ID=FILE or a named file), group members
		// (members:GROUP=FILE) and listings, told apart by Load.
		in, err := yandexent.Load(append(slices.Clone(s.yandexBindings), s.yandexResources...), os.ReadFile)
		if err != nil {
			return nil, err
		}
		if err := add(yandexent.Evaluate(in)); err != nil {
			return nil, err
		}
	}
	return &all, nil
}
