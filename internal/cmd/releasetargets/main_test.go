package main

import (
	"os"
	"slices"
	"strings"
	"testing"
)

const realConfig = "../../../.goreleaser.yml"

func loadFile(t *testing.T, path string) ([]releaseBuild, error) {
	t.Helper()
	config, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return loadBuilds(config)
}

func targetNames(builds []releaseBuild) []string {
	var names []string
	for _, b := range builds {
		for _, t := range b.targets {
			names = append(names, t.Name)
		}
	}
	return names
}

// The shipped list: every target a port of this toolchain, and the platforms
// the registries' users need most all present.
func TestRealConfigTargetsAreAllPorts(t *testing.T) {
	builds, err := loadFile(t, realConfig)
	if err != nil {
		t.Fatal(err)
	}
	ports, err := distPorts()
	if err != nil {
		t.Fatal(err)
	}
	if err := unsupported(builds, ports, "this Go"); err != nil {
		t.Fatal(err)
	}
	names := targetNames(builds)
	for _, want := range []string{"darwin_amd64_v1", "darwin_arm64_v8.0", "linux_amd64_v1", "linux_arm64_v8.0", "windows_amd64_v1", "freebsd_amd64_v1"} {
		if !slices.Contains(names, want) {
			t.Errorf("release targets %v lack %s", names, want)
		}
	}
	if slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, "windows_arm_") }) {
		t.Errorf("release targets %v include windows/arm, which Go no longer supports", names)
	}
}

// A made-up port and a removed one fail the check, each named, before anything
// is built; the supported target beside them is not blamed.
func TestUnsupportedTargetsFail(t *testing.T) {
	err := run("testdata/unsupported.goreleaser.yml", false)
	if err == nil {
		t.Fatal("run accepted windows_arm_6 and plan10_amd64")
	}
	msg := err.Error()
	for _, want := range []string{"windows_arm_6 (windows/arm)", "plan10_amd64_v1 (plan10/amd64)", "go tool dist list"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
	if strings.Contains(msg, "linux_amd64") {
		t.Errorf("error %q blames the supported linux_amd64_v1", msg)
	}
}

func TestConfigShapesRefused(t *testing.T) {
	for file, want := range map[string]string{
		"testdata/matrix.goreleaser.yml": "no targets list",
		"testdata/mixed.goreleaser.yml":  "goos, goarch and ignore are ignored",
	} {
		_, err := loadFile(t, file)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one containing %q", file, err, want)
		}
	}
	for config, want := range map[string]string{
		"builds: []": "no builds",
		"builds: [{targets: [linux_amd64, linux_amd64_v1]}]": "linux_amd64_v1 listed twice",
		"builds: [{targets: [linux]}]":                       "want os_arch",
		"builds: [{targets: [linux_riscv64_rva20u64]}]":      "riscv64 takes no variant here",
	} {
		_, err := loadBuilds([]byte(config))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one containing %q", config, err, want)
		}
	}
}

// A short target gets goreleaser's default variant, which is what ships.
func TestParseTargetVariants(t *testing.T) {
	for in, want := range map[string]string{
		"linux_arm":       "GOOS=linux GOARCH=arm GOARM=6",
		"linux_arm_7":     "GOOS=linux GOARCH=arm GOARM=7",
		"windows_386":     "GOOS=windows GOARCH=386 GO386=sse2",
		"darwin_amd64_v3": "GOOS=darwin GOARCH=amd64 GOAMD64=v3",
		"darwin_arm64":    "GOOS=darwin GOARCH=arm64 GOARM64=v8.0",
		"linux_s390x":     "GOOS=linux GOARCH=s390x",
	} {
		got, err := parseTarget(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if env := strings.Join(got.env(), " "); env != want {
			t.Errorf("%s: env %q, want %q", in, env, want)
		}
	}
}
