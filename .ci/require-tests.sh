#!/usr/bin/env bash
# Reads `go test -v` output on stdin, prints a summary of it, and fails when
# a test failed, when go test failed, or when no test ran at all.
# Usage: go test -v ... 2>&1 | .ci/require-tests.sh "<label>"
set -uo pipefail
label=${1:-tests}
log=$(mktemp)
tee "$log" | grep -E '^(--- (FAIL|SKIP)|FAIL|ok|panic:)' || true
passed=$(grep -c -- '^--- PASS' "$log" || true)
failed=$(grep -c -- '^--- FAIL' "$log" || true)
skipped=$(grep -c -- '^--- SKIP' "$log" || true)
echo "$label: $passed passed, $failed failed, $skipped skipped"
if [ "$failed" -gt 0 ] || grep -qE '^(FAIL|panic:)' "$log"; then
  grep -B2 -A40 -- '^--- FAIL' "$log" | head -n 400
  rm -f "$log"; exit 1
fi
rm -f "$log"
if [ "$passed" -eq 0 ]; then echo "$label: no test ran"; exit 1; fi
