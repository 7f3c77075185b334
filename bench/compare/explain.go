package compare

import (
	"slices"
	"strings"
)

// cause says on which side a difference lies.
type cause uint8

const (
	// peerUnsupported: the rule uses Sigma that sigma-go does not implement.
	peerUnsupported cause = iota + 1
	// peerDefect: sigma-go implements it, wrongly.
	peerDefect
	// snapwardenMapping: snapwarden reads the field through a mapping
	// (docs/field-mappings.md) where the peer reads a raw key.
	snapwardenMapping
)

func (c cause) String() string {
	switch c {
	case peerUnsupported:
		return "peer lacks"
	case peerDefect:
		return "peer defect"
	case snapwardenMapping:
		return "snapwarden mapping"
	}
	return "unknown"
}

// side is which engine matches the records the other does not.
type side uint8

const (
	snapwardenOnly side = 1 << iota
	peerOnly
)

// explanation is the reason one rule's matches differ, found by reading the
// rule, a differing record and the peer's code (evaluator/, modifiers/ of
// sigma-go v0.6.6).
type explanation struct {
	cause cause
	side  side // the only direction the reason can produce
	// peerErr, when set, is part of the error the peer returns for the
	// rule: the reason holds only for records the peer failed to evaluate.
	peerErr string
	reason  string
}

// Reasons, shared by the rules they apply to.
var (
	nullValue = explanation{peerUnsupported, snapwardenOnly, "expected scalar field matching value got: <nil>",
		"`errorCode: null` (absent or JSON null) is rejected as a non-scalar value: the evaluation fails on every record, so the rule never matches"}
	fieldref = explanation{peerUnsupported, snapwardenOnly, "unknown modifier fieldref",
		"no |fieldref modifier (compare with another field of the record): the evaluation fails on every record"}
	wildcardFilter = explanation{peerDefect, peerOnly, "",
		"`|contains: '*'` is compared as a literal asterisk, not a wildcard (no comparator handles * or ?): the filters for 'errorMessage/errorCode present' never apply, so failed exports match too"}
	wildcardLayers = explanation{peerDefect, snapwardenOnly, "",
		"`requestParameters.layers|contains: '*'` is compared as a literal asterisk, not a wildcard: no layer ARN holds a '*', so the rule never matches"}
	wildcardPassword = explanation{peerDefect, snapwardenOnly, "",
		"`masterUserPassword|contains: '*'` is compared as a literal asterisk, not a wildcard: it matches a masked '****' but not the 'HIDDEN_DUE_TO_SECURITY_REASONS' real CloudTrail writes"}
	arrayFanOut = explanation{peerUnsupported, snapwardenOnly, "could not select value, invalid key: expected number",
		"a dotted field does not descend into arrays: JSONPath $.requestParameters.containerDefinitions.command fails on the containerDefinitions array, so the evaluation fails on the very records the rule is about"}
	statusOutcome = explanation{snapwardenMapping, snapwardenOnly, "",
		"CloudTrail records have no `status` key; snapwarden maps `status` to the operation's outcome (success when there is no errorCode), the peer reads the missing key"}
)

// explanations maps rule ids to the reason their matches differ. Each was
// checked on the records where the engines disagree; a difference without
// one prints as UNEXPLAINED.
var explanations = map[string]explanation{
	"39c9f26d-6e3b-4dbb-9c7a-4154b0281112": nullValue,        // AWS Bucket Deleted
	"d2656e78-c069-4571-8220-9e0ab5913f19": nullValue,        // AWS GuardDuty Detector Deleted Or Updated
	"38e7f511-3f74-41d4-836e-f57dfa18eead": nullValue,        // Potential Malicious Usage of CloudTrail System Manager
	"e386b9b5-af12-450e-afff-761730fb8a98": nullValue,        // AWS VPC Flow Logs Deleted
	"055fb148-60f8-462d-ad16-26926ce050f1": fieldref,         // AWS User Login Profile Was Modified
	"54b9a76a-3c71-4673-b4b3-2edb4566ea7b": wildcardFilter,   // AWS EC2 VM Export Failure
	"97fbabf8-8e1b-47a2-b7d5-a418d2b95e3d": wildcardLayers,   // AWS New Lambda Layer Attached
	"8a63cdd4-6207-414a-85bc-7e032bd3c1a2": wildcardPassword, // AWS RDS Master Password Change
	"b94bf91e-c2bf-4047-9c43-c6810f43baad": arrayFanOut,      // AWS ECS Task Definition That Queries The Credential Endpoint
	"ccd6a6c8-bb4e-4a91-9d2a-07e632819374": statusOutcome,    // AWS SAML Provider Deletion Activity
}

// explain returns the reason for row's difference, "cause: reason", or ""
// when no explanation covers it: none is known for the rule, the records
// differ in a direction the reason cannot produce, or the reason is a peer
// failure that did not happen on every record the peer missed.
func explain(row RuleRow) string {
	e, ok := explanations[row.ID]
	if !ok {
		return ""
	}
	if len(row.OnlySnapwarden) > 0 && e.side&snapwardenOnly == 0 ||
		len(row.OnlyPeer) > 0 && e.side&peerOnly == 0 {
		return ""
	}
	if e.peerErr != "" {
		if !strings.Contains(row.PeerError, e.peerErr) {
			return ""
		}
		for _, l := range row.OnlySnapwarden {
			if _, failed := slices.BinarySearch(row.PeerFailed, l); row.PeerLoaded && !failed {
				return ""
			}
		}
	}
	return e.cause.String() + ": " + e.reason
}
