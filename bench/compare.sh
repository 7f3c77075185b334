#!/usr/bin/env bash
# Peer comparison: SigmaHQ's AWS rules over the same CloudTrail records with
# snapwarden and with github.com/bradleyjkemp/sigma-go v0.6.6, on one core.
# Prints both engines' events/s, the ratio, and the matches per rule side by
# side with the reason for every difference (see README.md).
#
#   bench/compare.sh [-n RECORDS] [-events FILE] [-rules DIR] [-strict] …
#
# Needs ../shared (SigmaHQ rules and CloudTrail samples) beside the
# repository, or SNAPWARDEN_SHARED.
set -euo pipefail
cd "$(dirname "$0")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
go build -o "$work/peercompare" ./cmd/peercompare
"$work/peercompare" "$@"
