package benchprofile_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/benchprofile"
)

// build compiles testdata/allocate, with the benchprofile tag or without.
func build(t *testing.T, tagged bool) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "allocate")
	args := []string{"build", "-o", out}
	if tagged {
		args = append(args, "-tags", "benchprofile")
	}
	cmd := exec.Command("go", append(args, "./testdata/allocate")...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}

func runIn(t *testing.T, binary string, env ...string) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), append(env, benchprofile.ProfileDirVariable+"="+dir)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", binary, err, b)
	}
	return dir
}

func files(t *testing.T, dir, pattern string) []string {
	t.Helper()
	found, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// The bench reads the totals of every process: at least what the program
// allocated (1000 objects of 1 KiB), and the profiles only when asked.
func TestTaggedBuildWritesTotalsAndProfilesOnRequest(t *testing.T) {
	binary := build(t, true)

	dir := runIn(t, binary)
	stats := files(t, dir, "stats-*.txt")
	if len(stats) != 1 {
		t.Fatalf("want one stats file, found %v", stats)
	}
	b, err := os.ReadFile(stats[0])
	if err != nil {
		t.Fatal(err)
	}
	var objects, bytes uint64
	if _, err := fmt.Sscan(string(b), &objects, &bytes); err != nil {
		t.Fatalf("stats %q: %v", b, err)
	}
	if objects < 1000 || bytes < 1000*1024 {
		t.Errorf("stats say %d objects, %d bytes; the program allocated 1000 objects of 1024 bytes", objects, bytes)
	}
	if p := files(t, dir, "*.pprof"); len(p) != 0 {
		t.Errorf("profiles written without %s=1: %v", benchprofile.PprofVariable, p)
	}

	dir = runIn(t, binary, benchprofile.PprofVariable+"=1")
	for _, pattern := range []string{"cpu-*.pprof", "allocs-*.pprof", "stats-*.txt"} {
		found := files(t, dir, pattern)
		if len(found) != 1 {
			t.Errorf("with %s=1: want one %s, found %v", benchprofile.PprofVariable, pattern, found)
			continue
		}
		if info, err := os.Stat(found[0]); err != nil || info.Size() == 0 {
			t.Errorf("%s is empty or missing: %v", found[0], err)
		}
	}
}

// A build without the tag (every release build) writes nothing, whatever
// the environment says.
func TestUntaggedBuildWritesNothing(t *testing.T) {
	dir := runIn(t, build(t, false), benchprofile.PprofVariable+"=1")
	if found := files(t, dir, "*"); len(found) != 0 {
		t.Errorf("an untagged build wrote %v", found)
	}
}
