// Command releasetargets proves, before a tag is pushed, that every target the
// release would ship builds with the Go toolchain at hand:
//
//	go run ./internal/cmd/releasetargets -config .goreleaser.yml
//
// It reads the explicit target list (builds[].targets) from the goreleaser
// configuration, refuses any GOOS/GOARCH pair that `go tool dist list` does not
// name, then cross-compiles the provider for each target with the build's env
// and flags. `make release-check` runs it.
//
// The goos/goarch matrix form is refused on purpose: goreleaser drops the pairs
// of a matrix that its own table calls invalid without failing (windows/arm left
// the release that way when Go 1.25 removed the port), so a platform could
// vanish from a release unnoticed. With an explicit list, goreleaser builds
// exactly what is listed and this command checks exactly that.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// goreleaserConfig is the part of .goreleaser.yml this command reads.
type goreleaserConfig struct {
	Builds []goreleaserBuild `yaml:"builds"`
}

type goreleaserBuild struct {
	ID      string   `yaml:"id"`
	Main    string   `yaml:"main"`
	Env     []string `yaml:"env"`
	Flags   []string `yaml:"flags"`
	Targets []string `yaml:"targets"`
	Goos    []string `yaml:"goos"`
	Goarch  []string `yaml:"goarch"`
	Ignore  []any    `yaml:"ignore"`
}

// target is one release target in goreleaser's notation (os_arch[_variant]).
type target struct {
	Name    string // as goreleaser names it, with the default variant filled in
	GOOS    string
	GOARCH  string
	Variant string // the value of variantEnv, e.g. GOARM=6
}

// The variable each architecture's variant sets, and goreleaser's default
// variant when a target leaves it out (goreleaser fills these in itself, so a
// short `linux_arm` ships ARMv6, not Go's own cross-compiling default of v7).
var variants = map[string]struct{ env, fallback string }{
	"amd64": {"GOAMD64", "v1"},
	"386":   {"GO386", "sse2"},
	"arm":   {"GOARM", "6"},
	"arm64": {"GOARM64", "v8.0"},
}

func (t target) env() []string {
	env := []string{"GOOS=" + t.GOOS, "GOARCH=" + t.GOARCH}
	if v, ok := variants[t.GOARCH]; ok {
		env = append(env, v.env+"="+t.Variant)
	}
	return env
}

func parseTarget(s string) (target, error) {
	parts := strings.Split(s, "_")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return target{}, fmt.Errorf("target %q: want os_arch or os_arch_variant (e.g. linux_arm64, linux_arm_6)", s)
	}
	t := target{GOOS: parts[0], GOARCH: parts[1]}
	v, hasVariants := variants[t.GOARCH]
	switch {
	case len(parts) == 3 && !hasVariants:
		return target{}, fmt.Errorf("target %q: %s takes no variant here", s, t.GOARCH)
	case len(parts) == 3:
		t.Variant = parts[2]
	case hasVariants:
		t.Variant = v.fallback
	}
	t.Name = t.GOOS + "_" + t.GOARCH
	if t.Variant != "" {
		t.Name += "_" + t.Variant
	}
	return t, nil
}

// releaseBuild is one build of the configuration with its targets parsed.
type releaseBuild struct {
	goreleaserBuild
	targets []target
}

// loadBuilds parses the configuration and every build's target list.
func loadBuilds(config []byte) ([]releaseBuild, error) {
	var cfg goreleaserConfig
	if err := yaml.Unmarshal(config, &cfg); err != nil {
		return nil, fmt.Errorf("parsing the goreleaser configuration: %w", err)
	}
	if len(cfg.Builds) == 0 {
		return nil, fmt.Errorf("the goreleaser configuration has no builds")
	}
	builds := make([]releaseBuild, 0, len(cfg.Builds))
	for i, b := range cfg.Builds {
		name := fmt.Sprintf("builds[%d]", i)
		if b.ID != "" {
			name += " (" + b.ID + ")"
		}
		if len(b.Targets) == 0 {
			return nil, fmt.Errorf("%s: no targets list; list every os_arch explicitly (a goos/goarch matrix lets goreleaser skip a pair it considers invalid without failing)", name)
		}
		if len(b.Goos) > 0 || len(b.Goarch) > 0 || len(b.Ignore) > 0 {
			return nil, fmt.Errorf("%s: goos, goarch and ignore are ignored by goreleaser when targets is set; remove them", name)
		}
		rb := releaseBuild{goreleaserBuild: b}
		seen := map[string]bool{}
		for _, s := range b.Targets {
			t, err := parseTarget(s)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if seen[t.Name] {
				return nil, fmt.Errorf("%s: target %s listed twice", name, t.Name)
			}
			seen[t.Name] = true
			rb.targets = append(rb.targets, t)
		}
		builds = append(builds, rb)
	}
	return builds, nil
}

// unsupported returns an error naming every target whose GOOS/GOARCH pair is
// not one of the toolchain's ports (ports as `go tool dist list` prints them).
func unsupported(builds []releaseBuild, ports map[string]bool, goVersion string) error {
	var bad []string
	for _, b := range builds {
		for _, t := range b.targets {
			if !ports[t.GOOS+"/"+t.GOARCH] {
				bad = append(bad, fmt.Sprintf("%s (%s/%s)", t.Name, t.GOOS, t.GOARCH))
			}
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("not supported by %s (not in `go tool dist list`), remove from the targets: %s", goVersion, strings.Join(bad, ", "))
	}
	return nil
}

func goOutput(args ...string) (string, error) {
	var stderr bytes.Buffer
	cmd := exec.Command("go", args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out)), nil
}

func distPorts() (map[string]bool, error) {
	out, err := goOutput("tool", "dist", "list")
	if err != nil {
		return nil, err
	}
	ports := map[string]bool{}
	for _, line := range strings.Fields(out) {
		ports[line] = true
	}
	return ports, nil
}

// withoutTemplates drops entries goreleaser would template ({{ .Version }} and
// the like): none of them decides whether a target compiles.
func withoutTemplates(entries []string) []string {
	var kept []string
	for _, e := range entries {
		if !strings.Contains(e, "{{") {
			kept = append(kept, e)
		}
	}
	return kept
}

// buildAll cross-compiles every target into a scratch directory and reports
// each result; it builds all of them before failing, so one run names every
// broken target.
func buildAll(builds []releaseBuild) error {
	scratch, err := os.MkdirTemp("", "releasetargets")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	var failed []string
	for _, b := range builds {
		main := b.Main
		if main == "" {
			main = "."
		}
		for _, t := range b.targets {
			start := time.Now()
			args := append([]string{"build"}, withoutTemplates(b.Flags)...)
			args = append(args, "-o", filepath.Join(scratch, t.Name), main)
			cmd := exec.Command("go", args...)
			cmd.Env = append(append(os.Environ(), withoutTemplates(b.Env)...), t.env()...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				fmt.Printf("FAIL %-22s %s\n%s", t.Name, strings.Join(t.env(), " "), out)
				failed = append(failed, t.Name)
				continue
			}
			fmt.Printf("ok   %-22s %5.1fs\n", t.Name, time.Since(start).Seconds())
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d target(s) do not build: %s", len(failed), strings.Join(failed, ", "))
	}
	return nil
}

func run(configPath string, listOnly bool) error {
	config, err := os.ReadFile(configPath)
	if err != nil {
		return err
	}
	builds, err := loadBuilds(config)
	if err != nil {
		return fmt.Errorf("%s: %w", configPath, err)
	}
	goVersion, err := goOutput("env", "GOVERSION")
	if err != nil {
		return err
	}
	ports, err := distPorts()
	if err != nil {
		return err
	}
	if err := unsupported(builds, ports, goVersion); err != nil {
		return fmt.Errorf("%s: %w", configPath, err)
	}
	count := 0
	for _, b := range builds {
		count += len(b.targets)
	}
	fmt.Printf("releasetargets: %d targets in %s, all ports of %s\n", count, configPath, goVersion)
	if listOnly {
		for _, b := range builds {
			for _, t := range b.targets {
				fmt.Println(t.Name)
			}
		}
		return nil
	}
	start := time.Now()
	if err := buildAll(builds); err != nil {
		return err
	}
	fmt.Printf("releasetargets: %d targets built in %.0fs\n", count, time.Since(start).Seconds())
	return nil
}

func main() {
	configPath := flag.String("config", ".goreleaser.yml", "goreleaser configuration to read the targets from")
	listOnly := flag.Bool("list", false, "check the targets against the toolchain's ports and list them, without building")
	flag.Parse()
	if err := run(*configPath, *listOnly); err != nil {
		fmt.Fprintln(os.Stderr, "releasetargets:", err)
		os.Exit(1)
	}
}
