package main

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/inventory"
	awsinv "github.com/snapwarden/snapwarden/internal/inventory/aws"
	azureinv "github.com/snapwarden/snapwarden/internal/inventory/azure"
	gcpinv "github.com/snapwarden/snapwarden/internal/inventory/gcp"
	"github.com/snapwarden/snapwarden/internal/inventory/importer"
	osinv "github.com/snapwarden/snapwarden/internal/inventory/openstack"
	yandexinv "github.com/snapwarden/snapwarden/internal/inventory/yandex"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/textsafe"
	"github.com/spf13/cobra"
)

// inventoryOptions are the flags every inventory command takes.
type inventoryOptions struct {
	db, config, output, failOn, minSeverity, lang, color string
	maxRows                                              int
}

func (o *inventoryOptions) flags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.db, "db", "", "store: a SQLite FILE or a postgres:// URL (default: the config's store, else snapwarden.db here)")
	f.StringVar(&o.config, "config", "", "configuration file (critical resources, trusted accounts and principals)")
	f.StringVarP(&o.output, "output", "o", "table", "findings as table, jsonl or ocsf")
	f.StringVar(&o.failOn, "fail-on", "", "exit 1 when a finding at or above this severity exists")
	f.StringVar(&o.minSeverity, "min-severity", "info", "drop findings below: info, low, medium, high, critical")
	f.StringVar(&o.lang, "lang", "", "language of the table's summaries: en or ru")
	f.StringVar(&o.color, "color", "auto", "colour severities in the table: auto, always, never")
	f.IntVar(&o.maxRows, "max-rows", 5000, "most rows kept for a table")
}

func newInventoryCmd(e env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "inventory",
		Short: "Baseline the snapshots, images and backups that exist, and report what changed",
		Long: `inventory keeps a baseline of the copies that exist — snapshots, images,
backups, DB snapshots, restored volumes, and the guardrails against public
copies — per cloud, account, region and kind, with history, in the store
(--db; default the config's store, else snapwarden.db here).

  collect          read them through the clouds' SDKs, with each SDK's
                   standard credentials (AWS profiles and roles, Azure
                   DefaultAzureCredential, GCP application default
                   credentials, OpenStack/VK OS_* variables, Yandex
                   YC_TOKEN or the metadata service)
  import FILE...   read exports you already have (aws ec2 describe-snapshots,
                   aws rds describe-db-snapshots, az snapshot list, gcloud
                   compute snapshots list --format=json, openstack volume
                   snapshot list -f json --long, yc compute snapshot list
                   --format json); the format is detected
  diff             report the changes since --since as findings

An import replaces the picture of its own scope (cloud, account, region,
kind) only: a copy absent from it is removed there and nowhere else. After
each import the changes it made are reported as findings (kind baseline):
a new copy of a critical resource, a copy shared outside trusted_accounts
or public, exposure widened, unencrypted copies, copies whose creator is
unknown or untrusted (the creator comes from the event history hunt --db
recorded when the cloud's API does not say), copies created and deleted
within inventory.short_lived, copies older than inventory.max_age (info),
and a guardrail turned off.`,
	}
	cmd.AddCommand(newInventoryCollectCmd(e), newInventoryImportCmd(e), newInventoryDiffCmd(e))
	return cmd
}

// collectors returns the collector of a cloud.
func collector(c event.Cloud) (inventory.Collector, error) {
	switch c {
	case event.AWS:
		return &awsinv.Collector{}, nil
	case event.Azure:
		return &azureinv.Collector{}, nil
	case event.GCP:
		return &gcpinv.Collector{}, nil
	case event.OpenStack, event.VKCloud:
		return osinv.New(c)
	case event.Yandex:
		return &yandexinv.Collector{}, nil
	}
	return nil, fmt.Errorf("no collector for %s", c)
}

func newInventoryCollectCmd(e env) *cobra.Command {
	var (
		o                         inventoryOptions
		clouds, accounts, regions []string
		endpoint                  string
	)
	cmd := &cobra.Command{
		Use:   "collect --cloud CLOUD[,CLOUD…]",
		Short: "Read snapshots, images and backups through the clouds' APIs into the baseline",
		Example: `  snapwarden inventory collect --cloud aws --region eu-west-1,us-east-1
  snapwarden inventory collect --cloud azure --account 3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f
  snapwarden inventory collect --cloud gcp --account northwind-prod --fail-on high
  snapwarden inventory collect --cloud vkcloud --endpoint https://infra.mail.ru:35357/v3/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(clouds) == 0 {
				return usageErr("snapwarden inventory collect --cloud aws", "collect needs --cloud (aws, azure, gcp, vkcloud, openstack, yandex)")
			}
			when := time.Now().UTC()
			var res inventory.Result
			failed := 0
			for _, name := range clouds {
				c, err := event.ParseCloud(name)
				if err != nil {
					return usageErr("snapwarden inventory collect --cloud aws", "--cloud: %v", err)
				}
				col, err := collector(c)
				if err != nil {
					return usageErr("snapwarden inventory collect --cloud aws", "%v", err)
				}
				r, err := col.Collect(cmd.Context(), inventory.CollectOptions{Endpoint: endpoint, Accounts: accounts, Regions: regions})
				if err != nil && r == nil {
					fmt.Fprintf(e.stderr, "%s: %s\n", c, textsafe.Clean(err.Error()))
					failed++
					continue
				}
				for _, f := range r.Failures {
					fmt.Fprintf(e.stderr, "warning: %s %s %s %s: %s\n", c, textsafe.Clean(f.Scope.Account), textsafe.Clean(f.Scope.Region), f.Scope.Kind, textsafe.Clean(f.Err.Error()))
				}
				fmt.Fprintf(e.stderr, "%s: %d records, %d scopes complete, %d failed\n", c, len(r.Records), len(r.Complete), len(r.Failures))
				res.Records = append(res.Records, r.Records...)
				res.Complete = append(res.Complete, r.Complete...)
				res.Failures = append(res.Failures, r.Failures...)
			}
			if failed == len(clouds) {
				return &exitError{code: exitFailure, err: fmt.Errorf("no cloud could be read"), hint: "check the credentials and --endpoint"}
			}
			return observe(cmd.Context(), e, o, when, &res)
		},
	}
	o.flags(cmd)
	f := cmd.Flags()
	f.StringSliceVar(&clouds, "cloud", nil, "clouds to read: aws, azure, gcp, vkcloud, openstack, yandex")
	f.StringSliceVar(&accounts, "account", nil, "accounts to read: Azure subscriptions, GCP projects, OpenStack/VK projects, Yandex folders (default: what the credentials reach)")
	f.StringSliceVar(&regions, "region", nil, "regions to read (default: the SDK's configured region, or all)")
	f.StringVar(&endpoint, "endpoint", "", "API endpoint override (private clouds, tests; the identity endpoint for OpenStack/VK)")
	return cmd
}

func newInventoryImportCmd(e env) *cobra.Command {
	var (
		o                                   inventoryOptions
		account, region, at, format, cloudF string
	)
	var formats []string
	for _, f := range importer.Formats() {
		formats = append(formats, fmt.Sprintf("  %-34s %s", f.Name, f.Command))
	}
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Read inventory exports into the baseline and report what changed",
		Long: `import reads the exports the clouds' CLIs print, detecting each file's
format, merges attribute files (sharing) into their lists, replaces the
picture of the scopes the files cover (cloud, account, region, kind) and
reports the changes as findings. The files of one call form one
observation: give every attribute file with its list.

Formats:
` + strings.Join(formats, "\n"),
		Example: `  aws ec2 describe-snapshots --owner-ids self > snaps.json
  snapwarden inventory import --region eu-west-1 snaps.json attrs/*.json
  snapwarden inventory import --account my-project --at 2026-11-20T06:00:00Z gcloud-snapshots.json
  snapwarden inventory import --cloud vkcloud --account 5e1f0a9c… --region RegionOne vk-snapshots.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			when := time.Now().UTC()
			if at != "" {
				t, err := time.Parse(time.RFC3339, at)
				if err != nil {
					return usageErr("snapwarden inventory import --at 2026-11-20T06:00:00Z FILE", "--at %q: want an RFC 3339 time", at)
				}
				when = t.UTC()
			}
			opts := importer.Options{Account: account, Region: region, At: when, Format: format}
			if cloudF != "" {
				c, err := event.ParseCloud(cloudF)
				if err != nil {
					return usageErr("snapwarden inventory import --cloud vkcloud FILE", "--cloud: %v", err)
				}
				opts.Cloud = c
			}
			var files []importer.File
			for _, path := range args {
				data, err := os.ReadFile(path)
				if err != nil {
					return &exitError{code: exitFailure, err: err}
				}
				files = append(files, importer.File{Name: path, Data: data})
			}
			res, err := importer.ImportFiles(files, opts)
			if err != nil {
				return &exitError{code: exitBadInput, err: err, hint: "snapwarden inventory import --help lists the formats and flags"}
			}
			for _, f := range res.Failures {
				fmt.Fprintf(e.stderr, "warning: %s %s %s %s: %s\n", f.Scope.Cloud, textsafe.Clean(f.Scope.Account), textsafe.Clean(f.Scope.Region), f.Scope.Kind, textsafe.Clean(f.Err.Error()))
			}
			fmt.Fprintf(e.stderr, "read %d records from %d files\n", len(res.Records), len(files))
			return observe(cmd.Context(), e, o, when, res)
		},
	}
	o.flags(cmd)
	f := cmd.Flags()
	f.StringVar(&account, "account", "", "account (AWS account, subscription, project, folder) for exports that name none")
	f.StringVar(&region, "region", "", "region for exports that name none")
	f.StringVar(&at, "at", "", "observation time, RFC 3339 (default now)")
	f.StringVar(&format, "format", "", "the format of files detection cannot tell (an empty [] list)")
	f.StringVar(&cloudF, "cloud", "", "vkcloud: read OpenStack CLI exports as VK Cloud's")
	return cmd
}

func newInventoryDiffCmd(e env) *cobra.Command {
	var (
		o     inventoryOptions
		since string
	)
	cmd := &cobra.Command{
		Use:   "diff",
		Short: "Report the baseline's changes as findings",
		Example: `  snapwarden inventory diff --since 24h
  snapwarden inventory diff --since 2026-11-20T00:00:00Z --output jsonl --fail-on high`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			from := time.Time{}
			if since != "" {
				if d, err := config.ParseDuration(since); err == nil {
					from = time.Now().Add(-d)
				} else if t, err := time.Parse(time.RFC3339, since); err == nil {
					from = t
				} else {
					return usageErr("snapwarden inventory diff --since 24h", "--since %q: want a duration (24h, 7d) or an RFC 3339 time", since)
				}
			}
			return reportChanges(cmd.Context(), e, o, func(ctx context.Context, st *store.Store) ([]inventory.Change, error) {
				return inventory.Changes(ctx, st, from)
			})
		},
	}
	o.flags(cmd)
	cmd.Flags().StringVar(&since, "since", "", "changes since this duration ago or time (default: all)")
	return cmd
}

// observe stores an observation and reports the changes it made.
func observe(ctx context.Context, e env, o inventoryOptions, at time.Time, res *inventory.Result) error {
	return reportChanges(ctx, e, o, func(ctx context.Context, st *store.Store) ([]inventory.Change, error) {
		return inventory.Apply(ctx, st, at, res)
	})
}

// reportChanges opens the store, gets the changes, diffs them and prints the
// findings like hunt does.
func reportChanges(ctx context.Context, e env, o inventoryOptions, changes func(context.Context, *store.Store) ([]inventory.Change, error)) error {
	minSev, err := finding.ParseSeverity(o.minSeverity)
	if err != nil {
		return usageErr("snapwarden inventory diff --min-severity medium", "--min-severity: %v", err)
	}
	var failOn finding.Severity
	if o.failOn != "" {
		if failOn, err = finding.ParseSeverity(o.failOn); err != nil {
			return usageErr("snapwarden inventory diff --fail-on high", "--fail-on: %v", err)
		}
	}
	switch o.output {
	case "table", "jsonl", "ocsf":
	default:
		return usageErr("snapwarden inventory diff --output jsonl", "--output %q: want table, jsonl or ocsf", o.output)
	}
	cfg, err := loadConfig(o.config)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cmp.Or(o.db, cfg.Store, "snapwarden.db"))
	if err != nil {
		return &exitError{code: exitFailure, err: err, hint: dbHint}
	}
	defer st.Close()
	chs, err := changes(ctx, st)
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	current, err := inventory.Current(ctx, st)
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	var ids []string
	for _, ch := range chs {
		ids = append(ids, ch.ID)
	}
	creators, err := st.Creators(ctx, ids)
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	m := cfg.Matchers()
	fs := inventory.Diff(chs, current, inventory.DiffOptions{
		Critical: m.Critical, TrustedAccount: m.TrustedAccount, TrustedPrincipal: m.TrustedPrincipal,
		Creators: creators, ShortLived: cfg.Inventory.ShortLived, MaxAge: cfg.Inventory.MaxAge,
	})
	added, removed, changed := 0, 0, 0
	for _, ch := range chs {
		switch ch.Kind {
		case "added":
			added++
		case "removed":
			removed++
		default:
			changed++
		}
	}
	lang := cmp.Or(o.lang, cfg.Lang)
	out := bufio.NewWriter(e.stdout)
	sink := newSink(out, o.output, o.maxRows, lang, colorOn(o.color, e.stdout))
	var kept []finding.Finding
	allowed := 0 // findings the config's allow-list suppressed
	for _, f := range fs {
		if f.Severity < minSev {
			continue
		}
		if _, _, ok := m.Allowance(f.Rule.ID, firstActor(f), time.Now()); ok {
			allowed++
			continue
		}
		kept = append(kept, f)
		if err := sink.add(f); err != nil {
			return err
		}
	}
	if err := sink.close(); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if err := st.PutFindings(ctx, kept); err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	const maxListed = 50
	for i, ch := range chs {
		if i == maxListed {
			fmt.Fprintf(e.stderr, "  … and %d more changes\n", len(chs)-maxListed)
			break
		}
		mark := map[string]string{"added": "+", "removed": "-"}[ch.Kind]
		if mark == "" {
			mark = "~"
		}
		fmt.Fprintf(e.stderr, "  %s %s %s %s %s %s\n", mark, ch.Scope.Kind, textsafe.Clean(ch.ID), ch.Scope.Cloud, textsafe.Clean(ch.Scope.Account), textsafe.Clean(ch.Scope.Region))
	}
	fmt.Fprintf(e.stderr, "inventory: %d copies now; changes: %d added, %d removed, %d changed; %d findings",
		len(current), added, removed, changed, len(kept))
	if allowed > 0 {
		fmt.Fprintf(e.stderr, ", %d allowed by the config", allowed)
	}
	fmt.Fprintln(e.stderr)
	if o.failOn != "" && sink.atLeast(failOn) > 0 {
		return &exitError{code: exitFindings, err: fmt.Errorf("%d findings at or above %s", sink.atLeast(failOn), failOn)}
	}
	return nil
}

func firstActor(f finding.Finding) event.Actor {
	if len(f.Actors) > 0 {
		return event.Actor{ID: f.Actors[0]}
	}
	return event.Actor{}
}
