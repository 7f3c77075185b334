package aws

import "testing"

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "ec2:createsnapshot", true},
		{"ec2:*snapshot*", "ec2:createsnapshot", true},
		{"ec2:*snapshot*", "ec2:snapshot", true},
		{"ec2:*snapshot*", "ec2:createimage", false},
		{"ec2:create*", "ec2:createvolume", true},
		{"ec2:create*", "ebs:createvolume", false},
		{"rds:copydb????????", "rds:copydbsnapshot", true},
		{"rds:copydb????????", "rds:copydbclustersnapshot", false},
		{"a*b*c", "abbbc", true},
		{"a*b*c", "acb", false},
		{"", "", true},
		{"", "x", false},
		{"**", "", true},
	}
	for _, tt := range tests {
		if got := match(tt.pattern, tt.s); got != tt.want {
			t.Errorf("match(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestIntersects(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"*", "arn:aws:ec2:*::snapshot/*", true},
		{"arn:aws:ec2:eu-west-1:1:volume/vol-1", "arn:aws:ec2:*:*:volume/*", true},
		{"arn:aws:ec2:*::snapshot/SNAP-*", "arn:aws:ec2:*::snapshot/*", true},
		// a '*' does not reach across segments
		{"arn:aws:ec2:*::snapshot/*", "arn:aws:ec2:*::image/*", false},
		{"arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:*::snapshot/*", false},
		// ARNs are case-sensitive
		{"arn:aws:EC2:*::snapshot/*", "arn:aws:ec2:*::snapshot/*", false},
		{"arn:aws:s3:::bucket/*", "arn:aws:ec2:*::snapshot/*", false},
		// fewer segments: the pattern as a whole
		{"arn:*", "arn:aws:ec2:*::snapshot/*", true},
		{"arn:aws:ec2:?::snapshot/*", "arn:aws:ec2:*::snapshot/x", true},
		{"arn:aws:rds:*:1:snapshot:prod-*", "arn:aws:rds:*:*:snapshot:*", true},
	}
	for _, tt := range tests {
		if got := intersects(tt.a, tt.b); got != tt.want {
			t.Errorf("intersects(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := intersects(tt.b, tt.a); got != tt.want {
			t.Errorf("intersects(%q, %q) = %v, want %v (symmetry)", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestCovers(t *testing.T) {
	tests := []struct {
		p, q string
		want bool
	}{
		{"*", "arn:aws:ec2:*::snapshot/*", true},
		{"arn:*", "arn:aws:ec2:*::snapshot/*", true},
		{"arn:aws:ec2:*:*:*", "arn:aws:ec2:*::snapshot/*", true},
		{"arn:aws:ec2:*::snapshot/*", "arn:aws:ec2:*::snapshot/*", true},
		{"arn:aws:ec2:eu-west-1::snapshot/*", "arn:aws:ec2:*::snapshot/*", false},
		{"arn:aws:ec2:*::snapshot/snap-1", "arn:aws:ec2:*::snapshot/*", false},
		{"arn:aws:ec2:*::snapshot/?", "arn:aws:ec2:*::snapshot/*", false},
		{"arn:aws:iam::1:user/*", "arn:aws:iam::1:user/alice", true},
		{"arn:aws:iam::1:user/bob", "arn:aws:iam::1:user/alice", false},
		{"*", "*", true},
		{"arn:aws:ec2:*::snapshot/*", "*", false},
	}
	for _, tt := range tests {
		if got := covers(tt.p, tt.q); got != tt.want {
			t.Errorf("covers(%q, %q) = %v, want %v", tt.p, tt.q, got, tt.want)
		}
	}
}

func TestSubstitute(t *testing.T) {
	vars := map[string]string{"aws:username": "alice"}
	tests := []struct {
		p    string
		wild bool
		want string
	}{
		{"arn:aws:iam::1:user/${aws:username}", false, "arn:aws:iam::1:user/alice"},
		{"arn:aws:iam::1:user/${AWS:UserName}", false, "arn:aws:iam::1:user/alice"},
		{"arn:aws:s3:::b/${aws:PrincipalTag/team}/*", true, "arn:aws:s3:::b/*/*"},
		{"arn:aws:s3:::b/${aws:PrincipalTag/team}", false, "arn:aws:s3:::b/\x00"},
		{"arn:aws:s3:::b/${*}", false, "arn:aws:s3:::b/*"},
		{"unterminated ${aws:username", false, "unterminated ${aws:username"},
	}
	for _, tt := range tests {
		if got := substitute(tt.p, vars, tt.wild); got != tt.want {
			t.Errorf("substitute(%q, wild=%v) = %q, want %q", tt.p, tt.wild, got, tt.want)
		}
	}
}
