package config_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// asJSON renders a config for comparison (it leaves out where each key was
// read from).
func asJSON(t *testing.T, c *config.Config) string {
	t.Helper()
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDefault(t *testing.T) {
	c := config.Default()
	if err := c.Validate(); err != nil {
		t.Errorf("Default() does not validate: %v", err)
	}
	if c.Lang != "en" || c.Windows.Chain != 24*time.Hour || c.Windows.NewPrincipal != 168*time.Hour || c.Windows.Lateness != 15*time.Minute {
		t.Errorf("defaults: %+v", c)
	}
	c.AdminPorts[0] = 1 // a fresh value every call
	if config.Default().AdminPorts[0] != 22 {
		t.Error("Default shares its admin port list")
	}
}

// TestExample parses the example back and compares it with Default plus
// the example's values, so neither can drift from the other.
func TestExample(t *testing.T) {
	got, err := config.Parse(strings.NewReader(config.Example()), "example.yaml")
	if err != nil {
		t.Fatalf("the example does not parse: %v", err)
	}
	if err := got.Validate(); err != nil {
		t.Fatalf("the example does not validate: %v", err)
	}
	want := config.Default()
	want.Critical = []config.CriticalEntry{
		{Cloud: event.AWS, IDs: []string{"vol-0abc1234567890def", "i-0def1234567890abc"}, Names: []string{"prod-db-*"}, Tags: map[string]string{"criticality": "high"}},
		{Cloud: event.VKCloud, IDs: []string{"6f1e0c2a-1b2c-4d3e-8f90-a1b2c3d4e5f6"}},
		{Cloud: event.Azure, IDs: []string{"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/prod/providers/Microsoft.Compute/disks/db-disk"}},
	}
	want.TrustedAccounts = []string{"111122223333", "my-gcp-project"}
	want.TrustedPrincipals = []string{"arn:aws:iam::111122223333:role/backup-automation", "backup@example.ru"}
	want.Store = "snapwarden.db"
	want.Allow = []config.AllowEntry{
		{Rule: "*", Actor: "arn:aws:sts::*:assumed-role/AWSServiceRoleForAmazonGuardDutyMalwareProtection/*", Reason: "GuardDuty malware scan", Expires: time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC)},
		{Rule: "*-snapshot-create*", Actor: "arn:aws:iam::111122223333:role/backup-automation", Reason: "nightly backups"},
	}
	want.Placeholders = map[string][]string{
		"admins":        {"arn:aws:iam::111122223333:role/admin", "admin@example.ru"},
		"backup_vaults": {"arn:aws:backup:eu-west-1:111122223333:backup-vault:prod"},
	}
	want.FieldMappings = map[string]map[string][]string{
		"gcpaudit":      {"gcp.audit.method_name": {"protoPayload.methodName"}},
		"azureactivity": {"OperationNameValue": {"operationName.value", "operationName"}, "caller_ip": {"event:actor.ip"}},
	}
	if g, w := asJSON(t, got), asJSON(t, want); g != w {
		t.Errorf("example parses to\n%s\nwant Default() plus the example values:\n%s", g, w)
	}
	// Every key of the configuration appears in the example.
	var keys map[string]any
	if err := json.Unmarshal([]byte(asJSON(t, config.Default())), &keys); err != nil {
		t.Fatal(err)
	}
	for k := range keys {
		if !strings.Contains(config.Example(), "\n"+k+":") {
			t.Errorf("the example lacks the setting %q", k)
		}
	}
	for _, k := range []string{"chain", "new_principal", "lateness", "cloud", "ids", "names", "tags", "rule", "actor", "reason", "expires"} {
		if !strings.Contains(config.Example(), k+":") {
			t.Errorf("the example lacks the key %q", k)
		}
	}
}

func TestParse_Valid(t *testing.T) {
	files, _ := filepath.Glob("testdata/valid/*.yaml")
	if len(files) == 0 {
		t.Fatal("no valid cases")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			c, err := config.Load(path)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if err := c.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if c.File() != path {
				t.Errorf("File() = %q", c.File())
			}
		})
	}
}

func TestParse_ValidValues(t *testing.T) {
	load := func(name string) *config.Config {
		c, err := config.Load(filepath.Join("testdata/valid", name))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	d := load("design.yaml")
	if len(d.Critical) != 2 || d.Critical[0].Tags["criticality"] != "high" || d.Critical[1].Cloud != event.VKCloud {
		t.Errorf("design critical = %+v", d.Critical)
	}
	if len(d.Allow) != 1 || !d.Allow[0].Expires.Equal(time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC)) || d.Allow[0].Reason != "GuardDuty malware scan" {
		t.Errorf("design allow = %+v", d.Allow)
	}
	if got := d.Where("allow[0].expires"); got != "testdata/valid/design.yaml:12:49" {
		t.Errorf("Where(allow[0].expires) = %q", got)
	}
	if got := d.Where("lang"); got != "" {
		t.Errorf("Where(lang) = %q for a key the file leaves out", got)
	}

	m := load("minimal.yaml")
	if m.Lang != "ru" || m.Windows.Chain != 48*time.Hour || m.Windows.Lateness != 15*time.Minute {
		t.Errorf("minimal: lang %q windows %+v", m.Lang, m.Windows)
	}
	if strings.Join(m.TrustedAccounts, ",") != "111122223333,012345678901" {
		t.Errorf("unquoted account ids = %q", m.TrustedAccounts)
	}
	if asJSON(t, load("empty.yaml")) != asJSON(t, config.Default()) {
		t.Error("a file of comments differs from Default()")
	}
	a := load("anchors.yaml")
	if strings.Join(a.Placeholders["ops"], ",") != "ops@example.ru,arn:aws:iam::*:role/ops-*" {
		t.Errorf("alias placeholder = %q (the %% signs should be stripped)", a.Placeholders)
	}
}

// TestParse_Invalid loads each testdata/invalid file and expects exactly the
// errors its "# want:" lines list, positions included.
func TestParse_Invalid(t *testing.T) {
	files, _ := filepath.Glob("testdata/invalid/*.yaml")
	if len(files) == 0 {
		t.Fatal("no invalid cases")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			sc := bufio.NewScanner(bytes.NewReader(data))
			for sc.Scan() {
				if w, ok := strings.CutPrefix(sc.Text(), "# want: "); ok {
					want = append(want, w)
				}
			}
			if len(want) == 0 {
				t.Fatal("no # want: lines")
			}
			c, err := config.Parse(bytes.NewReader(data), filepath.Base(path))
			if err == nil {
				err = c.Validate()
			}
			if err == nil {
				t.Fatalf("accepted; want %q", want)
			}
			got := strings.Split(err.Error(), "\n")
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestError_Fields(t *testing.T) {
	_, err := config.Parse(strings.NewReader("allow:\n  - {rule: x, reason: y, expires: soon}\n"), "s.yaml")
	var e *config.Error
	if !asError(err, &e) || e.Pos.Line != 2 || e.Path != "allow[0].expires" || e.Pos.File != "s.yaml" {
		t.Errorf("error = %#v", err)
	}
}

func asError(err error, target **config.Error) bool {
	if err == nil {
		return false
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if asError(e, target) {
				return true
			}
		}
		return false
	}
	e, ok := err.(*config.Error)
	if ok {
		*target = e
	}
	return ok
}

func TestLoad_Missing(t *testing.T) {
	if _, err := config.Load(filepath.Join(t.TempDir(), "nope.yaml")); !os.IsNotExist(err) {
		t.Errorf("Load of a missing file: %v", err)
	}
}

func TestValidate_Default(t *testing.T) {
	c := config.Default()
	c.Lang = "fr"
	c.Windows.Chain = 0
	err := c.Validate()
	if err == nil || err.Error() != "lang: want en or ru, not \"fr\"\nwindows.chain: want a positive duration, not 0s" {
		t.Errorf("Validate = %v", err)
	}
}

func TestExpired(t *testing.T) {
	c, err := config.Parse(strings.NewReader("allow:\n  - {rule: a, reason: r, expires: 2026-01-31}\n  - {rule: b, reason: r}\n"), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Expired(time.Date(2026, 1, 31, 23, 59, 0, 0, time.UTC)); got != nil {
		t.Errorf("on the expiry day: %q", got)
	}
	got := c.Expired(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	if len(got) != 1 || got[0] != "x.yaml:2:35: allow[0].expires: expired on 2026-01-31; the entry no longer suppresses anything" {
		t.Errorf("the day after: %q", got)
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"24h", 24 * time.Hour, true},
		{"15m", 15 * time.Minute, true},
		{"1h30m", 90 * time.Minute, true},
		{"7d", 7 * 24 * time.Hour, true},
		{"0d", 0, true},
		{"1.5d", 0, false},
		{"-1d", 0, false},
		{"d", 0, false},
		{"1 day", 0, false},
		{"15", 0, false},
	}
	for _, tt := range tests {
		got, err := config.ParseDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(config.Example())
	for _, dir := range []string{"testdata/valid", "testdata/invalid"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, p := range files {
			b, _ := os.ReadFile(p)
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := config.Parse(strings.NewReader(s), "f.yaml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Errorf("error without the file name: %v", err)
			}
			return
		}
		_ = c.Validate()
		m := c.Matchers()
		m.TrustedPrincipal(event.Actor{ID: s, Name: s, SessionIssuer: s})
		m.Critical(event.Azure, event.Resource{ID: s, Name: s})
		m.Allowed(s, event.Actor{ID: s}, time.Now())
	})
}

// TestParse_Aliases: anchors that refer to each other must not make Parse
// walk (or build) billions of values, and a self-referring one must end.
func TestParse_Aliases(t *testing.T) {
	var b strings.Builder
	b.WriteString("placeholders:\n  l: &L [" + strings.Repeat("a,", 999) + "a]\n  m: &M {")
	for i := range 1000 {
		fmt.Fprintf(&b, "k%d: *L, ", i)
	}
	b.WriteString("}\nfield_mappings: {")
	for i := range 1000 {
		fmt.Fprintf(&b, "s%d/x: *M, ", i)
	}
	b.WriteString("}\n")
	for name, doc := range map[string]string{"bomb": b.String(), "cycle": "placeholders:\n  a: &a [x, *a]\n"} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, err := config.Parse(strings.NewReader(doc), "a.yaml")
			if err == nil || !strings.Contains(err.Error(), "aliases expand") {
				t.Errorf("err = %v", err)
			}
			if d := time.Since(start); d > time.Minute {
				t.Errorf("took %v", d)
			}
		})
	}
}

// TestFormats keeps the field_mappings keys in step with the formats rule
// log sources select.
func TestFormats(t *testing.T) {
	want := []string{rule.FormatCloudTrail, rule.FormatAzureActivity, rule.FormatGCPAudit, rule.FormatVKCloud, rule.FormatOpenStack, rule.FormatYandex}
	if strings.Join(config.Formats, ",") != strings.Join(want, ",") {
		t.Errorf("config.Formats = %q, rule formats %q", config.Formats, want)
	}
}
