package cloudtrail

import "testing"

// TestMayHandle: the shape filter passes every operation with a handler
// and turns away the common reads, which then cost no map lookup.
func TestMayHandle(t *testing.T) {
	for k := range handlers {
		if !mayHandle(k.name) || handlerOf(k.source, k.name) == nil {
			t.Errorf("%s %s: no handler found", k.source, k.name)
		}
	}
	for _, name := range []string{"DescribeInstances", "GetCallerIdentity", "ListBuckets", "DescribeSnapshots",
		"GetObject", "ConsoleLogin", "", "ä", string(make([]byte, 70))} {
		if mayHandle(name) {
			t.Errorf("%q may have a handler", name)
		}
	}
}
