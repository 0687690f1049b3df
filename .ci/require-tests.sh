#!/usr/bin/env bash
# Runs one test leg, prints its summary, and fails when go test failed (its
# exit status counts), a test failed or panicked, no test ran, or the tests
# that skipped differ from the leg's expected list in either direction.
#
#   .ci/require-tests.sh <leg> <command...>
#   e.g. .ci/require-tests.sh opentofu-1.12.6 go test ./internal/... -run '^TestAcc' -v
#
# The command must print `go test -v` output. The expected skips of a leg are
# in .ci/expected-skips/<leg>.txt, one a line: the test's name (subtests as
# Parent/child; a skipped step as `Test [step: <step>]`), `#`, and text its
# skip reason must contain; a line starting with `#` is a comment. A leg
# without that file fails, and so does a skip whose reason differs.
# A skipped step is one whose SkipFunc (acctest.SkipStepUnless) logged
# "SKIP STEP <step>: <reason>": terraform-plugin-testing prints no
# `--- SKIP` for it, so it would otherwise pass unseen.
# The leg's results (PASS/FAIL/SKIP and name, tab-separated) are written to
# $ACC_REPORT_DIR/<leg>.tsv for .ci/leg-summary.sh, which shows which tests
# ran on which CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
leg=${1:?usage: $0 <leg> <command...>}
shift
[ "$#" -gt 0 ] || { echo "usage: $0 <leg> <command...>" >&2; exit 2; }
expected_file=".ci/expected-skips/$leg.txt"
report_dir=${ACC_REPORT_DIR:-${TMPDIR:-/tmp}/hanzokms-acc-legs}
mkdir -p "$report_dir"

log=$(mktemp)
trap 'rm -f "$log" "$log".*' EXIT
set +e
"$@" 2>&1 | tee "$log" | grep --line-buffered -E '^[[:space:]]*(--- (FAIL|SKIP)|FAIL|ok|panic:)'
status=${PIPESTATUS[0]}
set -e

# A test's skip reason is its last log line (file.go:NN: ...) before or right
# after its --- SKIP line; a skipped step's is on its SKIP STEP line.
awk -v steps="$log.steps" '
  /^=== (RUN|CONT|NAME) / { cur = $3; next }
  /^[[:space:]]*--- SKIP: / { name = $3; pending = (last[name] == "") ? name : ""; reason[name] = last[name]; next }
  /^[[:space:]]+[^[:space:]]+\.go:[0-9]+: SKIP STEP [^:]+: / {
    line = $0; sub(/^[[:space:]]+[^[:space:]]+\.go:[0-9]+: SKIP STEP /, "", line)
    step = line; sub(/: .*/, "", step)
    why = substr(line, length(step) + 3)
    name = cur " [step: " step "]"
    reason[name] = why; print name > steps; next
  }
  /^[[:space:]]+[^[:space:]]+\.go:[0-9]+: / {
    line = $0; sub(/^[[:space:]]+/, "", line); sub(/^[^[:space:]]+\.go:[0-9]+: /, "", line)
    if (pending != "") { reason[pending] = line; pending = "" } else if (cur != "") last[cur] = line
  }
  END { for (n in reason) print n "\t" reason[n] }' "$log" > "$log.reasons"
touch "$log.steps"

# Every result line of `go test -v`, subtests included, and every skipped
# step: STATUS<TAB>name.
{
  sed -n -E 's/^[[:space:]]*--- (PASS|FAIL|SKIP): ([^ ]+) .*/\1\t\2/p' "$log"
  sort -u "$log.steps" | sed 's/^/SKIP\t/'
} > "$report_dir/$leg.tsv"
count() { grep -c "^$1"$'\t' "$report_dir/$leg.tsv" || true; }
passed=$(count PASS); failed=$(count FAIL); skipped=$(count SKIP)
echo "$leg: $passed passed, $failed failed, $skipped skipped, steps included (go test exit status $status)"

bad=0
if [ "$failed" -gt 0 ] || grep -qE '^(FAIL|panic:)' "$log"; then
  grep -B2 -A40 -- '--- FAIL' "$log" | head -n 400 || true
  bad=1
fi
if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
  echo "$leg: go test exited with status $status (build failure, timeout or a failure outside a test):"
  tail -n 40 "$log"
  bad=1
fi
if [ "$passed" -eq 0 ]; then echo "$leg: no test ran"; bad=1; fi

# Skipped tests and steps against the leg's expected list, names and reasons.
awk -F'\t' '$1=="SKIP"{print $2}' "$report_dir/$leg.tsv" | sort -u > "$log.skipped"
reason() { awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$log.reasons"; }
if [ ! -f "$expected_file" ]; then
  echo "$leg: no $expected_file: list the tests this CLI is expected to skip (empty file for none)"
  bad=1
else
  # name<TAB>reason text of each line that is not a comment.
  sed -n -E '/^[[:space:]]*(#|$)/d; s/^([^#]*[^#[:space:]])[[:space:]]*#[[:space:]]*(.*[^[:space:]])?[[:space:]]*$/\1\t\2/p; t; s/^(.*)$/\1\t/p' "$expected_file" > "$log.expected-reasons"
  cut -f1 "$log.expected-reasons" | sort -u > "$log.expected"
  while IFS=$'\t' read -r name want; do
    if [ -z "$want" ]; then
      echo "$leg: $expected_file: $name has no reason (write: $name  # text its skip reason contains)"
      bad=1
    elif grep -qxF -- "$name" "$log.skipped"; then
      got=$(reason "$name")
      if [[ "$got" != *"$want"* ]]; then
        echo "$leg: $name skipped for another reason than $expected_file expects:"
        echo "  got:  $got"
        echo "  want: ...$want..."
        bad=1
      fi
    fi
  done < "$log.expected-reasons"
  surprise=$(comm -23 "$log.skipped" "$log.expected")
  missing=$(comm -13 "$log.skipped" "$log.expected")
  if [ -n "$surprise" ]; then
    echo "$leg: tests skipped that $expected_file does not expect:"
    while read -r name; do
      echo "  $name: $(reason "$name")"
    done <<< "$surprise"
    bad=1
  fi
  if [ -n "$missing" ]; then
    echo "$leg: tests $expected_file expects to skip that did not skip (ran, or no longer exist):"
    sed 's/^/  /' <<< "$missing"
    bad=1
  fi
  comm -12 "$log.skipped" "$log.expected" > "$log.asexpected"
  if [ -s "$log.asexpected" ]; then
    echo "$leg: skipped as expected:"
    while read -r name; do
      echo "  $name: $(reason "$name")"
    done < "$log.asexpected"
  fi
fi
exit "$bad"
