// Command benchcorpus writes the CloudTrail benchmark corpus and times a
// plain fastjson parse of it, the floor the rule benchmark is compared with.
//
//	benchcorpus -samples ../shared/samples -out corpus.ndjson -n 200000
//	benchcorpus -parse corpus.ndjson
//	benchcorpus -parse-mapped corpus.ndjson
//
// The corpus mixes the shipped real CloudTrail samples, with fresh event ids
// and times, and routine read-only traffic, one ~1.5 KB record a line.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/valyala/fastjson"

	"github.com/snapwarden/snapwarden/internal/source"
)

func main() {
	samples := flag.String("samples", "../shared/samples", "shared sample folder")
	out := flag.String("out", "", "write the corpus here")
	n := flag.Int("n", 200000, "records to write")
	parse := flag.String("parse", "", "time a plain fastjson parse of this NDJSON file, its records in memory")
	parseMapped := flag.String("parse-mapped", "", "time a plain fastjson parse of this NDJSON file read as hunt reads it")
	flag.Parse()
	var err error
	switch {
	case *parse != "":
		err = timeParse(*parse)
	case *parseMapped != "":
		err = timeParseMapped(*parseMapped)
	case *out != "":
		err = write(*samples, *out, *n)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchcorpus:", err)
		os.Exit(1)
	}
}

// write builds the corpus: 30 % real samples, 70 % routine reads.
func write(samples, out string, n int) error {
	real, err := loadSamples(samples)
	if err != nil {
		return err
	}
	if len(real) == 0 {
		return fmt.Errorf("no CloudTrail samples under %s", samples)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		var rec map[string]any
		if rng.IntN(10) < 3 {
			rec = clone(real[rng.IntN(len(real))])
		} else {
			rec = routine(rng)
		}
		rec["eventID"] = fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", rng.Uint32(), i&0xffff, rng.IntN(4096), rng.IntN(4096), rng.Uint64()&0xffffffffffff)
		rec["eventTime"] = start.Add(time.Duration(i) * 13 * time.Second).Format(time.RFC3339)
		b, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		w.Write(b)
		w.WriteByte('\n')
	}
	return w.Flush()
}

func loadSamples(dir string) ([]map[string]any, error) {
	var out []map[string]any
	globs := []string{"aws/cloudtrail/stratus/detonation-logs/*.json", "aws/cloudtrail/traildiscover/logExamples/*.json.cloudtrail"}
	for _, g := range globs {
		paths, err := filepath.Glob(filepath.Join(dir, g))
		if err != nil {
			return nil, err
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			b = bytes.TrimSpace(b)
			var many []map[string]any
			if json.Unmarshal(b, &many) == nil {
				out = append(out, many...)
				continue
			}
			var one map[string]any
			if json.Unmarshal(b, &one) == nil && one["eventName"] != nil {
				out = append(out, one)
			}
		}
	}
	return out, nil
}

func clone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var c map[string]any
	json.Unmarshal(b, &c)
	return c
}

var reads = []struct{ source, name string }{
	{"ec2.amazonaws.com", "DescribeInstances"}, {"ec2.amazonaws.com", "DescribeVolumes"},
	{"ec2.amazonaws.com", "DescribeSnapshots"}, {"ec2.amazonaws.com", "DescribeSecurityGroups"},
	{"s3.amazonaws.com", "GetBucketAcl"}, {"s3.amazonaws.com", "ListBuckets"},
	{"iam.amazonaws.com", "GetUser"}, {"iam.amazonaws.com", "ListRoles"},
	{"sts.amazonaws.com", "AssumeRole"}, {"sts.amazonaws.com", "GetCallerIdentity"},
	{"rds.amazonaws.com", "DescribeDBInstances"}, {"kms.amazonaws.com", "Decrypt"},
	{"cloudwatch.amazonaws.com", "GetMetricData"}, {"lambda.amazonaws.com", "ListFunctions20150331"},
}

// routine is a read-only call by one of a few principals, padded like a real
// record (request parameters, TLS details) to about 1.5 KB.
func routine(rng *rand.Rand) map[string]any {
	op := reads[rng.IntN(len(reads))]
	user := []string{"ops-dashboard", "terraform-plan", "datadog-integration", "alice"}[rng.IntN(4)]
	return map[string]any{
		"eventVersion": "1.09",
		"userIdentity": map[string]any{
			"type": "AssumedRole", "principalId": "AROAEXAMPLEROLEID:" + user,
			"arn":       "arn:aws:sts::111122223333:assumed-role/" + user + "/session-" + fmt.Sprint(rng.IntN(100)),
			"accountId": "111122223333", "accessKeyId": "ASIAEXAMPLEKEY" + fmt.Sprint(rng.IntN(1000)),
			"sessionContext": map[string]any{
				"sessionIssuer": map[string]any{"type": "Role", "principalId": "AROAEXAMPLEROLEID",
					"arn": "arn:aws:iam::111122223333:role/" + user, "accountId": "111122223333", "userName": user},
				"attributes": map[string]any{"creationDate": "2026-11-01T00:00:00Z", "mfaAuthenticated": "false"},
			},
		},
		"eventSource": op.source, "eventName": op.name, "awsRegion": "eu-west-1",
		"sourceIPAddress": fmt.Sprintf("192.0.2.%d", rng.IntN(250)+1),
		"userAgent":       "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.171.0",
		"requestParameters": map[string]any{"maxResults": 1000, "filterSet": map[string]any{"items": []any{
			map[string]any{"name": "tag:team", "valueSet": map[string]any{"items": []any{map[string]any{"value": "platform"}}}}}}},
		"responseElements":   nil,
		"requestID":          fmt.Sprintf("%08x-aaaa-bbbb-cccc-%012x", rng.Uint32(), rng.Uint64()&0xffffffffffff),
		"readOnly":           true,
		"eventType":          "AwsApiCall",
		"managementEvent":    true,
		"recipientAccountId": "111122223333",
		"eventCategory":      "Management",
		"tlsDetails": map[string]any{"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
			"clientProvidedHostHeader": op.source[:len(op.source)-len(".amazonaws.com")] + ".eu-west-1.amazonaws.com"},
	}
}

// timeParse parses every line of path with fastjson, reusing one parser,
// and prints records/s and MB/s (file reading excluded).
func timeParse(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte{'\n'})
	var p fastjson.Parser
	best := time.Duration(1 << 62)
	for range 3 {
		start := time.Now()
		for _, l := range lines {
			if _, err := p.ParseBytes(l); err != nil {
				return err
			}
		}
		best = min(best, time.Since(start))
	}
	secs := best.Seconds()
	fmt.Printf("plain fastjson parse: %d records in %.3fs: %.0f records/s, %.1f MB/s\n",
		len(lines), secs, float64(len(lines))/secs, float64(len(data))/(1<<20)/secs)
	return nil
}

// timeParseMapped parses every line of path with fastjson as hunt reads a
// file: mapped into memory (source.Open) and each line found with
// bytes.IndexByte, all inside the clock. Each of three passes maps the file
// anew, so that each pays for mapping the page cache, as a hunt run does.
func timeParseMapped(path string) error {
	best, records := time.Duration(1<<62), 0
	var size int64
	for range 3 {
		start := time.Now()
		r, err := source.Open(source.Input{Name: path}, nil)
		if err != nil {
			return err
		}
		data := r.Bytes()
		if data == nil {
			r.Close()
			return fmt.Errorf("%s: not mapped into memory on this system", path)
		}
		var p fastjson.Parser
		records, size = 0, int64(len(data))
		for len(data) > 0 {
			line := data
			if i := bytes.IndexByte(data, '\n'); i >= 0 {
				line, data = data[:i], data[i+1:]
			} else {
				data = nil
			}
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			if _, err := p.ParseBytes(line); err != nil {
				r.Close()
				return err
			}
			records++
		}
		r.Close()
		best = min(best, time.Since(start))
	}
	secs := best.Seconds()
	fmt.Printf("fastjson parse of the mapped file: %d records in %.3fs: %.0f records/s, %.1f MB/s\n",
		records, secs, float64(records)/secs, float64(size)/(1<<20)/secs)
	return nil
}
