package config_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/event"
)

func matchers(t *testing.T, yaml string) *config.Matchers {
	t.Helper()
	c, err := config.Parse(strings.NewReader(yaml), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return c.Matchers()
}

func TestMatchers_TrustedAccount(t *testing.T) {
	m := matchers(t, `trusted_accounts: ["111122223333", "my-gcp-*", "*-shared", "proj-?", "0B1F6471-1BF0-4DDA-AEC3-111122223333", "a*b*c"]`)
	tests := []struct {
		id   string
		want bool
	}{
		{"111122223333", true},
		{" 111122223333 ", true},
		{"111122223334", false},
		{"1111222233335", false},
		{"my-gcp-project", true},
		{"MY-GCP-PROJECT", true},
		{"my-gcp-", true},
		{"other-my-gcp-x", false},
		{"team-shared", true},
		{"team-shared-not", false},
		{"proj-1", true},
		{"proj-я", true}, // ? is one character, not one byte
		{"proj-12", false},
		{"proj-", false},
		{"0b1f6471-1bf0-4dda-aec3-111122223333", true}, // Azure subscriptions in any case
		{"abc", true},
		{"a-x-b-y-c", true},
		{"a-x-b-y-c-d", false},
		{"acb", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := m.TrustedAccount(tt.id); got != tt.want {
			t.Errorf("TrustedAccount(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
	if matchers(t, "").TrustedAccount("111122223333") {
		t.Error("an empty list trusts an account")
	}
	if !matchers(t, `trusted_accounts: ["*"]`).TrustedAccount("anything") {
		t.Error(`"*" does not trust everything`)
	}
}

func TestMatchers_TrustedPrincipal(t *testing.T) {
	m := matchers(t, `trusted_principals:
  - "arn:aws:iam::111122223333:role/backup-automation"
  - "arn:aws:iam::444455556666:role/service/path/dlm-role"
  - "arn:aws:iam::*:role/ops-*"
  - "backup@example.ru"
  - "*@backup.example.com"
  - "a11ce000-0000-4000-8000-000000000001"
  - "ajesa000000000000002"
  - "üser@example.ru"
`)
	role := "arn:aws:iam::111122223333:role/backup-automation"
	tests := []struct {
		name string
		a    event.Actor
		want bool
	}{
		{"role ARN as id", event.Actor{ID: role, Name: "1772438400000", SessionIssuer: role}, true},
		{"role session as id", event.Actor{ID: "arn:aws:sts::111122223333:assumed-role/backup-automation/1772438400000"}, true},
		{"session of a role with a path", event.Actor{ID: "arn:aws:sts::444455556666:assumed-role/dlm-role/s1"}, true},
		{"issuer only", event.Actor{ID: "AROAEXAMPLE:sess", SessionIssuer: role}, true},
		{"role in another account", event.Actor{ID: "arn:aws:iam::999999999999:role/backup-automation"}, false},
		{"session of another account", event.Actor{ID: "arn:aws:sts::999999999999:assumed-role/backup-automation/x"}, false},
		{"role glob", event.Actor{ID: "arn:aws:iam::123456789012:role/ops-admin"}, true},
		{"session of a role glob", event.Actor{ID: "arn:aws:sts::123456789012:assumed-role/ops-admin/bob"}, true},
		{"role glob mismatch", event.Actor{ID: "arn:aws:iam::123456789012:role/dev-ops"}, false},
		{"a longer role name", event.Actor{ID: "arn:aws:iam::111122223333:role/backup-automation-2"}, false},
		{"email as id (GCP)", event.Actor{ID: "backup@example.ru", Name: "backup@example.ru"}, true},
		{"email in another case", event.Actor{ID: "Backup@Example.RU"}, true},
		{"email as name (Azure)", event.Actor{ID: "5e000000-0000-4000-8000-000000000002", Name: "backup@example.ru"}, true},
		{"email glob", event.Actor{ID: "vault@backup.example.com"}, true},
		{"Azure object id in upper case", event.Actor{ID: "A11CE000-0000-4000-8000-000000000001"}, true},
		{"Yandex service account", event.Actor{ID: "ajesa000000000000002", Name: "sa-automation"}, true},
		{"AWS session name is never trusted", event.Actor{ID: "arn:aws:iam::999999999999:role/attacker", Name: "backup@example.ru", SessionIssuer: "arn:aws:iam::999999999999:role/attacker"}, false},
		{"IAM user named like a trusted email", event.Actor{ID: "arn:aws:iam::999999999999:user/backup@example.ru", Name: "backup@example.ru"}, false},
		{"stranger", event.Actor{ID: "attacker@gmail.com", Name: "attacker@gmail.com"}, false},
		{"nobody", event.Actor{}, false},
		{"blanks around", event.Actor{ID: " Backup@Example.RU\t"}, true},
		{"Unicode lowering", event.Actor{ID: "ÜSER@EXAMPLE.RU"}, true},
		{"an id longer than the keys' room", event.Actor{ID: strings.Repeat("X", 400) + "@Backup.Example.COM"}, true},
		{"a session ARN beyond the room", event.Actor{ID: "arn:aws:iam::123456789012:role/OPS-" + strings.Repeat("x", 150), Name: strings.Repeat("s", 100)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := m.TrustedPrincipal(tt.a); got != tt.want {
				t.Errorf("TrustedPrincipal(%+v) = %v, want %v", tt.a, got, tt.want)
			}
		})
	}
}

// TestMatchers_noAllocation: checked per finding, the allow list and the
// trusted principals allocate nothing for an ASCII actor.
func TestMatchers_noAllocation(t *testing.T) {
	m := config.Default().Matchers()
	a := event.Actor{ID: "arn:aws:iam::111122223333:role/OpsDashboard", Name: "Session-42", SessionIssuer: "arn:aws:iam::111122223333:role/OpsDashboard"}
	at := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	if n := testing.AllocsPerRun(100, func() { m.Allowance("r", a, at); m.TrustedPrincipal(a) }); n != 0 {
		t.Errorf("%v allocations a check", n)
	}
}

func TestMatchers_Critical(t *testing.T) {
	m := matchers(t, `critical:
  - cloud: aws
    ids: ["vol-0abc", "arn:aws:rds:eu-west-1:111122223333:db:orders"]
    names: ["prod-db-*"]
  - cloud: azure
    ids: ["/subscriptions/S1/resourceGroups/Prod/providers/Microsoft.Compute/disks/DB-Disk/"]
  - cloud: gcp
    ids: ["https://www.googleapis.com/compute/v1/projects/acme/zones/europe-west1-b/disks/db"]
  - names: ["*-critical"]
  - cloud: vkcloud
    tags: {criticality: high, team: "db-*"}
`)
	tests := []struct {
		name  string
		cloud event.Cloud
		r     event.Resource
		want  bool
	}{
		{"aws id", event.AWS, event.Resource{Type: event.Volume, ID: "vol-0abc"}, true},
		{"aws ids are exact", event.AWS, event.Resource{Type: event.Volume, ID: "VOL-0ABC"}, false},
		{"aws other volume", event.AWS, event.Resource{Type: event.Volume, ID: "vol-0abd"}, false},
		{"same id on another cloud", event.OpenStack, event.Resource{ID: "vol-0abc"}, false},
		{"rds arn", event.AWS, event.Resource{Type: event.Database, ID: "arn:aws:rds:eu-west-1:111122223333:db:orders"}, true},
		{"name glob on Name", event.AWS, event.Resource{ID: "i-1", Name: "PROD-DB-1"}, true},
		{"name glob on an RDS identifier", event.AWS, event.Resource{ID: "arn:aws:rds:eu-west-1:111122223333:db:prod-db-eu"}, true},
		{"name glob is whole-name", event.AWS, event.Resource{ID: "i-1", Name: "old-prod-db-1"}, false},
		{"azure id in any case", event.Azure, event.Resource{ID: "/subscriptions/s1/resourcegroups/prod/providers/microsoft.compute/disks/db-disk"}, true},
		{"azure id as logged", event.Azure, event.Resource{ID: "/SUBSCRIPTIONS/S1/resourceGroups/prod/providers/Microsoft.Compute/disks/db-disk"}, true},
		{"azure other disk", event.Azure, event.Resource{ID: "/subscriptions/s1/resourcegroups/prod/providers/microsoft.compute/disks/db-disk2"}, false},
		{"gcp URL in config, relative name in log", event.GCP, event.Resource{ID: "projects/acme/zones/europe-west1-b/disks/db"}, true},
		{"any-cloud name on azure id segment", event.Azure, event.Resource{ID: "/subscriptions/s/resourcegroups/r/providers/microsoft.compute/disks/payments-critical"}, true},
		{"any-cloud name on yandex", event.Yandex, event.Resource{ID: "fhm1", Name: "ledger-critical"}, true},
		{"tags without a lookup", event.VKCloud, event.Resource{ID: "v-1"}, false},
		{"empty resource", event.AWS, event.Resource{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := m.Critical(tt.cloud, tt.r); got != tt.want {
				t.Errorf("Critical(%s, %+v) = %v, want %v", tt.cloud, tt.r, got, tt.want)
			}
		})
	}

	lookups := 0
	tagged := m.WithTags(func(cloud event.Cloud, id string) map[string]string {
		lookups++
		switch id {
		case "v-1":
			return map[string]string{"Criticality": "HIGH", "team": "db-orders"}
		case "v-2":
			return map[string]string{"criticality": "high"}
		case "v-3":
			return map[string]string{"criticality": "low", "team": "db-x"}
		}
		return nil
	})
	for id, want := range map[string]bool{"v-1": true, "v-2": false, "v-3": false, "v-4": false} {
		if got := tagged.Critical(event.VKCloud, event.Resource{ID: id}); got != want {
			t.Errorf("tags of %s: Critical = %v, want %v", id, got, want)
		}
	}
	if lookups != 4 {
		t.Errorf("%d tag lookups for 4 resources", lookups)
	}
	if m.Critical(event.VKCloud, event.Resource{ID: "v-1"}) {
		t.Error("WithTags changed the original matchers")
	}
	if tagged.Critical(event.AWS, event.Resource{ID: "v-1"}) {
		t.Error("a vkcloud entry matched on aws")
	}
}

func TestMatchers_Allowed(t *testing.T) {
	m := matchers(t, `allow:
  - rule: "*"
    actor: "arn:aws:sts::*:assumed-role/AWSServiceRoleForAmazonGuardDutyMalwareProtection/*"
    reason: "GuardDuty malware scan"
    expires: 2027-12-31
  - rule: "aws-snapshot-create"
    actor: "arn:aws:iam::111122223333:role/backup-automation"
    reason: "nightly backups"
  - rule: "gcp-*"
    reason: "GCP is a lab"
    expires: 2026-06-30
  - actor: "scanner@example.ru"
    reason: "inventory scanner"
`)
	gd := "arn:aws:iam::111122223333:role/aws-service-role/malware-protection.guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDutyMalwareProtection"
	before := time.Date(2027, 12, 31, 23, 59, 59, 0, time.UTC)
	after := time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
	backup := event.Actor{ID: "arn:aws:iam::111122223333:role/backup-automation", Name: "1772438400000", SessionIssuer: "arn:aws:iam::111122223333:role/backup-automation"}
	tests := []struct {
		name   string
		rule   string
		a      event.Actor
		at     time.Time
		reason string
	}{
		{"GuardDuty session by issuer and session name", "any-rule", event.Actor{ID: gd, Name: "GuardDutyMalwareProtection", SessionIssuer: gd}, before, "GuardDuty malware scan"},
		{"GuardDuty session ARN as id", "any-rule", event.Actor{ID: "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForAmazonGuardDutyMalwareProtection/x"}, before, "GuardDuty malware scan"},
		{"GuardDuty after expiry", "any-rule", event.Actor{ID: gd, Name: "s", SessionIssuer: gd}, after, ""},
		{"backup role on its rule", "aws-snapshot-create", backup, after, "nightly backups"},
		{"backup role rule id in another case", "AWS-Snapshot-Create", backup, after, "nightly backups"},
		{"backup role on another rule", "aws-snapshot-shared", backup, after, ""},
		{"backup session (a role ARN matches its sessions)", "aws-snapshot-create", event.Actor{ID: "arn:aws:sts::111122223333:assumed-role/backup-automation/s"}, after, "nightly backups"},
		{"any actor on gcp rules", "gcp-image-export", event.Actor{ID: "attacker@gmail.com"}, time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC), "GCP is a lab"},
		{"gcp rules after expiry", "gcp-image-export", event.Actor{ID: "attacker@gmail.com"}, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), ""},
		{"scanner on any rule", "azure-disk-sas", event.Actor{ID: "5e00", Name: "scanner@example.ru"}, after, "inventory scanner"},
		{"stranger", "azure-disk-sas", event.Actor{ID: "x"}, before, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reason, ok := m.Allowed(tt.rule, tt.a, tt.at)
			if reason != tt.reason || ok != (tt.reason != "") {
				t.Errorf("Allowed(%q, %+v, %v) = %q, %v; want %q", tt.rule, tt.a, tt.at, reason, ok, tt.reason)
			}
		})
	}
}

// TestMatchers_DefaultAllow: the default entries allow the AWS services'
// own roles and their sessions, and no other role's session. (A role
// pattern with a path and a wildcard name once gave the session pattern
// assumed-role/*/*, which allowed every assumed role.)
func TestMatchers_DefaultAllow(t *testing.T) {
	m := config.Default().Matchers()
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	gd := "arn:aws:iam::111122223333:role/aws-service-role/malware-protection.guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDutyMalwareProtection"
	backup := "arn:aws:iam::111122223333:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup"
	for _, tt := range []struct {
		name    string
		a       event.Actor
		allowed bool
	}{
		{"GuardDuty's role session", event.Actor{ID: gd, Type: "AssumedRole", Name: "GuardDutyMalwareProtection", SessionIssuer: gd}, true},
		{"AWS Backup's role session", event.Actor{ID: backup, Type: "AssumedRole", Name: "s", SessionIssuer: backup}, true},
		{"the backup service", event.Actor{ID: "backup.amazonaws.com", Type: "AWSService"}, true},
		{"the default backup role", event.Actor{ID: "arn:aws:iam::111122223333:role/service-role/AWSBackupDefaultServiceRole", Name: "s"}, true},
		{"another role's session", event.Actor{ID: "arn:aws:iam::111122223333:role/ops-dashboard", Type: "AssumedRole", Name: "session-12", SessionIssuer: "arn:aws:iam::111122223333:role/ops-dashboard"}, false},
		{"another role's session ARN", event.Actor{ID: "arn:aws:sts::111122223333:assumed-role/attacker/x"}, false},
		{"a role named like the service under another path", event.Actor{ID: "arn:aws:iam::111122223333:role/evil/AWSServiceRoleForBackup", Name: "s", SessionIssuer: "arn:aws:iam::111122223333:role/evil/AWSServiceRoleForBackup"}, false},
	} {
		if _, ok := m.Allowed("aws-snapshot-shared", tt.a, now); ok != tt.allowed {
			t.Errorf("%s: allowed %v, want %v", tt.name, ok, tt.allowed)
		}
	}
}

func TestMatchers_AdminPorts(t *testing.T) {
	def := config.Default().Matchers()
	if got := def.AdminPorts(); !slices.Equal(got, config.DefaultAdminPorts) {
		t.Errorf("default admin ports %v", got)
	}
	custom := matchers(t, "admin_ports: [8443, 8443, 5432]")
	if got := custom.AdminPorts(); !slices.Equal(got, []int{22, 3389, 5432, 8443}) {
		t.Errorf("custom admin ports %v, want 22 and 3389 kept", got)
	}
	if !custom.AdminPort(3389) || custom.AdminPort(3306) {
		t.Error("AdminPort disagrees with the list")
	}
	tests := []struct {
		in   event.Ingress
		port int
	}{
		{event.Ingress{Protocol: "tcp", FromPort: 22, ToPort: 22, Source: "0.0.0.0/0"}, 22},
		{event.Ingress{Protocol: "tcp", FromPort: 22, ToPort: 22, Source: "10.0.0.0/8"}, 0},
		{event.Ingress{Protocol: "tcp", FromPort: 5000, ToPort: 6000, Source: "::/0"}, 5432},
		{event.Ingress{Protocol: "udp", FromPort: 3389, ToPort: 3389, Source: "Internet"}, 3389},
		{event.Ingress{Protocol: "all", Source: "*"}, 22},
		{event.Ingress{Protocol: "tcp", FromPort: 80, ToPort: 443, Source: "0.0.0.0/0"}, 0},
		{event.Ingress{Protocol: "icmp", FromPort: 8, ToPort: 22, Source: "0.0.0.0/0"}, 0},
	}
	for _, tt := range tests {
		port, ok := custom.ExposedAdminPort(tt.in)
		if port != tt.port || ok != (tt.port != 0) {
			t.Errorf("ExposedAdminPort(%+v) = %d, %v; want %d", tt.in, port, ok, tt.port)
		}
	}
}

func BenchmarkMatchers(b *testing.B) {
	c := config.Default()
	c.TrustedPrincipals = []string{"arn:aws:iam::111122223333:role/backup-automation", "backup@example.ru", "*@backup.example.com", "arn:aws:iam::*:role/ops-*"}
	c.Critical = []config.CriticalEntry{{Cloud: event.AWS, IDs: []string{"vol-1", "vol-2"}, Names: []string{"prod-db-*"}}}
	m := c.Matchers()
	a := event.Actor{ID: "arn:aws:iam::999999999999:role/x", Name: "sess", SessionIssuer: "arn:aws:iam::999999999999:role/x"}
	r := event.Resource{ID: "vol-3", Name: "staging"}
	b.ReportAllocs()
	for b.Loop() {
		m.TrustedPrincipal(a)
		m.Critical(event.AWS, r)
	}
}

// BenchmarkAllowance is the allow-list check hunt makes per finding, with
// the default list, for an assumed-role session the list does not name.
func BenchmarkAllowance(b *testing.B) {
	m := config.Default().Matchers()
	a := event.Actor{ID: "arn:aws:iam::111122223333:role/OpsDashboard", Name: "session-42", Type: "AssumedRole",
		SessionIssuer: "arn:aws:iam::111122223333:role/OpsDashboard"}
	at := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, ok := m.Allowance("905d389b-b853-46d0-9d3d-dea0d3a3cd49", a, at); ok {
			b.Fatal("allowed")
		}
	}
}
