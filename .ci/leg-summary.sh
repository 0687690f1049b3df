#!/usr/bin/env bash
# Prints which acceptance test ran on which CLI: one row per top-level test,
# one column per leg that .ci/require-tests.sh recorded in $ACC_REPORT_DIR.
#   .ci/leg-summary.sh [report dir]
set -euo pipefail
dir=${1:-${ACC_REPORT_DIR:-${TMPDIR:-/tmp}/hanzokms-acc-legs}}
shopt -s nullglob
files=("$dir"/*.tsv)
[ "${#files[@]}" -gt 0 ] || { echo "leg-summary: no leg results in $dir"; exit 0; }
awk -F'\t' '
  FNR == 1 { leg = FILENAME; sub(/.*\//, "", leg); sub(/\.tsv$/, "", leg); legs[++nl] = leg }
  $2 !~ /\// { if (!($2 in seen)) { seen[$2] = 1; tests[++nt] = $2 }; r[$2, leg] = ($1 == "PASS" ? "ran" : ($1 == "SKIP" ? "skip" : "FAIL")) }
  END {
    printf "| test |"; for (i = 1; i <= nl; i++) printf " %s |", legs[i]; printf "\n"
    printf "| --- |"; for (i = 1; i <= nl; i++) printf " --- |"; printf "\n"
    for (t = 1; t <= nt; t++) {
      printf "| %s |", tests[t]
      for (i = 1; i <= nl; i++) { v = r[tests[t], legs[i]]; printf " %s |", (v == "" ? "-" : v) }
      printf "\n"
    }
  }' "${files[@]}"
