package detect_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// benchOps is a realistic mix of CloudTrail traffic: mostly routine reads,
// some snapshot, volume, ingress and identity operations.
var benchOps = []struct {
	source, name, request, response string
	readOnly                        bool
}{
	{"ec2.amazonaws.com", "DescribeInstances", `{"instancesSet":{},"filterSet":{"items":[{"name":"tag:team","valueSet":{"items":[{"value":"payments-%d"}]}}]}}`, `null`, true},
	{"ec2.amazonaws.com", "DescribeSnapshots", `{"maxResults":%d,"snapshotSet":{},"ownersSet":{"items":[{"owner":"self"}]}}`, `null`, true},
	{"s3.amazonaws.com", "GetObject", `{"bucketName":"logs-%d","key":"app/2026/11/20/part-%d.gz","Host":"logs.s3.eu-west-1.amazonaws.com"}`, `null`, true},
	{"sts.amazonaws.com", "GetCallerIdentity", `null`, `null`, true},
	{"ec2.amazonaws.com", "DescribeVolumes", `{"volumeSet":{"items":[{"volumeId":"vol-%017x"}]}}`, `null`, true},
	{"iam.amazonaws.com", "ListRoles", `{"maxItems":%d}`, `null`, true},
	{"ec2.amazonaws.com", "CreateSnapshot", `{"volumeId":"vol-%017x","description":"nightly backup of prod volume %d"}`,
		`{"requestId":"r","snapshotId":"snap-%017x","volumeId":"vol-%017x","status":"pending","ownerId":"111122223333","volumeSize":100,"encrypted":true}`, false},
	{"sts.amazonaws.com", "AssumeRole", `{"roleArn":"arn:aws:iam::111122223333:role/backup-automation","roleSessionName":"session-%d","durationSeconds":%d}`,
		`{"credentials":{"accessKeyId":"ASIAEXAMPLE%09d","sessionToken":"IQoJb3JpZ2luX2VjEXAMPLE"},"assumedRoleUser":{"assumedRoleId":"AROAEXAMPLE:session-%d"}}`, false},
	{"ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", `{"groupId":"sg-%017x","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"groups":{},"ipRanges":{"items":[{"cidrIp":"198.51.100.%d/32"}]}}]}}`,
		`{"requestId":"r","_return":true,"securityGroupRuleSet":{"items":[{"groupId":"sg-%017x","securityGroupRuleId":"sgr-%017x","isEgress":false,"ipProtocol":"tcp","fromPort":22,"toPort":22,"cidrIpv4":"198.51.100.1/32"}]}}`, false},
	{"ec2.amazonaws.com", "DescribeSecurityGroups", `{"securityGroupIdSet":{"items":[{"groupId":"sg-%017x"}]}}`, `null`, true},
	{"ec2.amazonaws.com", "CreateVolume", `{"snapshotId":"snap-%017x","zone":"eu-west-1a","size":"%d","volumeType":"gp3"}`,
		`{"requestId":"r","volumeId":"vol-%017x","snapshotId":"snap-%017x","status":"creating"}`, false},
	{"ec2.amazonaws.com", "ModifySnapshotAttribute", `{"snapshotId":"snap-%017x","createVolumePermission":{"add":{"items":[{"userId":"44445555%04d"}]}},"attributeType":"CREATE_VOLUME_PERMISSION"}`,
		`{"requestId":"r","_return":true}`, false},
	{"kms.amazonaws.com", "Decrypt", `{"encryptionContext":{"aws:ebs:id":"vol-%017x"},"encryptionAlgorithm":"SYMMETRIC_DEFAULT"}`, `null`, true},
	{"signin.amazonaws.com", "ConsoleLogin", `null`, `{"ConsoleLogin":"Success"}`, false},
}

// benchRecord returns the i-th record: about 1.5 KB, with fresh ids.
func benchRecord(i int) []byte {
	op := benchOps[i%len(benchOps)]
	fill := func(tmpl string) string {
		args := make([]any, strings.Count(tmpl, "%"))
		for k := range args {
			args[k] = i
		}
		return fmt.Sprintf(tmpl, args...)
	}
	return fmt.Appendf(nil, `{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEBACKUP001:session-%d",`+
		`"arn":"arn:aws:sts::111122223333:assumed-role/backup-automation/session-%d","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE%09d",`+
		`"sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEBACKUP001","arn":"arn:aws:iam::111122223333:role/backup-automation",`+
		`"accountId":"111122223333","userName":"backup-automation"},"webIdFederationData":{},"attributes":{"creationDate":"2026-11-20T00:00:00Z","mfaAuthenticated":"false"}}},`+
		`"eventTime":"2026-11-20T%02d:%02d:%02dZ","eventSource":"%s","eventName":"%s","awsRegion":"eu-west-1","sourceIPAddress":"192.0.2.%d",`+
		`"userAgent":"aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.171.0",`+
		`"requestParameters":%s,"responseElements":%s,"requestID":"%08x-1111-4222-8333-%012x","eventID":"%08x-aaaa-4bbb-8ccc-%012x",`+
		`"readOnly":%t,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management",`+
		`"tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"ec2.eu-west-1.amazonaws.com"}}`,
		i, i, i, (i/3600)%24, (i/60)%60, i%60, op.source, op.name, i%250+1,
		fill(op.request), fill(op.response), i, i, i, i, op.readOnly)
}

// benchEvents decodes n records with the CloudTrail decoder and gives each
// event its record parsed by a parser of its own, so the values stay valid.
func benchEvents(tb testing.TB, n int) ([]*event.Event, [][]byte) {
	tb.Helper()
	var ndjson bytes.Buffer
	var recs [][]byte
	for i := range n {
		rec := benchRecord(i)
		recs = append(recs, rec)
		ndjson.Write(rec)
		ndjson.WriteByte('\n')
	}
	evs := decodetest.MustDecode(tb, cloudtrail.Format{}, "bench", ndjson.Bytes())
	if len(evs) != n {
		tb.Fatalf("%d events from %d records", len(evs), n)
	}
	for _, ev := range evs {
		for _, raw := range ev.Raw {
			v, err := jsondoc.ParseBytes(raw)
			if err != nil {
				tb.Fatal(err)
			}
			ev.Docs = append(ev.Docs, v)
		}
	}
	return evs, recs
}

// benchAWSRules are 55 CloudTrail rules shaped as SigmaHQ's: most select
// an event source and operations, a few look at other fields on every
// event.
func benchAWSRules() []*rule.Rule {
	ops := []struct{ source, names string }{
		{"ec2", "ModifySnapshotAttribute"}, {"ec2", "ModifyImageAttribute"}, {"ec2", "CreateInstanceExportTask"},
		{"ec2", "DisableEbsEncryptionByDefault"}, {"ec2", "CreateNetworkAclEntry"}, {"ec2", "ImportKeyPair"},
		{"ec2", "AuthorizeSecurityGroupIngress AuthorizeSecurityGroupEgress RevokeSecurityGroupIngress RevokeSecurityGroupEgress"},
		{"ec2", "DeleteFlowLogs"}, {"ec2", "CreateSnapshot CopySnapshot"}, {"ec2", "CreateStoreImageTask"},
		{"ec2", "RunInstances"}, {"ec2", "ModifyInstanceAttribute"}, {"ec2", "DeleteSnapshot"}, {"ec2", "CreateVolume"},
		{"ec2", "AttachVolume"}, {"rds", "RestoreDBInstanceFromDBSnapshot"}, {"rds", "ModifyDBInstance"},
		{"rds", "ModifyDBCluster DeleteDBCluster"}, {"rds", "StartExportTask"}, {"rds", "ModifyDBSnapshotAttribute ModifyDBClusterSnapshotAttribute"},
		{"rds", "AuthorizeDBSecurityGroupIngress CreateDBSecurityGroup DeleteDBSecurityGroup RevokeDBSecurityGroupIngress"},
		{"iam", "CreateAccessKey"}, {"iam", "UpdateLoginProfile"}, {"iam", "CreateUser"}, {"iam", "AttachUserPolicy AttachRolePolicy"},
		{"iam", "PutUserPolicy PutRolePolicy"}, {"iam", "DeleteSAMLProvider"}, {"iam", "CreateLoginProfile"}, {"iam", "DeactivateMFADevice"},
		{"sts", "GetFederationToken"}, {"sts", "GetSessionToken"}, {"s3", "PutBucketPolicy"}, {"s3", "PutBucketVersioning"},
		{"s3", "DeleteBucket"}, {"s3", "PutBucketLogging"}, {"s3", "PutBucketAcl"}, {"cloudtrail", "StopLogging DeleteTrail UpdateTrail"},
		{"guardduty", "DeleteDetector UpdateDetector"}, {"config", "DeleteDeliveryChannel StopConfigurationRecorder"},
		{"kms", "ScheduleKeyDeletion DisableKey"}, {"lambda", "UpdateFunctionCode CreateFunction"}, {"ssm", "SendCommand"},
		{"ssm", "GetParameter GetParameters"}, {"ecs", "RegisterTaskDefinition"}, {"eks", "CreateCluster"},
		{"route53", "DisableDomainAutoRenew"}, {"organizations", "LeaveOrganization"}, {"secretsmanager", "GetSecretValue"},
		{"backup", "DeleteBackupVault DeleteRecoveryPoint"}, {"signin", "ConsoleLogin"},
	}
	var rules []*rule.Rule
	for i, op := range ops {
		var names []any
		for _, n := range strings.Fields(op.names) {
			names = append(names, n)
		}
		d := D{"selection": sel(fm("eventSource", op.source+".amazonaws.com"), fm("eventName", names...))}
		var cond rule.Expr
		if i%4 == 0 { // SigmaHQ's "selection and not filter" shape
			d["filter"] = sel(fm("userIdentity.type", "AWSService"))
			cond = and(ref("selection"), not(ref("filter")))
		}
		rules = append(rules, mkRule(fmt.Sprintf("aws-%02d", i), "aws", "cloudtrail", d, cond))
	}
	rules = append(rules,
		mkRule("aws-ua", "aws", "cloudtrail", D{"selection": sel(fm("userAgent|contains", "S3 Browser", "Kali", "Pacu"))}, nil),
		mkRule("aws-root", "aws", "cloudtrail", D{"selection": sel(fm("userIdentity.type", "Root"), fm("eventType|neq", "AwsServiceEvent"))}, nil),
		mkRule("aws-denied", "aws", "cloudtrail", D{"selection": sel(fm("errorCode", "AccessDenied", "UnauthorizedOperation"))}, nil),
		mkRule("aws-enum", "aws", "cloudtrail", D{"selection": sel(fm("eventName|startswith", "List", "Get"), fm("userIdentity.arn|contains", "temp-user"))}, nil),
		mkRule("aws-mfa", "aws", "cloudtrail", D{"selection": sel(fm("eventName", "ConsoleLogin"), fm("additionalEventData.MFAUsed", "NO"))}, nil),
	)
	return rules
}

// benchPackRules are five rules over normalized events, like the built-in
// pack's.
func benchPackRules() []*rule.Rule {
	return []*rule.Rule{
		mkRule("pack-create", "snapwarden", "", D{"selection": sel(fm("action", "snapshot.create", "image.create", "backup.create", "db.snapshot.create"))}, nil),
		mkRule("pack-share", "snapwarden", "", D{"selection": sel(fm("action", "snapshot.share", "image.share", "db.snapshot.share"), fm("share.external", true))}, nil),
		mkRule("pack-export", "snapwarden", "", D{"selection": sel(fm("action", "snapshot.export", "image.export", "db.export"))}, nil),
		mkRule("pack-restore", "snapwarden", "", D{"selection": sel(fm("action", "volume.restore", "db.restore"))}, nil),
		mkRule("pack-ingress", "snapwarden", "", D{"selection": sel(fm("action", "network.ingress.open"), fm("ingress.admin_open", true))}, nil),
	}
}

func BenchmarkMatch(b *testing.B) {
	n := 4096
	if testing.Short() {
		n = 64
	}
	evs, _ := benchEvents(b, n)
	sets := []struct {
		name  string
		rules func(testing.TB) []*rule.Rule
	}{
		{"rules=5", func(testing.TB) []*rule.Rule { return benchPackRules() }},
		{"rules=60", func(testing.TB) []*rule.Rule { return append(benchAWSRules(), benchPackRules()...) }},
		{"rules=sigmahq-aws+5", sigmaAWSPack},
	}
	for _, set := range sets {
		for _, index := range []bool{true, false} {
			name := set.name + "/index=on"
			if !index {
				name = set.name + "/index=off"
			}
			b.Run(name, func(b *testing.B) {
				rules := set.rules(b)
				e := compile(b, detect.Options{DisableIndex: !index}, rules...)
				m := e.NewMatcher()
				var hits []detect.Hit
				for _, ev := range evs { // warm up the scratch space
					hits = m.Match(ev, hits[:0])
				}
				m = e.NewMatcher()
				for _, ev := range evs {
					hits = m.Match(ev, hits[:0])
				}
				before := m.Counts()
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					hits = m.Match(evs[i%n], hits[:0])
					i++
				}
				c := m.Counts()
				events := float64(c.Events - before.Events)
				b.ReportMetric(float64(len(rules)), "rules")
				b.ReportMetric(float64(c.Candidates-before.Candidates)/events, "candidates/event")
				b.ReportMetric(float64(c.Hits-before.Hits)/events, "hits/event")
				b.ReportMetric(events/b.Elapsed().Seconds(), "events/s")
			})
		}
	}
}

// BenchmarkParseMatch is parse + match per record, beside the parse alone:
// the ratio is the engine's share of a scan.
func BenchmarkParseMatch(b *testing.B) {
	const n = 4096
	evs, recs := benchEvents(b, n)
	size := 0
	for _, r := range recs {
		size += len(r)
	}
	for _, rules := range []struct {
		name string
		r    func(testing.TB) []*rule.Rule
	}{
		{"rules=0", func(testing.TB) []*rule.Rule { return nil }},
		{"rules=5", func(testing.TB) []*rule.Rule { return benchPackRules() }},
		{"rules=60", func(testing.TB) []*rule.Rule { return append(benchAWSRules(), benchPackRules()...) }},
		{"rules=sigmahq-aws+5", sigmaAWSPack},
	} {
		b.Run(rules.name, func(b *testing.B) {
			rs := rules.r(b)
			e := compile(b, detect.Options{}, rs...)
			m := e.NewMatcher()
			var p jsondoc.Parser
			var hits []detect.Hit
			b.SetBytes(int64(size / n))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				k := i % n
				v, err := p.ParseBytes(recs[k])
				if err != nil {
					b.Fatal(err)
				}
				ev := evs[k]
				ev.Docs[0] = v
				if rs != nil {
					hits = m.Match(ev, hits[:0])
				}
				i++
			}
			b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// sigmaAWSPack is SigmaHQ's 57 AWS rules and the five pack-like rules.
func sigmaAWSPack(tb testing.TB) []*rule.Rule {
	var aws []*rule.Rule
	for _, r := range sigmaCloud(tb) {
		if r.LogSource.Product == "aws" {
			aws = append(aws, r)
		}
	}
	return append(aws, benchPackRules()...)
}
