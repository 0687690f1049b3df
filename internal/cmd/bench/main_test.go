package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func runsOf(phase string, cpus ...float64) []map[string]result {
	var runs []map[string]result
	for _, c := range cpus {
		runs = append(runs, map[string]result{phase: {pluginCPU: c}})
	}
	return runs
}

// A change counts only when every run of one side beats every run of the
// other: overlapping spreads say "within the spread" whatever the medians.
func TestSeparationNeedsTheSpreadsApart(t *testing.T) {
	cpu := func(r result) float64 { return r.pluginCPU }
	before := spread(runsOf("plan", 3.0, 3.4, 3.2), "plan", cpu)
	if before.median != 3.2 || before.min != 3.0 || before.max != 3.4 {
		t.Fatalf("spread of 3.0, 3.4, 3.2 = %+v, want median 3.2 in 3.0-3.4", before)
	}
	for _, c := range []struct {
		after []float64
		want  string
	}{
		{[]float64{2.5, 2.9, 2.7}, "every run below every baseline run"},
		{[]float64{3.5, 3.9, 3.7}, "every run above every baseline run"},
		{[]float64{2.5, 3.05, 2.6}, "within the spread"}, // median lower, one run inside
		{[]float64{3.0, 3.0, 3.0}, "within the spread"},  // touching is not apart
	} {
		after := spread(runsOf("plan", c.after...), "plan", cpu)
		if got := separation(before, after); !strings.Contains(got, c.want) {
			t.Errorf("runs %v against 3.0-3.4: %q, want %q", c.after, got, c.want)
		}
	}
	if got := percentChange(4, 3); got != "-25.0%" {
		t.Errorf("percentChange(4, 3) = %q, want -25.0%%", got)
	}
	if got := (stats{median: 2, min: 1, max: 3}).format("%.1f"); got != "2.0 (1.0-3.0)" {
		t.Errorf("format = %q", got)
	}
}

// Every provider process of a phase writes its own totals: the phase's
// allocations are their sum.
func TestAllocationTotalsAddEveryProcess(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{"stats-1.txt": "100 2048\n", "stats-2.txt": "50 1024\n", "cpu-1.pprof": "x"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	objects, bytes := allocationTotals(dir)
	if objects != 150 || bytes != 3072 {
		t.Errorf("totals = %d objects, %d bytes; want 150, 3072", objects, bytes)
	}
}

// The baseline subject runs only with a revision, right before hanzokms.
func TestOptionsOrderTheBaselineBeforeTheProvider(t *testing.T) {
	opts, err := parseOptions("tofu", "500", "hanzokms,baseline", "HEAD~1", 3, "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(opts.subjects, []string{"baseline", "hanzokms"}) {
		t.Errorf("subjects = %v, want baseline then hanzokms", opts.subjects)
	}
	opts, err = parseOptions("tofu", "10", "", "", 1, "")
	if err != nil || slices.Contains(opts.subjects, "baseline") {
		t.Errorf("without -baseline: subjects %v, err %v; want no baseline", opts.subjects, err)
	}
	for _, bad := range [][]string{{"baseline", ""}, {"nosuch", ""}} {
		if _, err := parseOptions("tofu", "10", bad[0], bad[1], 1, ""); err == nil {
			t.Errorf("-subjects %s -baseline %q accepted", bad[0], bad[1])
		}
	}
	if _, err := parseOptions("tofu", "10", "", "", 0, ""); err == nil || !strings.Contains(err.Error(), "-repeat") {
		t.Errorf("-repeat 0: %v, want an error naming -repeat", err)
	}
}
