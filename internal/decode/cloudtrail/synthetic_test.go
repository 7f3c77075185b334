package cloudtrail_test

import (
	"fmt"
	"io"
	"strings"
)

// syntheticRecord returns the i-th of a realistic mix of CloudTrail records
// of about 1.5 KB: reads, snapshot and volume operations, ingress changes,
// role sessions.
func syntheticRecord(i int) []byte {
	op := syntheticOps[i%len(syntheticOps)]
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
		fill(op.request, i), fill(op.response, i), i, i, i, i, op.readOnly)
}

// fill puts i into every verb of a template.
func fill(tmpl string, i int) string {
	args := make([]any, strings.Count(tmpl, "%"))
	for k := range args {
		args[k] = i
	}
	return fmt.Sprintf(tmpl, args...)
}

var syntheticOps = []struct {
	source, name, request, response string
	readOnly                        bool
}{
	{"ec2.amazonaws.com", "CreateSnapshot", `{"volumeId":"vol-%017x","description":"nightly backup of prod volume %d"}`,
		`{"requestId":"r","snapshotId":"snap-%017x","volumeId":"vol-%017x","status":"pending","startTime":1795132800000,"progress":"","ownerId":"111122223333","volumeSize":100,"encrypted":true}`, false},
	{"ec2.amazonaws.com", "DescribeSnapshots", `{"maxResults":%d,"snapshotSet":{},"ownersSet":{"items":[{"owner":"self"}]},"filterSet":{"items":[{"name":"tag:Name","valueSet":{"items":[{"value":"prod-%d"}]}}]}}`,
		`null`, true},
	{"ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", `{"groupId":"sg-%017x","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"groups":{},"ipRanges":{"items":[{"cidrIp":"198.51.100.%d/32"}]},"ipv6Ranges":{},"prefixListIds":{}}]}}`,
		`{"requestId":"r","_return":true,"securityGroupRuleSet":{"items":[{"groupOwnerId":"111122223333","groupId":"sg-%017x","securityGroupRuleId":"sgr-%017x","isEgress":false,"ipProtocol":"tcp","fromPort":22,"toPort":22,"cidrIpv4":"198.51.100.1/32"}]}}`, false},
	{"sts.amazonaws.com", "AssumeRole", `{"roleArn":"arn:aws:iam::111122223333:role/backup-automation","roleSessionName":"session-%d","durationSeconds":%d}`,
		`{"credentials":{"accessKeyId":"ASIAEXAMPLE%09d","sessionToken":"IQoJb3JpZ2luX2VjEXAMPLE","expiration":"Nov 20, 2026, 1:00:00 AM"},"assumedRoleUser":{"assumedRoleId":"AROAEXAMPLEBACKUP001:session-%d","arn":"arn:aws:sts::111122223333:assumed-role/backup-automation/session"}}`, false},
	{"ec2.amazonaws.com", "CreateVolume", `{"snapshotId":"snap-%017x","zone":"eu-west-1a","size":"%d","volumeType":"gp3","encrypted":true}`,
		`{"requestId":"r","volumeId":"vol-%017x","size":"100","snapshotId":"snap-%017x","availabilityZone":"eu-west-1a","status":"creating","volumeType":"gp3","encrypted":true}`, false},
}

// recordsReader streams a {"Records":[…]} document of at least size bytes
// built from synthetic records, without holding it in memory.
type recordsReader struct {
	size    int64
	written int64
	n       int // records started
	pending []byte
	done    bool
}

func (r *recordsReader) Read(p []byte) (int, error) {
	for len(r.pending) == 0 {
		switch {
		case r.done:
			return 0, io.EOF
		case r.n == 0:
			r.pending = append([]byte(`{"Records":[`), syntheticRecord(0)...)
		case r.written >= r.size:
			r.pending, r.done = []byte("]}\n"), true
			continue
		default:
			r.pending = append([]byte{','}, syntheticRecord(r.n)...)
		}
		r.n++
	}
	k := copy(p, r.pending)
	r.pending = r.pending[k:]
	r.written += int64(k)
	return k, nil
}
