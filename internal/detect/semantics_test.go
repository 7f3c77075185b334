package detect_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// The semantics tables: a rule fragment, an event, the verdict the Sigma
// specification (v2.1) gives. Each case runs with the operation index and
// without it, which must agree. Cases marked "peer:" are ones where other Go
// Sigma engines get it wrong (go-stack.md).

// ctEvent is a CloudTrail record with the shapes the cases need.
const ctEvent = `{
 "eventVersion": "1.08", "eventSource": "ec2.amazonaws.com", "eventName": "CreateSnapshot",
 "awsRegion": "eu-west-1", "sourceIPAddress": "203.0.113.7", "userAgent": "aws-cli/2.15.0 Python/3.11",
 "eventTime": "2026-03-01T22:15:30Z",
 "userIdentity": {"type": "AssumedRole", "userName": "ALICE",
  "arn": "arn:aws:sts::111122223333:assumed-role/Admin/alice", "accountId": "111122223333",
  "sessionContext": {"sessionIssuer": {"type": "Role", "userName": "Admin"}, "attributes": {"mfaAuthenticated": "false"}}},
 "requestParameters": {
  "volumeId": "vol-0abc", "userName": "alice",
  "description": "C:\\Backups\\nightly *full* run?",
  "tagSpecificationSet": {"items": [{"resourceType": "snapshot", "tags": [{"key": "Name", "value": "prod-db"}, {"key": "env", "value": "prod"}]}]},
  "size": 100, "port": "22", "encrypted": true, "flag": "true", "nothing": null, "empty": "", "ids": ["i-1", "i-2"],
  "multi": "line1\nline2", "unicode": "Ünïcode ✓", "longs": "\u017fecret", "pct": "%admins%", "epoch": 1772403330,
  "b64": "Y21kIC9jIHdob2FtaQ==", "b64off": "eHhzZWNyZXQtdG9rZW55eQ==", "b64other": "eHhvdGhlci10b2tlbnl5",
  "ps": "YWJwAG8AdwBlAHIAcwBoAGUAbABsACAALQBlAG4AYwB6eg==", "bom": "//5jAG0AZAAuLg==",
  "wide": "c\u0000m\u0000d\u0000", "widebe": "\u0000c\u0000m\u0000d",
  "cmdline": "tool.exe /install \u2013force", "ip6": "2001:db8::5", "mapped": "::ffff:203.0.113.7", "hostport": "203.0.113.7:4567",
  "kelvin": "\u212a\u212a\u212a", "abar": "\u023a\u023a"},
 "responseElements": {"snapshotId": "snap-0def", "volumeSize": 100, "startTime": "2026-03-01T22:15:30Z", "status": "pending"},
 "additionalEventData": {"MFAUsed": "No"},
 "resources": [{"ARN": "arn:aws:ec2:eu-west-1::snapshot/snap-0def", "type": "AWS::EC2::Snapshot"}]
}`

type semCase struct {
	name string
	ls   [2]string // log source; default aws cloudtrail
	s    *rule.Search
	d    D         // several searches (with cond)
	cond rule.Expr // default: the only search
	docs []string  // raw records (product: one normalized event); default ctEvent
	ev   func(*event.Event)
	opts detect.Options
	want bool
}

func runSemantics(t *testing.T, cases []semCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ls := tc.ls
			if ls == [2]string{} {
				ls = awsCT
			}
			d := tc.d
			if d == nil {
				d = D{"selection": tc.s}
			}
			r := mkRule("r1", ls[0], ls[1], d, tc.cond)
			docs := tc.docs
			if docs == nil {
				docs = []string{ctEvent}
			}
			var ev *event.Event
			if ls == product {
				ev = normEvent(t, docs[0])
			} else {
				ev = rawEvent(t, formatOf[ls], docs...)
			}
			if tc.ev != nil {
				tc.ev(ev)
			}
			for _, noIndex := range []bool{false, true} {
				opts := tc.opts
				opts.DisableIndex = noIndex
				e := compile(t, opts, r)
				got := len(e.Match(ev, nil)) == 1
				if got != tc.want {
					t.Errorf("match = %v, want %v (index disabled: %v)", got, tc.want, noIndex)
				}
			}
		})
	}
}

func TestSemantics_Equality(t *testing.T) {
	runSemantics(t, []semCase{
		{name: "exact", s: sel(fm("eventName", "CreateSnapshot")), want: true},
		{name: "case-insensitive lower", s: sel(fm("eventName", "createsnapshot")), want: true},
		{name: "case-insensitive upper", s: sel(fm("eventName", "CREATESNAPSHOT")), want: true},
		{name: "peer: NO equals No", s: sel(fm("additionalEventData.MFAUsed", "NO")), want: true},
		{name: "cased differs", s: sel(fm("eventName|cased", "createsnapshot")), want: false},
		{name: "cased same", s: sel(fm("eventName|cased", "CreateSnapshot")), want: true},
		{name: "not a prefix match", s: sel(fm("eventName", "CreateSnap")), want: false},
		{name: "non-ASCII case", s: sel(fm("requestParameters.unicode", "üNÏCODE ✓")), want: true},
		// Lowering changes UTF-8 lengths: nine bytes of Kelvin signs fold
		// to "kkk", four bytes of U+023A to six.
		{name: "folds 3 bytes to 1", s: sel(fm("requestParameters.kelvin", "kkk")), want: true},
		{name: "folds 2 bytes to 3", s: sel(fm("requestParameters.abar", "\u2c65\u2c65")), want: true},
		{name: "longer than its fold", s: sel(fm("requestParameters.kelvin", "kk")), want: false},
		{name: "list is OR", s: sel(fm("eventName", "DeleteSnapshot", "CreateSnapshot")), want: true},
		{name: "list none", s: sel(fm("eventName", "DeleteSnapshot", "CopySnapshot")), want: false},
		{name: "map is AND", s: sel(fm("eventName", "CreateSnapshot"), fm("eventSource", "ec2.amazonaws.com")), want: true},
		{name: "map AND fails", s: sel(fm("eventName", "CreateSnapshot"), fm("eventSource", "rds.amazonaws.com")), want: false},
		{name: "list of maps is OR", s: maps(all(fm("eventName", "X")), all(fm("eventSource", "ec2.amazonaws.com"))), want: true},
		{name: "peer: dotted path into nested objects", s: sel(fm("userIdentity.sessionContext.sessionIssuer.type", "Role")), want: true},
		{name: "dotted path missing", s: sel(fm("userIdentity.sessionContext.sessionIssuer.arn", "x")), want: false},
	})
}

func TestSemantics_Wildcards(t *testing.T) {
	runSemantics(t, []semCase{
		{name: "peer: star suffix", s: sel(fm("eventName", "Create*")), want: true},
		{name: "star prefix", s: sel(fm("eventName", "*snapshot")), want: true},
		{name: "star both", s: sel(fm("eventName", "*EATESNAP*")), want: true},
		{name: "star middle", s: sel(fm("eventName", "C*S*t")), want: true},
		{name: "star only", s: sel(fm("eventName", "*")), want: true},
		{name: "star no match", s: sel(fm("eventName", "Delete*")), want: false},
		{name: "question one char", s: sel(fm("eventName", "Create?napshot")), want: true},
		{name: "question two", s: sel(fm("eventName", "Create??apshot")), want: true},
		{name: "question exactly one", s: sel(fm("eventName", "Create?apshot")), want: false},
		{name: "question is one rune", s: sel(fm("requestParameters.unicode", "?n?code ?")), want: true},
		{name: "star and question", s: sel(fm("eventName", "*te?nap*")), want: true},
		{name: "star and question no", s: sel(fm("eventName", "*e?Snap*")), want: false},
		{name: "escaped star question, plain backslash", s: sel(fm("requestParameters.description", `C:\Backups\nightly \*full\* run\?`)), want: true},
		{name: "escaped backslash then star", s: sel(fm("requestParameters.description", `C:\\Backups\\nightly *`)), want: true},
		{name: "escaped star is literal", s: sel(fm("requestParameters.description", `C:\Backups\nightly \*full\*`)), want: false},
		{name: "escaped star needs a star", s: sel(fm("eventName", `Create\*`)), want: false},
		{name: "contains", s: sel(fm("eventName|contains", "eateSnap")), want: true},
		{name: "contains literal star", s: sel(fm("requestParameters.description|contains", `\*full\*`)), want: true},
		{name: "contains with wildcard inside", s: sel(fm("requestParameters.description|contains", "full*run")), want: true},
		{name: "contains wildcard order", s: sel(fm("requestParameters.description|contains", "run*full")), want: false},
		{name: "startswith", s: sel(fm("requestParameters.description|startswith", `c:\backups`)), want: true},
		{name: "startswith no", s: sel(fm("requestParameters.description|startswith", `backups`)), want: false},
		{name: "endswith escaped", s: sel(fm("requestParameters.description|endswith", `run\?`)), want: true},
		{name: "endswith no", s: sel(fm("requestParameters.description|endswith", "run")), want: false},
		{name: "endswith question", s: sel(fm("requestParameters.description|endswith", "ru??")), want: true},
		{name: "contains all", s: sel(fm("requestParameters.description|contains|all", "nightly", "FULL")), want: true},
		{name: "contains all fails", s: sel(fm("requestParameters.description|contains|all", "nightly", "weekly")), want: false},
	})
}

func TestSemantics_NullExistsNeq(t *testing.T) {
	runSemantics(t, []semCase{
		{name: "exists true", s: sel(fm("userIdentity.arn|exists", true)), want: true},
		{name: "exists false on present", s: sel(fm("userIdentity.arn|exists", false)), want: false},
		{name: "exists false on absent", s: sel(fm("errorMessage|exists", false)), want: true},
		{name: "exists true on null", s: sel(fm("requestParameters.nothing|exists", true)), want: true},
		{name: "exists true on empty", s: sel(fm("requestParameters.empty|exists", true)), want: true},
		{name: "exists as string", s: sel(fm("requestParameters.missing|exists", "false")), want: true},
		{name: "peer: null on absent", s: sel(fm("errorCode", nil)), want: true},
		{name: "null on JSON null", s: sel(fm("requestParameters.nothing", nil)), want: true},
		{name: "null on empty string", s: sel(fm("requestParameters.empty", nil)), want: false},
		{name: "null on a value", s: sel(fm("eventName", nil)), want: false},
		{name: "empty string", s: sel(fm("requestParameters.empty", "")), want: true},
		{name: "empty string on null", s: sel(fm("requestParameters.nothing", "")), want: false},
		{name: "empty string on absent", s: sel(fm("errorCode", "")), want: false},
		{name: "peer: null selection in 1 of (GuardDuty rule shape)", d: D{
			"selection":                sel(fm("eventName", "CreateSnapshot")),
			"selection_status_success": sel(fm("errorCode", "Success")),
			"selection_status_null":    sel(fm("errorCode", nil)),
		}, cond: and(ref("selection"), of(1, "selection_status_*")), want: true},
		{name: "not null", d: D{"sel": sel(fm("eventName", "CreateSnapshot")), "filter": sel(fm("requestParameters.volumeId", nil))},
			cond: and(ref("sel"), not(ref("filter"))), want: true},
		{name: "neq differs", s: sel(fm("eventName|neq", "DeleteSnapshot")), want: true},
		{name: "neq equal, case-insensitively", s: sel(fm("eventName|neq", "createsnapshot")), want: false},
		{name: "neq cased", s: sel(fm("eventName|neq|cased", "createsnapshot")), want: true},
		{name: "neq on absent", s: sel(fm("errorCode|neq", "x")), want: false},
		{name: "neq on null", s: sel(fm("requestParameters.nothing|neq", "x")), want: false},
		{name: "neq number equal", s: sel(fm("requestParameters.size|neq", 100)), want: false},
		{name: "neq number differs", s: sel(fm("requestParameters.size|neq", 101)), want: true},
		{name: "neq list differs from every value", s: sel(fm("eventName|neq", "A", "B")), want: true},
		{name: "neq list equal to one", s: sel(fm("eventName|neq", "A", "CreateSnapshot")), want: false},
		{name: "neq null: has a value", s: sel(fm("eventName|neq", nil)), want: true},
		{name: "neq with wildcard", s: sel(fm("eventName|neq", "Delete*")), want: true},
	})
}

func TestSemantics_NumbersBooleans(t *testing.T) {
	runSemantics(t, []semCase{
		{name: "number equals number", s: sel(fm("requestParameters.size", 100)), want: true},
		{name: "'100' equals 100", s: sel(fm("requestParameters.size", "100")), want: true},
		{name: "100.0 equals 100", s: sel(fm("requestParameters.size", 100.0)), want: true},
		{name: "'100.0' equals 100 numerically", s: sel(fm("requestParameters.size", "100.0")), want: true},
		{name: "0x64 equals 100", s: sel(fm("requestParameters.size", num{"0x64", 100})), want: true},
		{name: "wildcard on a number", s: sel(fm("requestParameters.size", "1*")), want: true},
		{name: "number differs", s: sel(fm("requestParameters.size", 10)), want: false},
		{name: "number equals numeric string", s: sel(fm("requestParameters.port", 22)), want: true},
		{name: "gt", s: sel(fm("requestParameters.size|gt", 99)), want: true},
		{name: "gt equal", s: sel(fm("requestParameters.size|gt", 100)), want: false},
		{name: "gte", s: sel(fm("requestParameters.size|gte", 100)), want: true},
		{name: "lt", s: sel(fm("requestParameters.size|lt", 100)), want: false},
		{name: "lte", s: sel(fm("requestParameters.size|lte", 100)), want: true},
		{name: "lt on a numeric string", s: sel(fm("requestParameters.port|lt", 1024)), want: true},
		{name: "gt on text", s: sel(fm("eventName|gt", 1)), want: false},
		{name: "peer: 'true' equals JSON true", s: sel(fm("requestParameters.encrypted", "true")), want: true},
		{name: "'TRUE' equals JSON true", s: sel(fm("requestParameters.encrypted", "TRUE")), want: true},
		{name: "true equals JSON true", s: sel(fm("requestParameters.encrypted", true)), want: true},
		{name: "false is not JSON true", s: sel(fm("requestParameters.encrypted", false)), want: false},
		{name: "'false' is not JSON true", s: sel(fm("requestParameters.encrypted", "false")), want: false},
		{name: "true equals the string true", s: sel(fm("requestParameters.flag", true)), want: true},
		{name: "boolean wildcard", s: sel(fm("requestParameters.encrypted", "t*")), want: true},
	})
}

func TestSemantics_ArraysObjects(t *testing.T) {
	runSemantics(t, []semCase{
		{name: "array: any element", s: sel(fm("requestParameters.ids", "i-2")), want: true},
		{name: "array: none", s: sel(fm("requestParameters.ids", "i-3")), want: false},
		{name: "array: all over elements", s: sel(fm("requestParameters.ids|all", "i-1", "i-2")), want: true},
		{name: "array of objects, twice nested", s: sel(fm("requestParameters.tagSpecificationSet.items.tags.value", "prod-db")), want: true},
		{name: "array of objects, startswith", s: sel(fm("requestParameters.tagSpecificationSet.items.tags.key|startswith", "en")), want: true},
		{name: "top-level array", s: sel(fm("resources.ARN|contains", "snapshot/")), want: true},
		{name: "object never equals a scalar", s: sel(fm("requestParameters", "vol-0abc")), want: false},
		{name: "object: contains looks at leaves", s: sel(fm("requestParameters|contains", "VOL-0ABC")), want: true},
		{name: "object: contains does not look at keys", s: sel(fm("requestParameters|contains", "volumeId")), want: false},
		{name: "object: contains nested leaf", s: sel(fm("requestParameters|contains", "prod-db")), want: true},
		{name: "object: star", s: sel(fm("requestParameters", "*")), want: true},
		{name: "object: regex on leaves", s: sel(fm("requestParameters|re", "^vol-[0-9a-f]+$")), want: true},
		{name: "object: number compare", s: sel(fm("requestParameters|gt", 1)), want: false},
		{name: "object exists", s: sel(fm("requestParameters|exists", true)), want: true},
	})
}

func TestSemantics_Keywords(t *testing.T) {
	many := make([]any, 70)
	for i := range many {
		many[i] = fmt.Sprintf("no-such-keyword-%d", i)
	}
	manyLast := append(append([]any(nil), many[:69]...), "vol-0ABC")
	runSemantics(t, []semCase{
		{name: "70 keywords, the last one", s: kw("", manyLast...), want: true},
		{name: "70 keywords, none", s: kw("", many...), want: false},
		{name: "70 keywords all, one missing", s: kw("|all", manyLast...), want: false},
		{name: "peer: keyword anywhere", s: kw("", "snap-0DEF"), want: true},
		{name: "keyword substring", s: kw("", "0de"), want: true},
		{name: "keyword no match", s: kw("", "nothing-like-this"), want: false},
		{name: "keyword list is OR", s: kw("", "zzz", "vol-0abc"), want: true},
		{name: "keyword all", s: kw("|all", "snap-0def", "vol-0abc"), want: true},
		{name: "keyword all fails", s: kw("|all", "snap-0def", "zzz"), want: false},
		{name: "keyword wildcard", s: kw("", "snap-*def"), want: true},
		{name: "keyword object key", s: kw("", "tagSpecificationSet"), want: true},
		{name: "keyword cased", s: kw("|cased", "SNAP-0DEF"), want: false},
		{name: "keyword and selection", d: D{"sel": sel(fm("eventName", "CreateSnapshot")), "keywords": kw("", "prod-db")},
			cond: and(ref("sel"), ref("keywords")), want: true},
		{name: "keyword in a second record", docs: []string{`{"eventName":"A"}`, `{"x":"needle"}`}, s: kw("", "needle"), want: true},
	})
}

func TestSemantics_Regex(t *testing.T) {
	runSemantics(t, []semCase{
		{name: "re", s: sel(fm("eventName|re", "^Create")), want: true},
		{name: "re is case-sensitive", s: sel(fm("eventName|re", "^create")), want: false},
		{name: "re i", s: sel(fm("eventName|re|i", "^create")), want: true},
		{name: "re partial", s: sel(fm("requestParameters.description|re", "nightly.*run")), want: true},
		{name: "re without m", s: sel(fm("requestParameters.multi|re", "^line2$")), want: false},
		{name: "re m", s: sel(fm("requestParameters.multi|re|m", "^line2$")), want: true},
		{name: "re without s", s: sel(fm("requestParameters.multi|re", "line1.line2")), want: false},
		{name: "re s", s: sel(fm("requestParameters.multi|re|s", "line1.line2")), want: true},
		{name: "re on a number", s: sel(fm("requestParameters.size|re", "^1[0-9]+$")), want: true},
		{name: "re list", s: sel(fm("eventName|re", "^X", "Snapshot$")), want: true},
		{name: "re with a literal inside", s: sel(fm("userIdentity.arn|re", ".+:assumed-role/Admin/.+")), want: true},
		{name: "re with a literal inside, no", s: sel(fm("userIdentity.arn|re", ".+:assumed-role/aws:.+")), want: false},
		{name: "re i with Unicode folding", s: sel(fm("requestParameters.longs|re|i", "SECRET")), want: true},
		{name: "re i literal", s: sel(fm("userIdentity.arn|re|i", "ASSUMED-ROLE/admin")), want: true},
	})
}

func TestSemantics_Encodings(t *testing.T) {
	runSemantics(t, []semCase{
		{name: "base64", s: sel(fm("requestParameters.b64|base64", "cmd /c whoami")), want: true},
		{name: "base64 is case-sensitive", s: sel(fm("requestParameters.b64|base64", "CMD /c whoami")), want: false},
		{name: "base64 contains", s: sel(fm("requestParameters|base64|contains", "cmd /c whoami")), want: true},
		{name: "base64offset contains", s: sel(fm("requestParameters.b64off|base64offset|contains", "secret-token")), want: true},
		{name: "base64offset contains other", s: sel(fm("requestParameters.b64other|base64offset|contains", "secret-token")), want: false},
		{name: "base64offset at offset 0", s: sel(fm("requestParameters.b64|base64offset|contains", "cmd /c")), want: true},
		{name: "base64offset at offset 1", s: sel(fm("requestParameters.b64|base64offset|contains", "md /c who")), want: true},
		{name: "utf16le base64offset", s: sel(fm("requestParameters.ps|utf16le|base64offset|contains", "powershell -enc")), want: true},
		{name: "wide base64offset", s: sel(fm("requestParameters.ps|wide|base64offset|contains", "shell")), want: true},
		{name: "utf16 with BOM base64", s: sel(fm("requestParameters.bom|utf16|base64offset|contains", "cmd")), want: true},
		{name: "utf16be is not le", s: sel(fm("requestParameters.ps|utf16be|base64offset|contains", "powershell")), want: false},
		{name: "wide raw", s: sel(fm("requestParameters.wide|wide", "cmd")), want: true},
		{name: "utf16le raw", s: sel(fm("requestParameters.wide|utf16le", "cmd")), want: true},
		{name: "utf16be raw", s: sel(fm("requestParameters.widebe|utf16be", "cmd")), want: true},
		{name: "windash en dash", s: sel(fm("requestParameters.cmdline|windash|contains", " -install -force")), want: true},
		{name: "windash slash", s: sel(fm("requestParameters.cmdline|windash|contains", " /install /force")), want: true},
		{name: "windash no", s: sel(fm("requestParameters.cmdline|windash|contains", " -install -silent")), want: false},
		{name: "without windash", s: sel(fm("requestParameters.cmdline|contains", " -install -force")), want: false},
	})
}

func TestSemantics_CIDR(t *testing.T) {
	runSemantics(t, []semCase{
		{name: "v4 in", s: sel(fm("sourceIPAddress|cidr", "203.0.113.0/24")), want: true},
		{name: "v4 out", s: sel(fm("sourceIPAddress|cidr", "10.0.0.0/8")), want: false},
		{name: "v4 list", s: sel(fm("sourceIPAddress|cidr", "10.0.0.0/8", "203.0.0.0/8")), want: true},
		{name: "plain address", s: sel(fm("sourceIPAddress|cidr", "203.0.113.7")), want: true},
		{name: "v6", s: sel(fm("requestParameters.ip6|cidr", "2001:db8::/32")), want: true},
		{name: "v6 out", s: sel(fm("requestParameters.ip6|cidr", "2001:db9::/32")), want: false},
		{name: "v4-mapped v6", s: sel(fm("requestParameters.mapped|cidr", "203.0.113.0/24")), want: true},
		{name: "address with port", s: sel(fm("requestParameters.hostport|cidr", "203.0.113.0/24")), want: true},
		{name: "not an address", s: sel(fm("eventName|cidr", "0.0.0.0/0")), want: false},
		{name: "neq cidr", s: sel(fm("sourceIPAddress|cidr|neq", "10.0.0.0/8")), want: true},
	})
}

func TestSemantics_ExpandFieldrefTime(t *testing.T) {
	ph := detect.Options{Placeholders: map[string][]string{"admins": {"bob", "ali*"}, "none": {}}}
	runSemantics(t, []semCase{
		{name: "expand", s: sel(fm("userIdentity.arn|expand|endswith", "/%admins%")), opts: ph, want: true},
		{name: "expand no", s: sel(fm("userIdentity.arn|expand", "%admins%")), opts: ph, want: false},
		{name: "expand escaped percent", s: sel(fm("requestParameters.pct|expand", `\%admins%`)), opts: ph, want: true},
		{name: "expand empty placeholder", s: sel(fm("userIdentity.arn|expand|contains", "%none%")), opts: ph, want: false},
		{name: "no expand: percent is plain", s: sel(fm("requestParameters.pct", "%admins%")), want: true},
		{name: "fieldref equal, case-insensitive", s: sel(fm("userIdentity.userName|fieldref", "requestParameters.userName")), want: true},
		{name: "fieldref cased", s: sel(fm("userIdentity.userName|fieldref|cased", "requestParameters.userName")), want: false},
		{name: "fieldref differs", s: sel(fm("userIdentity.arn|fieldref", "requestParameters.userName")), want: false},
		{name: "fieldref endswith", s: sel(fm("userIdentity.arn|fieldref|endswith", "requestParameters.userName")), want: true},
		{name: "fieldref contains", s: sel(fm("userIdentity.arn|fieldref|contains", "requestParameters.userName")), want: true},
		{name: "fieldref startswith", s: sel(fm("userIdentity.arn|fieldref|startswith", "requestParameters.userName")), want: false},
		{name: "fieldref neq", s: sel(fm("userIdentity.arn|fieldref|neq", "requestParameters.userName")), want: true},
		{name: "fieldref numbers", s: sel(fm("requestParameters.size|fieldref", "responseElements.volumeSize")), want: true},
		{name: "fieldref absent", s: sel(fm("requestParameters.size|fieldref", "responseElements.missing")), want: false},
		{name: "hour", s: sel(fm("eventTime|hour", 22)), want: true},
		{name: "minute", s: sel(fm("eventTime|minute", 15)), want: true},
		{name: "day", s: sel(fm("eventTime|day", 1)), want: true},
		{name: "week", s: sel(fm("eventTime|week", 9)), want: true},
		{name: "month", s: sel(fm("eventTime|month", 3)), want: true},
		{name: "year", s: sel(fm("eventTime|year", 2026)), want: true},
		{name: "hour list", s: sel(fm("eventTime|hour", 0, 1, 2)), want: false},
		{name: "hour gte", s: sel(fm("eventTime|hour|gte", 22)), want: true},
		{name: "hour lt", s: sel(fm("eventTime|hour|lt", 22)), want: false},
		{name: "hour neq", s: sel(fm("eventTime|hour|neq", 22)), want: false},
		{name: "epoch seconds", s: sel(fm("requestParameters.epoch|hour", 22)), want: true},
		{name: "not a time", s: sel(fm("eventName|hour", 22)), want: false},
	})
}

func TestSemantics_Conditions(t *testing.T) {
	d := func() D {
		return D{
			"sel_a":    sel(fm("eventName", "CreateSnapshot")),
			"sel_b":    sel(fm("eventSource", "ec2.amazonaws.com")),
			"sel_c":    sel(fm("awsRegion", "us-east-1")),
			"filter_x": sel(fm("userAgent|contains", "console")),
			"filter_y": sel(fm("errorCode", "AccessDenied")),
		}
	}
	runSemantics(t, []semCase{
		{name: "and", d: d(), cond: and(ref("sel_a"), ref("sel_b")), want: true},
		{name: "and false", d: d(), cond: and(ref("sel_a"), ref("sel_c")), want: false},
		{name: "or", d: d(), cond: or(ref("sel_c"), ref("sel_a")), want: true},
		{name: "or false", d: d(), cond: or(ref("sel_c"), ref("filter_x")), want: false},
		{name: "not", d: d(), cond: not(ref("sel_c")), want: true},
		{name: "not not", d: d(), cond: not(not(ref("sel_a"))), want: true},
		{name: "parentheses", d: d(), cond: and(ref("sel_a"), or(ref("sel_c"), ref("sel_b"))), want: true},
		{name: "precedence as parsed", d: d(), cond: or(and(ref("sel_c"), ref("sel_a")), ref("sel_b")), want: true},
		{name: "1 of", d: d(), cond: of(1, "sel_*"), want: true},
		{name: "all of", d: d(), cond: of(0, "sel_*"), want: false},
		{name: "all of two", d: d(), cond: of(0, "sel_[ab]"), want: true},
		{name: "2 of", d: d(), cond: of(2, "sel_*"), want: true},
		{name: "3 of", d: d(), cond: of(3, "sel_*"), want: false},
		{name: "1 of them", d: d(), cond: of(1, "them"), want: true},
		{name: "all of them", d: d(), cond: of(0, "them"), want: false},
		{name: "and not 1 of filter", d: d(), cond: and(ref("sel_a"), not(of(1, "filter_*"))), want: true},
		{name: "not all of", d: d(), cond: not(of(0, "sel_*")), want: true},
		{name: "the operation only under not", d: d(), cond: not(ref("sel_a")), want: false},
		{name: "operation in or with unconstrained", d: d(), cond: or(ref("sel_c"), not(ref("filter_y"))), want: true},
	})
}

func TestSemantics_Records(t *testing.T) {
	first := `{"eventName":"A","eventSource":"first","requestParameters":{"x":1}}`
	second := `{"eventName":"A","eventSource":"second","errorCode":"Denied","requestParameters":{"y":2}}`
	runSemantics(t, []semCase{
		{name: "first record with the field wins", docs: []string{first, second}, s: sel(fm("eventSource", "first")), want: true},
		{name: "later record not seen", docs: []string{first, second}, s: sel(fm("eventSource", "second")), want: false},
		{name: "field only in a later record", docs: []string{first, second}, s: sel(fm("errorCode", "Denied")), want: true},
		{name: "nested field only in a later record", docs: []string{first, second}, s: sel(fm("requestParameters.y", 2)), want: true},
	})
}

func TestSemantics_Mappings(t *testing.T) {
	azREST := func(status string) string {
		return `{"operationName":{"value":"Microsoft.Compute/snapshots/write","localizedValue":"Create or Update Snapshot"},
			"category":{"value":"Administrative","localizedValue":"Administrative"},
			"resourceProviderName":{"value":"Microsoft.Compute","localizedValue":"Microsoft.Compute"},
			"resourceId":"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/snapshots/snap1",
			"status":{"value":"` + status + `","localizedValue":"` + status + `"},"caller":"alice@contoso.example",
			"correlationId":"c1","eventTimestamp":"2026-03-01T11:00:00Z"}`
	}
	azRecord := func(result string) string {
		return `{"time":"2026-03-01T10:00:00Z","operationName":"MICROSOFT.COMPUTE/SNAPSHOTS/WRITE","category":"Administrative",
			"resourceId":"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMPUTE/SNAPSHOTS/SNAP1",
			"resultType":"` + result + `","correlationId":"c1","properties":{"message":"Microsoft.Compute/snapshots/write"}}`
	}
	gcp := `{"logName":"projects/p1/logs/cloudaudit.googleapis.com%2Factivity","resource":{"type":"gce_firewall_rule","labels":{"project_id":"p1"}},
		"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","serviceName":"compute.googleapis.com",
		"methodName":"v1.compute.firewalls.delete","resourceName":"projects/p1/global/firewalls/fw1",
		"authenticationInfo":{"principalEmail":"alice@example.com"},"requestMetadata":{"callerIp":"203.0.113.7"},
		"authorizationInfo":[{"permission":"compute.firewalls.delete","granted":true,"resource":"projects/p1/global/firewalls/fw1"}]},
		"insertId":"i1","timestamp":"2026-03-01T10:00:00Z"}`
	service := func(s string) func(*event.Event) { return func(e *event.Event) { e.Service = s } }
	runSemantics(t, []semCase{
		{name: "azure OperationNameValue, REST shape", ls: azureAL, docs: []string{azREST("Succeeded")},
			s: sel(fm("OperationNameValue", "MICROSOFT.COMPUTE/SNAPSHOTS/WRITE")), want: true},
		{name: "azure OperationNameValue, records shape", ls: azureAL, docs: []string{azRecord("Success")},
			s: sel(fm("OperationNameValue", "microsoft.compute/snapshots/write")), want: true},
		{name: "azure operationName, REST shape", ls: azureAL, docs: []string{azREST("Succeeded")},
			s: sel(fm("operationName|startswith", "Microsoft.Compute/")), want: true},
		{name: "azure operationName endswith", ls: azureAL, docs: []string{azRecord("Success")},
			s: sel(fm("operationName|endswith", "/write")), want: true},
		{name: "azure CategoryValue", ls: azureAL, docs: []string{azREST("Succeeded")}, s: sel(fm("CategoryValue", "Administrative")), want: true},
		{name: "azure CategoryValue records", ls: azureAL, docs: []string{azRecord("Success")}, s: sel(fm("CategoryValue", "administrative")), want: true},
		{name: "azure ResourceProviderValue", ls: azureAL, docs: []string{azREST("Succeeded")}, s: sel(fm("ResourceProviderValue", "Microsoft.Compute")), want: true},
		{name: "azure ResourceProviderValue from the operation", ls: azureAL, docs: []string{azRecord("Success")}, ev: service("microsoft.compute"),
			s: sel(fm("ResourceProviderValue", "MICROSOFT.COMPUTE")), want: true},
		{name: "azure ResourceId contains", ls: azureAL, docs: []string{azRecord("Success")}, s: sel(fm("ResourceId|contains", "/snapshots/")), want: true},
		{name: "azure status of a pair: final record", ls: azureAL, docs: []string{azREST("Started"), azREST("Succeeded")},
			s: sel(fm("ActivityStatusValue", "Succeeded")), want: true},
		{name: "azure status of a pair: not the first", ls: azureAL, docs: []string{azREST("Started"), azREST("Succeeded")},
			s: sel(fm("ActivityStatusValue", "Started")), want: false},
		{name: "azure status, records shape", ls: azureAL, docs: []string{azRecord("Start"), azRecord("Success")},
			s: sel(fm("ActivityStatusValue", "success")), want: true},
		{name: "azure Caller", ls: azureAL, docs: []string{azREST("Succeeded")}, s: sel(fm("Caller", "alice@contoso.example")), want: true},
		{name: "azure raw properties.message", ls: azureAL, docs: []string{azRecord("Success")},
			s: sel(fm("properties.message", "microsoft.compute/snapshots/write")), want: true},
		{name: "azure keyword", ls: azureAL, docs: []string{azRecord("Success")}, s: kw("", "Microsoft.Compute/snapshots/write"), want: true},
		{name: "azure OperationNameValue miss", ls: azureAL, docs: []string{azREST("Succeeded")}, s: sel(fm("OperationNameValue", "Microsoft.Compute/disks/write")), want: false},
		{name: "gcp method_name, Java-style wildcard", ls: gcpAudit, docs: []string{gcp}, s: sel(fm("gcp.audit.method_name", "v*.Compute.Firewalls.Delete")), want: true},
		{name: "gcp method_name exact", ls: gcpAudit, docs: []string{gcp}, s: sel(fm("gcp.audit.method_name", "v1.compute.firewalls.delete")), want: true},
		{name: "gcp method_name endswith", ls: gcpAudit, docs: []string{gcp}, s: sel(fm("gcp.audit.method_name|endswith", ".Delete")), want: true},
		{name: "gcp principal email", ls: gcpAudit, docs: []string{gcp}, s: sel(fm("gcp.audit.authentication_info.principal_email", "alice@example.com")), want: true},
		{name: "gcp caller ip cidr", ls: gcpAudit, docs: []string{gcp}, s: sel(fm("gcp.audit.request_metadata.caller_ip|cidr", "203.0.113.0/24")), want: true},
		{name: "gcp data.protoPayload.serviceName", ls: gcpAudit, docs: []string{gcp}, s: sel(fm("data.protoPayload.serviceName", "compute.googleapis.com")), want: true},
		{name: "gcp data.protoPayload authorizationInfo 'true'", ls: gcpAudit, docs: []string{gcp},
			s: sel(fm("data.protoPayload.authorizationInfo.permission", "compute.firewalls.delete"), fm("data.protoPayload.authorizationInfo.granted", "true")), want: true},
		{name: "gcp data.protoPayload.resource.type is the LogEntry's", ls: gcpAudit, docs: []string{gcp}, s: sel(fm("data.protoPayload.resource.type", "gce_firewall_rule")), want: true},
		{name: "gcp data.protoPayload.logName is the LogEntry's", ls: gcpAudit, docs: []string{gcp}, s: sel(fm("data.protoPayload.logName|endswith", "%2Factivity")), want: true},
		{name: "gcp raw path", ls: gcpAudit, docs: []string{gcp}, s: sel(fm("protoPayload.methodName", "v1.compute.firewalls.delete")), want: true},
		{name: "cloudtrail status is the outcome", s: sel(fm("eventName", "CreateSnapshot"), fm("status", "success")),
			ev: func(e *event.Event) { e.Outcome = event.Success }, want: true},
		{name: "cloudtrail status failure", s: sel(fm("status", "success")),
			ev: func(e *event.Event) { e.Outcome = event.Failure }, want: false},
		{name: "cloudtrail ECS event.action", s: sel(fm("event.action", "CreateSnapshot")), want: true},
		{name: "yandex snake rule, camel record", ls: [2]string{"yandex", ""}, docs: []string{`{"eventType":"yandex.cloud.audit.compute.CreateSnapshot","eventStatus":"DONE","details":{"snapshotId":"s1"}}`},
			s: sel(fm("event_type|endswith", ".CreateSnapshot"), fm("details.snapshot_id", "s1")), want: true},
		{name: "yandex camel rule, snake record", ls: [2]string{"yandex", ""}, docs: []string{`{"event_type":"yandex.cloud.audit.compute.CreateSnapshot","event_status":"DONE"}`},
			s: sel(fm("eventType", "yandex.cloud.audit.compute.CreateSnapshot"), fm("eventStatus", "done")), want: true},
		{name: "openstack context key", ls: [2]string{"openstack", ""}, docs: []string{`{"event_type":"snapshot.create.end","_context_user_name":"alice","payload":{"snapshot_id":"s1"}}`},
			s: sel(fm("event_type", "snapshot.create.end"), fm("_context_user_name", "alice")), want: true},
		{name: "vkcloud action", ls: [2]string{"vkcloud", ""}, docs: []string{`{"action":"create-snapshot","source":"cinder","success":"yes"}`},
			s: sel(fm("action", "create-snapshot"), fm("success", "YES")), want: true},
		{name: "field mapping override", docs: []string{`{"eventName":"CreateSnapshot","requestParameters":{"volumeId":"vol-1"}}`},
			opts: detect.Options{FieldMappings: map[string]map[string][]string{"cloudtrail": {"Volume": {"requestParameters.volumeId"}}}},
			s:    sel(fm("Volume", "vol-1")), want: true},
	})
}

// normalized is a normalized event: a snapshot shared with another account
// by a role session, and a rule opening SSH to the world.
const normalized = `{"id":"e1","time":"2026-03-01T22:15:30Z","cloud":"aws","format":"cloudtrail","account":"111122223333",
 "region":"eu-west-1","service":"ec2.amazonaws.com","operation":"ModifySnapshotAttribute","action":"snapshot.share","outcome":"success",
 "actor":{"id":"arn:aws:iam::111122223333:role/Admin","name":"alice","type":"AssumedRole","ip":"203.0.113.7","user_agent":"aws-cli/2"},
 "resources":[{"role":"target","type":"snapshot","id":"snap-0def"},{"role":"source","type":"volume","id":"vol-0abc","name":"prod-db"}],
 "shares":[{"target":"444455556666","kind":"account"}],
 "ingress":[{"protocol":"tcp","from_port":20,"to_port":25,"source":"0.0.0.0/0"}]}`

func TestSemantics_Normalized(t *testing.T) {
	trusted := detect.Options{TrustedAccounts: []string{"444455556666"}}
	public := strings.Replace(normalized, `{"target":"444455556666","kind":"account"}`, `{"target":"public","kind":"public"}`, 1)
	critical := detect.Options{Critical: func(c event.Cloud, r event.Resource) bool { return c == event.AWS && r.Name == "prod-db" }}
	trustedActor := detect.Options{TrustedPrincipal: func(a event.Actor) bool { return strings.HasSuffix(a.ID, ":role/Admin") }}
	docs := []string{normalized}
	runSemantics(t, []semCase{
		{name: "action", ls: product, docs: docs, s: sel(fm("action", "snapshot.share")), want: true},
		{name: "action wildcard", ls: product, docs: docs, s: sel(fm("action", "snapshot.*")), want: true},
		{name: "action list", ls: product, docs: docs, s: sel(fm("action", "image.share", "snapshot.share")), want: true},
		{name: "action no", ls: product, docs: docs, s: sel(fm("action", "snapshot.create")), want: false},
		{name: "cloud", ls: product, docs: docs, s: sel(fm("cloud", "AWS")), want: true},
		{name: "actor", ls: product, docs: docs, s: sel(fm("actor.id|endswith", ":role/admin"), fm("actor.ip|cidr", "203.0.113.0/24")), want: true},
		{name: "resources any element", ls: product, docs: docs, s: sel(fm("resources.type", "volume")), want: true},
		{name: "resources id", ls: product, docs: docs, s: sel(fm("resources.id|startswith", "snap-")), want: true},
		{name: "resources name absent on some", ls: product, docs: docs, s: sel(fm("resources.name", "prod-db")), want: true},
		{name: "shares target", ls: product, docs: docs, s: sel(fm("shares.target", "444455556666")), want: true},
		{name: "share external (nothing trusted)", ls: product, docs: docs, s: sel(fm("share.external", true)), want: true},
		{name: "share external 'true'", ls: product, docs: docs, s: sel(fm("share.external", "true")), want: true},
		{name: "share inside trusted accounts", ls: product, docs: docs, opts: trusted, s: sel(fm("share.external", true)), want: false},
		{name: "public share is external", ls: product, docs: []string{public}, opts: trusted, s: sel(fm("share.external", true), fm("share.public", true)), want: true},
		{name: "share not public", ls: product, docs: docs, s: sel(fm("share.public", true)), want: false},
		{name: "ingress world open", ls: product, docs: docs, s: sel(fm("ingress.world_open", true)), want: true},
		{name: "ingress admin open (range covers 22)", ls: product, docs: docs, s: sel(fm("ingress.admin_open", true)), want: true},
		{name: "ingress admin ports configured", ls: product, docs: docs, opts: detect.Options{AdminPorts: []int{3389}}, s: sel(fm("ingress.admin_open", true)), want: false},
		{name: "ingress ports", ls: product, docs: docs, s: sel(fm("ingress.from_port|lte", 22), fm("ingress.to_port|gte", 22)), want: true},
		{name: "ingress protocol", ls: product, docs: docs, s: sel(fm("ingress.protocol", "TCP")), want: true},
		{name: "resource critical", ls: product, docs: docs, opts: critical, s: sel(fm("resource.critical", true)), want: true},
		{name: "resource critical unset", ls: product, docs: docs, s: sel(fm("resource.critical", true)), want: false},
		{name: "actor trusted", ls: product, docs: docs, opts: trustedActor, s: sel(fm("actor.trusted", false)), want: false},
		{name: "actor untrusted", ls: product, docs: docs, s: sel(fm("actor.trusted", false)), want: true},
		{name: "time part", ls: product, docs: docs, s: sel(fm("time|hour", 22)), want: true},
		{name: "time text", ls: product, docs: docs, s: sel(fm("time|startswith", "2026-03-01T22")), want: true},
		{name: "error null", ls: product, docs: docs, s: sel(fm("error", nil)), want: true},
		{name: "keywords over normalized strings", ls: product, docs: docs, s: kw("", "PROD-DB"), want: true},
		{name: "keywords no", ls: product, docs: docs, s: kw("", "nope"), want: false},
		{name: "raw path without records", ls: product, docs: docs, s: sel(fm("raw.requestParameters.x", nil)), want: true},
	})
}

// TestSemantics_RawProduct reads a raw field from a normalized rule.
func TestSemantics_RawProduct(t *testing.T) {
	r := mkRule("r", "snapwarden", "", D{"selection": sel(fm("action", "snapshot.create"), fm("raw.requestParameters.volumeId", "vol-0abc"))}, nil)
	e := compile(t, detect.Options{}, r)
	ev := rawEvent(t, "cloudtrail", ctEvent)
	ev.Action = event.SnapshotCreate
	if got := ids(e.Match(ev, nil)); fmt.Sprint(got) != "[r]" {
		t.Errorf("hits = %v, want [r]", got)
	}
}
