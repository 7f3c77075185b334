package finding

import (
	"fmt"
	"strings"
)

// Severity ranks findings: Info < Low < Medium < High < Critical. The values
// equal OCSF's severity_id, so the OCSF renderer needs no table. The zero
// value is invalid and refuses to marshal, so a finding built without a
// severity fails loudly instead of printing as "info".
type Severity int

const (
	Info Severity = iota + 1
	Low
	Medium
	High
	Critical
)

// Severities lists every severity, lowest first.
var Severities = []Severity{Info, Low, Medium, High, Critical}

var severityNames = [...]string{Info: "info", Low: "low", Medium: "medium", High: "high", Critical: "critical"}

// Valid reports whether s is one of the five severities.
func (s Severity) Valid() bool { return s >= Info && s <= Critical }

func (s Severity) String() string {
	if !s.Valid() {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity accepts a severity name (any case) and rejects other text.
func ParseSeverity(s string) (Severity, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, v := range Severities {
		if severityNames[v] == t {
			return v, nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want info, low, medium, high or critical)", s)
}

// FromSigmaLevel maps a Sigma rule level to a severity: informational is
// info, the others keep their names.
func FromSigmaLevel(level string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(level)) {
	case "informational":
		return Info, nil
	case "low":
		return Low, nil
	case "medium":
		return Medium, nil
	case "high":
		return High, nil
	case "critical":
		return Critical, nil
	}
	return 0, fmt.Errorf("unknown Sigma level %q (want informational, low, medium, high or critical)", level)
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("invalid severity %d", int(s))
	}
	return []byte(severityNames[s]), nil
}

// UnmarshalText parses a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
