package aws

import (
	"math/rand/v2"
	"strconv"
)

// User agents as CloudTrail records them. The AWS CLI v2 adds the command
// it runs (md/command#ec2.create-snapshot); the writer appends it.
var (
	cliAgents = []string{
		"aws-cli/2.22.35 md/awscrt#0.23.8 ua/2.0 os/linux#6.8.0-1021-aws md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off",
		"aws-cli/2.24.10 md/awscrt#0.23.8 ua/2.1 os/macos#24.3.0 md/arch#arm64 lang/python#3.12.9 md/pyimpl#CPython m/N,b,Z,E cfg/retry-mode#standard md/installer#source md/prompt#off",
		"aws-cli/2.23.6 md/awscrt#0.23.4 ua/2.0 os/windows#10 md/arch#amd64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off",
	}
	consoleAgents = []string{
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/132.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
		"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
	}
)

const (
	lambdaAgent    = "Boto3/1.35.90 md/Botocore#1.35.90 ua/2.0 os/linux#5.10.233-244.887.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.8 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.35.90"
	terraformAgent = "APN/1.0 HashiCorp/1.0 Terraform/1.10.3 (+https://www.terraform.io) terraform-provider-aws/5.82.2 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.7 ua/2.1 os/linux lang/go#1.23.3 md/GOOS#linux md/GOARCH#amd64 m/C,g"
	attackerAgent  = "Boto3/1.35.76 md/Botocore#1.35.76 ua/2.0 os/linux#6.1.0-28-amd64 md/arch#x86_64 lang/python#3.11.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.76"
)

// First octets of the address blocks callers come from: residential and
// office ISPs for people, hosting providers for rented servers, AWS's own
// ranges for Lambda functions and CI runners.
var (
	homePrefixes    = []int{62, 77, 78, 81, 82, 84, 86, 88, 90, 92, 94, 109, 176, 178, 188, 212, 217}
	hostingPrefixes = []int{45, 103, 146, 167, 185, 193, 195}
	awsPrefixes     = []int{3, 18, 34, 35, 52, 54}
)

// publicIP makes an IPv4 address in one of the blocks.
func publicIP(r *rand.Rand, blocks []int) string {
	b := strconv.AppendInt(nil, int64(blocks[r.IntN(len(blocks))]), 10)
	for range 3 {
		b = append(b, '.')
		b = strconv.AppendInt(b, int64(1+r.IntN(254)), 10)
	}
	return string(b)
}

func awsIP(r *rand.Rand) string { return publicIP(r, awsPrefixes) }
