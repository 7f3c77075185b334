package finding_test

import (
	"encoding/json"
	"testing"

	"github.com/snapwarden/snapwarden/internal/finding"
)

func TestParseSeverity(t *testing.T) {
	tests := []struct {
		in      string
		want    finding.Severity
		wantErr bool
	}{
		{"info", finding.Info, false},
		{"low", finding.Low, false},
		{"medium", finding.Medium, false},
		{"high", finding.High, false},
		{"critical", finding.Critical, false},
		{" HIGH ", finding.High, false},
		{"Critical", finding.Critical, false},
		{"informational", 0, true}, // a Sigma level, not a severity name
		{"", 0, true},
		{"severe", 0, true},
		{"5", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := finding.ParseSeverity(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseSeverity(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestFromSigmaLevel(t *testing.T) {
	tests := []struct {
		in      string
		want    finding.Severity
		wantErr bool
	}{
		{"informational", finding.Info, false},
		{"low", finding.Low, false},
		{"medium", finding.Medium, false},
		{"high", finding.High, false},
		{"critical", finding.Critical, false},
		{"High", finding.High, false},
		{"info", 0, true},
		{"", 0, true},
		{"urgent", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := finding.FromSigmaLevel(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("FromSigmaLevel(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestSeverity_String(t *testing.T) {
	want := []string{"info", "low", "medium", "high", "critical"}
	for i, s := range finding.Severities {
		if s.String() != want[i] {
			t.Errorf("%d: String() = %q, want %q", i, s, want[i])
		}
		if i > 0 && !(finding.Severities[i-1] < s) {
			t.Errorf("%v is not above %v", s, finding.Severities[i-1])
		}
		back, err := finding.ParseSeverity(s.String())
		if err != nil || back != s {
			t.Errorf("ParseSeverity(%q) = %v, %v", s, back, err)
		}
	}
	if got := finding.Severity(0).String(); got != "severity(0)" {
		t.Errorf("zero severity prints %q", got)
	}
}

func TestSeverity_JSON(t *testing.T) {
	b, err := json.Marshal(struct{ S finding.Severity }{finding.High})
	if err != nil || string(b) != `{"S":"high"}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	if _, err := json.Marshal(finding.Severity(0)); err == nil {
		t.Error("the zero severity marshals; want an error so a forgotten severity shows")
	}
	var s finding.Severity
	if err := json.Unmarshal([]byte(`"critical"`), &s); err != nil || s != finding.Critical {
		t.Errorf("Unmarshal = %v, %v", s, err)
	}
	if err := json.Unmarshal([]byte(`"bad"`), &s); err == nil {
		t.Error("Unmarshal accepted an unknown severity")
	}
}
