package main

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
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
	err := run("testdata/unsupported.goreleaser.yml", "", false, false)
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
		"builds: [{targets: [linux_amd64]}]":                                  "no project_name",
		"project_name: p\nbuilds: []":                                         "no builds",
		"project_name: p\nbuilds: [{targets: [linux_amd64, linux_amd64_v1]}]": "linux_amd64_v1 listed twice",
		"project_name: p\nbuilds: [{targets: [linux]}]":                       "want os_arch",
		"project_name: p\nbuilds: [{targets: [linux_riscv64_rva20u64]}]":      "riscv64 takes no variant here",
	} {
		_, err := loadBuilds([]byte(config))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", config, err, want)
		}
	}
}

// A short target gets goreleaser's default variant, which is what ships.
func TestParseTargetVariants(t *testing.T) {
	for in, want := range map[string]string{
		"linux_arm":       "linux_arm_6",
		"linux_arm_7":     "linux_arm_7",
		"windows_386":     "windows_386_sse2",
		"darwin_amd64_v3": "darwin_amd64_v3",
		"darwin_arm64":    "darwin_arm64_v8.0",
		"linux_s390x":     "linux_s390x",
	} {
		got, err := parseTarget(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if got.Name != want {
			t.Errorf("%s: %q, want %q", in, got.Name, want)
		}
	}
}

// fakeDist writes what a snapshot release of the real configuration leaves in
// dist/, minus what skip names (a target's zip, "binary" for one zip's binary,
// "manifest" for the manifest's line in the sums).
func fakeDist(t *testing.T, builds []releaseBuild, skip string) string {
	t.Helper()
	dir := t.TempDir()
	prefix := "terraform-provider-hanzokms_0.1.0"
	var sums strings.Builder
	for _, b := range builds {
		for _, tg := range b.targets {
			if tg.Name == skip {
				continue
			}
			name := prefix + "_" + tg.GOOS + "_" + tg.GOARCH + ".zip"
			f, err := os.Create(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			zw := zip.NewWriter(f)
			binary := "terraform-provider-hanzokms_v0.1.0"
			if skip == "binary" && tg.Name == "linux_arm_6" {
				binary = "README.md"
			}
			if tg.GOOS == "windows" {
				binary += ".exe"
			}
			w, err := zw.Create(binary)
			if err == nil {
				_, err = w.Write([]byte("binary"))
			}
			if err == nil {
				err = zw.Close()
			}
			if err == nil {
				err = f.Close()
			}
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&sums, "0123  %s\n", name)
		}
	}
	if skip != "manifest" {
		fmt.Fprintf(&sums, "4567  %s_manifest.json\n", prefix)
	}
	if err := os.WriteFile(filepath.Join(dir, prefix+"_SHA256SUMS"), []byte(sums.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestVerifyArchives(t *testing.T) {
	builds, err := loadFile(t, realConfig)
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyArchives(builds, fakeDist(t, builds, "")); err != nil {
		t.Fatalf("a complete dist refused: %v", err)
	}
	for skip, want := range map[string]string{
		"windows_arm64_v8.0": "windows_arm64_v8.0: want one *_windows_arm64.zip, found 0",
		"binary":             "_linux_arm.zip holds no terraform-provider-hanzokms_v<version> binary",
		"manifest":           "no *_manifest.json in terraform-provider-hanzokms_0.1.0_SHA256SUMS",
	} {
		err := verifyArchives(builds, fakeDist(t, builds, skip))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("dist without %s: error %v, want one containing %q", skip, err, want)
		}
	}
}

// binariesDist writes what `goreleaser build --snapshot` leaves: a
// directory per target with its binary, except for the target named missing
// (no directory) and the one named noExe (a Windows binary without .exe).
func binariesDist(t *testing.T, builds []releaseBuild, missing, noExe string) string {
	t.Helper()
	dist := t.TempDir()
	for _, b := range builds {
		for _, tg := range b.targets {
			if tg.Name == missing {
				continue
			}
			dir := filepath.Join(dist, "terraform-provider-hanzokms_"+tg.Name)
			binary := "terraform-provider-hanzokms_v0.0.0-SNAPSHOT-none"
			if tg.GOOS == "windows" && tg.Name != noExe {
				binary += ".exe"
			}
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, binary), []byte("binary"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dist
}

func TestVerifyBinaries(t *testing.T) {
	builds, err := loadFile(t, realConfig)
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyBinaries(builds, binariesDist(t, builds, "", "")); err != nil {
		t.Fatalf("a complete dist refused: %v", err)
	}
	err = verifyBinaries(builds, binariesDist(t, builds, "freebsd_arm_6", "windows_386_sse2"))
	if err == nil {
		t.Fatal("a dist without freebsd_arm_6 and with a windows binary lacking .exe accepted")
	}
	for _, want := range []string{"freebsd_arm_6: no build", "windows_386_sse2: no terraform-provider-hanzokms_v<version> binary"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "windows_amd64") || strings.Contains(err.Error(), "linux_arm_6") {
		t.Errorf("error %q blames a complete target", err)
	}
}

// A file that builds on one platform only fails the type-check of the other
// targets, each named, and not of the ones it builds on.
func TestTypeCheckNamesTheTargetsAFileBreaks(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"go.mod":           "module example.com/oneport\n\ngo 1.24\n",
		"main.go":          "package main\n\nfunc main() { run() }\n",
		"run_linux.go":     "package main\n\nfunc run() {}\n",
		"run_windows.go":   "package main\n\nfunc run() { undefinedOnWindows() }\n",
		"run_darwin.go":    "package main\n\nimport \"os\"\n\nfunc run() { os.Exit(0) }\n",
		"run_freebsd.go":   "package main\n",
		"unused_plan9.go":  "package main\n\nthis is not Go\n",
		"README.unrelated": "not a Go file\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var targets []target
	for _, s := range []string{"linux_amd64", "linux_arm_6", "darwin_arm64", "windows_386", "freebsd_amd64"} {
		tg, err := parseTarget(s)
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, tg)
	}
	err := typeCheckTargets(dir, targets)
	if err == nil {
		t.Fatal("the type-check passed a main package that builds on linux and darwin only")
	}
	msg := err.Error()
	for _, want := range []string{"2 target(s)", "windows_386_sse2", "freebsd_amd64_v1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not name %q", msg, want)
		}
	}
	for _, builds := range []string{"linux_amd64_v1", "linux_arm_6", "darwin_arm64_v8.0"} {
		if strings.Contains(msg, builds) {
			t.Errorf("error %q blames %s, where the package builds", msg, builds)
		}
	}
}
