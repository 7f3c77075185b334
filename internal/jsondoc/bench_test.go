package jsondoc

import (
	"fmt"
	"testing"

	"github.com/valyala/fastjson"
)

// records are CloudTrail-like records of about 1.3 KB, as hunt reads them.
func records() [][]byte {
	var out [][]byte
	for i := range 64 {
		out = append(out, fmt.Appendf(nil, `{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole",`+
			`"principalId":"AROAEXAMPLE%d:session-%d","arn":"arn:aws:sts::111122223333:assumed-role/ops-%d/session-%d",`+
			`"accountId":"111122223333","accessKeyId":"ASIAEXAMPLE%04d","sessionContext":{"sessionIssuer":{"type":"Role",`+
			`"principalId":"AROAEXAMPLE%d","arn":"arn:aws:iam::111122223333:role/ops-%d","accountId":"111122223333",`+
			`"userName":"ops-%d"},"attributes":{"creationDate":"2026-11-01T00:00:00Z","mfaAuthenticated":"false"}}},`+
			`"eventTime":"2026-11-01T00:%02d:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeVolumes",`+
			`"awsRegion":"eu-west-1","sourceIPAddress":"192.0.2.%d","userAgent":"aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux",`+
			`"requestParameters":{"filterSet":{"items":[{"name":"tag:team","valueSet":{"items":[{"value":"platform \"core\""}]}}]},"maxResults":1000},`+
			`"responseElements":null,"requestID":"%08x-aaaa-bbbb-cccc-000000000000","eventID":"%08x-0000-4000-8000-000000000000",`+
			`"readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333",`+
			`"eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256",`+
			`"clientProvidedHostHeader":"ec2.eu-west-1.amazonaws.com"}}`, i, i, i%7, i, i, i, i%7, i%7, i%60, i, i*7919, i*104729))
	}
	return out
}

// BenchmarkParse compares the parser with fastjson's on the same records
// in the same run. fastjson resolves escapes only when a key or string is
// read, so its figure leaves out work this parser's includes.
func BenchmarkParse(b *testing.B) {
	var ours Parser
	var theirs fastjson.Parser
	b.Run("parser=jsondoc", func(b *testing.B) {
		benchmarkParse(b, func(r []byte) error { _, err := ours.ParseBytes(r); return err })
	})
	b.Run("parser=fastjson", func(b *testing.B) {
		benchmarkParse(b, func(r []byte) error { _, err := theirs.ParseBytes(r); return err })
	})
}

func benchmarkParse(b *testing.B, parse func([]byte) error) {
	recs := records()
	size := 0
	for _, r := range recs {
		size += len(r)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range recs {
			if err := parse(r); err != nil {
				b.Fatal(err)
			}
		}
	}
}
