package rule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseDuration reads a time span as rules write it: Sigma's number and
// unit ("30s", "10m", "1h", "7d", "2w") or a Go duration ("1h30m"). It must
// be positive.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n := len(s); n >= 2 && (s[n-1] == 'd' || s[n-1] == 'w') {
		v, err := strconv.ParseUint(s[:n-1], 10, 16)
		if err != nil {
			return 0, fmt.Errorf("%q is not a time span (write 30s, 10m, 1h, 7d or 2w)", s)
		}
		day := 24 * time.Hour
		if s[n-1] == 'w' {
			day *= 7
		}
		d := time.Duration(v) * day
		if d <= 0 {
			return 0, fmt.Errorf("time span %q must be positive", s)
		}
		return d, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a time span (write 30s, 10m, 1h, 7d or 2w)", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("time span %q must be positive", s)
	}
	return d, nil
}
